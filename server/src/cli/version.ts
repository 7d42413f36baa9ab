// The tool's version: injected by esbuild into bundles, read from package.json when run from source.
declare const HEAPSCOPE_VERSION: string | undefined;

/** The version of this build of Heapscope. */
export function toolVersion(): string {
  if (typeof HEAPSCOPE_VERSION === 'string') return HEAPSCOPE_VERSION;
  // Running from source (tests, tsx): server/src/cli → repository root.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only from source; bundles never reach it
  return (require('../../../package.json') as { version: string }).version;
}
