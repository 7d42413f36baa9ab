// Runs the Go compiler's escape analysis on exactly the requested packages.
//
// One `go list -e -export -gcflags=-m=2 [-test] <patterns>` process compiles the listed packages
// (not their dependencies) with -m=2, prints the compiler's text on stderr under `# importpath`
// headers and reports compile errors in its JSON instead of failing. It costs the same as
// `go build`, works the same from Go 1.21 to 1.26, and tells us each package's files.
// The module is found by module.ts, the arguments and JSON are goList.ts's, the stderr sections
// compilerSections.ts's, and the processes and the run queue processes.ts's.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { SectionStream, sectionsOutput, splitSections, type CompilerSection } from './compilerSections';
import { compilerArgs, isStandardPattern, patternFromWorkingDir, readPackageList, spreadOverWorkspace } from './goList';
import { findModule, NotInModuleError, readWorkModules, type GoModule } from './module';
import { planPgo } from './pgo';
import { acquireSlot, mergeEnv, runGo, trackTempDir, untrackTempDir } from './processes';
import { mark } from './timing';
import type { PackageResult } from './types';

/** Options of one compiler run. */
export interface CompilerRunOptions {
  cwd: string;
  /** As the go command takes them: '.', './...', import paths, directories. */
  patterns: string[];
  /** Also compile test variants and external test packages; default true. */
  tests?: boolean;
  /** Compiler flags; default ['-m=2']. Replaces the default, e.g. ['-m', '-l']. */
  gcflags?: string[];
  tags?: string[];
  /** Default 'go'. */
  goBinary?: string;
  /** Merged over process.env (undefined removes a variable): GOFLAGS, GOOS, GOARCH, GOTOOLCHAIN, … */
  env?: Record<string, string | undefined>;
  /** Absolute path → unsaved buffer content, passed to go with -overlay. */
  overlay?: Map<string, string>;
  signal?: AbortSignal;
  /** Limit on the run once it has a slot (time waiting in the queue does not count). */
  timeoutMs?: number;
  /** Streams the go command's stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /**
   * Hands on each `# importpath` section as soon as it is complete (go prints a package when it is
   * compiled), every section, in or out of scope; the run then keeps none and its `output` is ''.
   * `where` is the directory printed paths are relative to. While the promises it returns for
   * more than a few sections are pending, go's stderr is paused: go waits rather than its output
   * piling up in memory.
   */
  onSection?: (section: CompilerSection, where: RunPlace) => void | Promise<void>;
  /** Called with the process id (= process group id) of every go process started. */
  onStart?: (pid: number) => void;
  /** The most output a go process may print (stdout and stderr together) before it is stopped with GoOutputTooLargeError; default MAX_GO_OUTPUT_BYTES (256 MiB). */
  maxOutputBytes?: number;
}

/** Where a run compiles: known before go starts. */
export interface RunPlace {
  workingDir: string;
  module: GoModule | null;
  workModules: string[];
}

/** The outcome of one compiler run. */
export interface CompilerRun {
  goBinary: string;
  /** The toolchain that actually ran, e.g. go1.26.8 (honours GOTOOLCHAIN and the toolchain line). */
  goVersion: string;
  /** The fixed directory the compiler ran in; printed relative paths are relative to it. */
  workingDir: string;
  /** The module (or workspace) of the directory the run started from; null for standard-library patterns outside any module. */
  module: GoModule | null;
  /** The module directories of the go.work in effect (its `use` lines), absolute; [] without one. */
  workModules: string[];
  /** The packages in scope, test variants preferred, each with its files and error. */
  packages: PackageResult[];
  /** The compiler's stderr restricted to the in-scope `# importpath` sections, headers included (compilerSections.ts); '' when they were handed to `onSection`. */
  output: string;
  exitCode: number;
  durationMs: number;
  /** go command messages outside package sections: downloads, pattern errors, warnings. */
  stderrOther: string;
}

/** The run was cancelled through its AbortSignal. */
export class CompilerRunCancelled extends Error {
  constructor() {
    super('Compiler run cancelled');
    this.name = 'CompilerRunCancelled';
  }
}

