// The tool's version: injected by esbuild into bundles, read from package.json when run from source.
declare const HEAPSCOPE_VERSION: string | undefined;
declare const HEAPSCOPE_BUILD: string | undefined;

/** The version of this build of Heapscope. */
export function toolVersion(): string {
  if (typeof HEAPSCOPE_VERSION === 'string') return HEAPSCOPE_VERSION;
  // Running from source (tests, tsx): server/src/cli → repository root.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only from source; bundles never reach it
  return (require('../../../package.json') as { version: string }).version;
}

/**
 * This build's identity: the version and a hash of the server's sources (scripts/build.mjs), so
 * what one build cached is never read by another build of the same version. From source, where
 * the sources are what runs, the version and the time this process started.
 */
export function buildId(): string {
  if (typeof HEAPSCOPE_BUILD === 'string') return HEAPSCOPE_BUILD;
  return `${toolVersion()}+source-${process.pid}-${Date.now()}`;
}
