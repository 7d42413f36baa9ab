// While go compiles (0.1 s warm, seconds cold), the packages' files are listed with
// `go list -find` (no compile, a few tens of ms) and parsed into the pipeline's SourceCache, one
// file per event-loop turn: the tree-sitter parse is then off the path after the compile.
// It is only an optimisation: whatever goes wrong here (a go that prints garbage, fails or is
// stopped) is ignored, and the files not parsed yet are parsed when first needed.
import * as path from 'node:path';
import type { SourceCache } from '../engine/analyze';
import { parseJsonStream } from '../engine/goList';
import type { CompilerRunOptions } from '../engine/goRunner';
import { mergeEnv, runGo } from '../engine/processes';

/** One package as `go list -find` lists it: its directory and file names. */
export interface ListedSources {
  ImportPath?: string;
  /** The package name: a `main` package's test variant is compiled even without internal test files. */
  Name?: string;
  Dir?: string;
  GoFiles?: string[];
  CgoFiles?: string[];
  TestGoFiles?: string[];
  XTestGoFiles?: string[];
}

/** Lists the packages' files and parses them one per event-loop turn until stopped. */
export class Prefetch {
  private started = false;
  private stopped = false;
  private readonly controller = new AbortController();
  private settleListing: (listing: ListedSources[] | null) => void = () => undefined;
  /** The packages as listed; null when the listing failed or was stopped first. */
  readonly listing = new Promise<ListedSources[] | null>((resolve) => (this.settleListing = resolve));

  /** With `parse` false the files are only listed (the streaming pipeline parses per package). */
  constructor(
    private readonly opts: CompilerRunOptions,
    private readonly sources: SourceCache,
    private readonly parse = true,
  ) {}

  /** Starts listing (once; never after stop). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const opts = this.opts;
    const args = ['list', '-e', '-find', '-json=ImportPath,Name,Dir,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles'];
    if (opts.tags && opts.tags.length > 0) args.push(`-tags=${opts.tags.join(',')}`);
    args.push('--', ...(opts.patterns.length > 0 ? opts.patterns : ['.']));
    const tests = opts.tests ?? true;
    // The run's own cancellation stops the listing at once, before the compile has unwound.
    opts.signal?.addEventListener('abort', this.onCancel, { once: true });
    // Like the compile: its own process group under the parent-death signal, the whole group
    // stopped on stop(), and killed if this process exits.
    runGo(opts.goBinary ?? 'go', args, path.resolve(opts.cwd), mergeEnv(opts.env), this.controller.signal, undefined, undefined, opts.maxOutputBytes).then(
      (list) => {
        let listing: ListedSources[];
        try {
          listing = parseJsonStream(list.stdout) as ListedSources[];
        } catch {
          return this.settleListing(null); // Not go list's JSON: nothing to prefetch.
        }
        this.settleListing(listing);
        if (this.stopped || !this.parse) return;
        void this.parseAll(listedFiles(listing, tests));
      },
      () => this.settleListing(null), // Stopped, or go could not run: the compile reports that.
    );
  }

  /** Stops listing and parsing; files not parsed yet are parsed when first needed. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.settleListing(null);
    this.opts.signal?.removeEventListener('abort', this.onCancel);
    this.controller.abort();
  }

  private readonly onCancel = (): void => this.stop();

  private async parseAll(files: string[]): Promise<void> {
    for (const file of files) {
      // Yield between files so the compiler's exit is noticed within one file's parse.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.stopped) return;
      this.sources.get(file);
    }
  }
}

/** The absolute files of the listed packages (test files only when tests are compiled). */
export function listedFiles(listing: readonly ListedSources[], tests: boolean): string[] {
  const files: string[] = [];
  for (const p of listing) {
    if (!p.Dir) continue;
    const names = [...(p.GoFiles ?? []), ...(p.CgoFiles ?? []), ...(tests ? [...(p.TestGoFiles ?? []), ...(p.XTestGoFiles ?? [])] : [])];
    for (const n of names) files.push(path.join(p.Dir, n));
  }
  return files;
}