/** The run took longer than its timeoutMs. */
export class CompilerRunTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Compiler run timed out after ${timeoutMs} ms`);
    this.name = 'CompilerRunTimeout';
  }
}

/** `go list` failed as a whole (bad go.mod, unknown toolchain…) or the patterns matched no package. */
export class GoListError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GoListError';
  }
}

/** Writes the overlay buffers and the -overlay JSON into dir; returns the JSON's path. */
async function writeOverlay(dir: string, buffers: Map<string, string>): Promise<string> {
  const replace: Record<string, string> = {};
  let i = 0;
  for (const [target, content] of buffers) {
    const file = path.join(dir, `overlay-${i++}-${path.basename(target)}`);
    await fs.writeFile(file, content);
    replace[path.resolve(target)] = file;
  }
  const file = path.join(dir, 'overlay.json');
  await fs.writeFile(file, JSON.stringify({ Replace: replace }));
  return file;
}

// Sections handed to onSection and not yet handled before go's stderr is paused.
const MAX_PENDING_SECTIONS = 2;

/** Compiles exactly the requested packages with -m=2 (or the given gcflags) and returns their output. */
export async function runCompiler(opts: CompilerRunOptions): Promise<CompilerRun> {
  const started = Date.now();
  const goBinary = opts.goBinary ?? 'go';
  const env = mergeEnv(opts.env);
  const cwd = path.resolve(opts.cwd);
  // Like the go command, no pattern means the package in the current directory.
  const requested = opts.patterns.length > 0 ? opts.patterns : ['.'];
  const module = await findModule(cwd, env);
  if (module === null && !requested.every(isStandardPattern)) {
    throw new NotInModuleError(cwd, requested);
  }
  // One fixed directory, so the cache replays outputs with the same relative paths.
  const workingDir = module === null ? cwd : module.workFile ? path.dirname(module.workFile) : module.root;
  if (!(await fs.stat(workingDir).catch(() => null))?.isDirectory()) {
    throw new Error(`Directory not found: ${workingDir}`);
  }
  const workModules = module?.workFile ? await readWorkModules(module.workFile) : [];
  const patterns = requested.flatMap((p) => spreadOverWorkspace(patternFromWorkingDir(p, cwd, workingDir), workingDir, workModules));
  const gcflags = opts.gcflags ?? ['-m=2'];
  // go list -export would compile PGO packages without their profile on a cold cache (pgo.ts).
  const pgo = await planPgo({ patterns, workingDir, modulePath: module?.modulePath ?? '', goflags: env.GOFLAGS, gcflags });

  const release = await acquireSlot(opts.signal).catch(() => {
    throw new CompilerRunCancelled();
  });
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(new CompilerRunCancelled());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => controller.abort(new CompilerRunTimeout(opts.timeoutMs as number)), opts.timeoutMs) : undefined;
  // A temp dir per run for the overlay and for go's own work dir (GOTMPDIR): a killed go command
  // cannot remove its $WORK, so we remove it.
  const tempDir = await fs.mkdtemp(path.join(env.GOTMPDIR || os.tmpdir(), 'heapscope-run-'));
  // Removed on a signal or a crash too (processes.ts), when this function has no chance to.
  trackTempDir(tempDir);
  const goEnv = { ...env, GOTMPDIR: tempDir };
  try {
    if (opts.signal?.aborted) throw new CompilerRunCancelled();
    const overlayFile = opts.overlay !== undefined && opts.overlay.size > 0 ? await writeOverlay(tempDir, opts.overlay) : null;
    const args = compilerArgs({
      patterns,
      tests: opts.tests ?? true,
      gcflags,
      tags: opts.tags ?? [],
      overlayFile,
      pgo,
    });
    mark('go started');
    const onSection = opts.onSection;
    const place: RunPlace = { workingDir, module, workModules };
    let stderrStream: Readable | null = null;
    let pending = 0;
    const settled1 = (): void => {
      if (--pending < MAX_PENDING_SECTIONS) stderrStream?.resume();
    };
    const stream = onSection
      ? new SectionStream((s) => {
          const handled = onSection(s, place);
          if (!handled) return;
          if (++pending >= MAX_PENDING_SECTIONS) stderrStream?.pause();
          handled.then(settled1, settled1);
        })
      : null;
    const onStderr =
      stream === null
        ? opts.onStderr
        : (chunk: string, stderr: Readable): void => {
            stderrStream = stderr;
            opts.onStderr?.(chunk);
            stream.write(chunk);
          };
    const settled = await Promise.allSettled([
      runGo(goBinary, args, workingDir, goEnv, controller.signal, onStderr, opts.onStart, opts.maxOutputBytes, stream === null),
      runGo(goBinary, ['env', 'GOVERSION'], workingDir, goEnv, controller.signal, undefined, opts.onStart, opts.maxOutputBytes),
    ]);
    if (settled[0].status === 'rejected') throw settled[0].reason;
    if (settled[1].status === 'rejected') throw settled[1].reason;
    const list = settled[0].value;
    const version = settled[1].value;
    mark('go exited');
    const { sections, other } = stream === null ? splitSections(list.stderr) : { sections: [], other: stream.end() };
    if (list.code !== 0 && list.stdout.trim() === '') {
      const stderr = stream === null ? list.stderr : other;
      throw new GoListError(`go list failed (exit code ${list.code}) in ${workingDir}:\n${stderr.trim()}`, stderr);
    }
    const { packages, patternErrors } = readPackageList(list.stdout);
    const stderrOther = other + patternErrors.map((e) => e + '\n').join('');
    if (packages.length === 0) {
      const why = stderrOther.trim() || 'no packages matched';
      throw new GoListError(`No Go packages to analyse for ${requested.join(' ')} in ${workingDir}: ${why}`, stream === null ? list.stderr : other);
    }
    return {
      goBinary,
      module,
      workModules,
      goVersion: version.code === 0 ? version.stdout.trim() : 'unknown',
      workingDir,
      packages,
      output: sectionsOutput(sections, packages),
      exitCode: list.code,
      durationMs: Date.now() - started,
      stderrOther,
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    release();
    await fs.rm(tempDir, { recursive: true, force: true });
    untrackTempDir(tempDir);
  }
}
