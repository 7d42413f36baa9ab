// Per-package compiler runs of the language server: one state per package directory and build
// configuration, one run at a time per package (a newer request aborts the older run and its
// process tree), the typing debounce, and the pipeline's result turned into the results that open
// documents show. The session decides when to run and shows the results (showResults).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceCache } from '../engine/analyze';
import { CompilerRunCancelled } from '../engine/goRunner';
import { NotInModuleError } from '../engine/module';
import { GoNotFoundError } from '../engine/processes';
import type { GoSourceFile } from '../engine/sourceFile';
import type { Finding, PackageResult } from '../engine/types';
import type { FixContext } from '../fixes/fixTypes';
import { PipelineCancelled, runPipeline, type PipelineDeps, type PipelineResult } from '../pipeline/index';
import { isHeapAllocation } from './diagnostics';
import { LIVE_TRACKING_LIMIT, readText, type OpenDocument, type TrackedFinding } from './documents';
import type { CompilerOutputResult, HeapscopeSettings, StatusParams } from '../protocol';

/** One compile's results for a package, located in the texts the compiler saw. */
export interface PackageResults {
  packagePath: string;
  workingDir: string;
  output: string;
  /** The files of the packages compiled (absolute): where printed paths replayed from the build cache resolve. */
  files: string[];
  findings: Finding[];
  /** The findings before the profile was joined (compiler and fix findings). */
  raw: Finding[];
  /** The text the compiler saw for each file with findings. */
  texts: Map<string, string>;
  /** Those texts parsed, kept only until the results are first shown (trees are large). */
  parsed: Map<string, GoSourceFile> | null;
  /** What the fix finders read for each file besides its text: fixes are re-checked with it after an edit. */
  fixContexts: Map<string, FixContext>;
  /** The packages compiled, with their compiled archives (read by "Show Compiled Code"). */
  packages: PackageResult[];
  /** The go binary that compiled them, and the toolchain version that ran. */
  goBinary: string;
  goVersion: string;
}

/** One compile's results, and whether the package failed to compile. */
interface CompiledPackage {
  results: PackageResults;
  failed: boolean;
}

/** Per package directory and build configuration. */
export interface PackageState {
  dir: string;
  /** Last compile without errors. */
  good: PackageResults | null;
  /** The last compile, when it failed: its compile errors. */
  failed: PackageResults | null;
  /** A file of the package (or go.mod/go.work) changed since the last compile. */
  dirty: boolean;
  run: AbortController | null;
  running: Promise<void> | null;
  runId: number;
  typingTimer: NodeJS.Timeout | null;
}

/** What package runs need from the session. */
export interface PackageRunsContext {
  settingsFor(file: string): HeapscopeSettings;
  /** Whether the window is trusted: go never runs in an untrusted one. */
  trusted(): boolean;
  /** The open documents of a package directory. */
  docsOf(dir: string): OpenDocument[];
  /** Joins findings with the profile in use (the identity without one). */
  withProfile(raw: Finding[], dir: string): Finding[];
  status(p: StatusParams): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  progress(title: string, message: string): Promise<{ done(): void }>;
  /** A compile finished with new results for `st`: put them on its open documents. */
  showResults(st: PackageState): void;
}

/** The build configuration part of the settings: results are cached per package and this key. */
export function buildConfigKey(s: HeapscopeSettings): string {
  // allowUpperBound changes which fixes an analysis finds, so it needs a new analysis too.
  return JSON.stringify([s.gcflags, s.buildTags, s.goPath, s.env, s.allowUpperBound]);
}

/** Returns the status of an untrusted window. */
export function untrustedStatus(): StatusParams {
  return { state: 'untrusted', heapAllocations: 0, message: 'Workspace is not trusted: Heapscope does not run go.' };
}

/** The packages' states and their compiler runs. */
export class PackageRuns {
  private readonly packages = new Map<string, PackageState>();
  private readonly reportedNoModule = new Set<string>();
  /** Every run not yet settled, superseded ones included: their processes may still be stopping. */
  private readonly inFlight = new Set<Promise<void>>();
  private disposed = false;

  /**
   * @param ctx what the runs need from the session
   * @param pipelineDeps the compiler the pipeline runs; tests pass recorded runs
   */
  constructor(
    private readonly ctx: PackageRunsContext,
    private readonly pipelineDeps: PipelineDeps,
  ) {}

  /** A package's key under the current settings: results of other build configurations stay cached under theirs. */
  private packageKey(dir: string): string {
    return `${dir}\0${buildConfigKey(this.ctx.settingsFor(dir))}`;
  }

  /** Returns the state of a package directory under its current build configuration, made on first use. */
  state(dir: string): PackageState {
    const key = this.packageKey(dir);
    let st = this.packages.get(key);
    if (!st) {
      st = { dir, good: null, failed: null, dirty: false, run: null, running: null, runId: 0, typingTimer: null };
      this.packages.set(key, st);
    }
    return st;
  }

  /** Marks every package dirty (go.mod, go.work or go.sum changed). */
  markAllDirty(): void {
    for (const st of this.packages.values()) st.dirty = true;
  }

  /** Aborts every run in progress (the window is no longer trusted). */
  abortAll(): void {
    for (const st of this.packages.values()) st.run?.abort();
  }

  /**
   * Re-joins every package's results with `join` (a profile was loaded, cleared or weighed
   * differently); returns the packages of the current build configurations with the findings
   * they had before, for their documents to be shown again. Others are re-joined for later.
   */
  rejoin(join: (raw: Finding[], dir: string) => Finding[]): Array<{ st: PackageState; before: readonly Finding[] }> {
    const out: Array<{ st: PackageState; before: readonly Finding[] }> = [];
    for (const [key, st] of this.packages) {
      if (!st.good && !st.failed) continue;
      const before = st.good?.findings ?? [];
      for (const r of [st.good, st.failed]) if (r) r.findings = join(r.raw, st.dir);
      if (key === this.packageKey(st.dir)) out.push({ st, before });
    }
    return out;
  }

  /** Compiles a package after the typing delay, unless it is compiled again before; half-typed code waits. */
  scheduleTypingCompile(dir: string): void {
    const st = this.state(dir);
    if (st.typingTimer) clearTimeout(st.typingTimer);
    st.typingTimer = setTimeout(() => {
      st.typingTimer = null;
      // Half-typed code would only produce compile errors: wait for text that parses.
      if (this.ctx.docsOf(st.dir).some((d) => d.file?.tree.rootNode.hasError)) return;
      void this.analyse(st.dir, 'typing');
    }, this.ctx.settingsFor(st.dir).typingDelayMs);
  }

  /** Cancels a package's pending typing compile (its last document closed). */
  cancelTyping(dir: string): void {
    const st = this.state(dir);
    if (st.typingTimer) clearTimeout(st.typingTimer);
    st.typingTimer = null;
  }

  /**
   * Compiles one package (cancelling its previous run) and shows the results. After a save of a
   * file that is not a test file (`savedFile`) in a package with tests, the package itself is
   * compiled and shown first, then its test variant: the saved file's diagnostics do not wait for
   * the tests to compile (on gin the package alone takes about a quarter of the time). A saved
   * test file needs the test variant, whose compile is the one run: the package alone is then
   * replayed from go's build cache (its files did not change), so nothing waits for it.
   */
  async analyse(dir: string, reason: string, savedFile?: string): Promise<void> {
    if (this.disposed) return;
    const st = this.state(dir);
    if (!this.ctx.trusted()) {
      this.ctx.status(untrustedStatus());
      return;
    }
    st.run?.abort();
    const ac = new AbortController();
    st.run = ac;
    const id = ++st.runId;
    const plainFirst = savedFile !== undefined && !isTestFile(savedFile) && this.hasTestFiles(st.dir);
    const running = this.runPackage(st, ac, id, reason, plainFirst).catch((e: unknown) => {
      this.ctx.log('error', `analysis of ${dir} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    st.running = running;
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    await running;
    if (st.runId === id) {
      st.running = null;
      st.run = null;
    }
  }

  /** Whether a package directory has test files, on disk or open in the editor. */
  private hasTestFiles(dir: string): boolean {
    if (this.ctx.docsOf(dir).some((d) => isTestFile(d.path))) return true;
    try {
      return fs.readdirSync(dir).some(isTestFile);
    } catch {
      return false;
    }
  }

  private async runPackage(st: PackageState, ac: AbortController, id: number, reason: string, plainFirst: boolean): Promise<void> {
    if (plainFirst) {
      const plain = await this.compile(st, ac, id, reason, false);
      if (plain === null) return;
      // The package alone has no findings in test files: those of the last compile stay until the
      // test variant's compile replaces them.
      const before = st.good;
      if (!plain.failed && before) {
        for (const f of before.raw) {
          if (!isTestFile(f.file)) continue;
          plain.results.raw.push(f);
          const text = before.texts.get(f.file);
          if (text !== undefined && !plain.results.texts.has(f.file)) plain.results.texts.set(f.file, text);
        }
        plain.results.findings = this.ctx.withProfile(plain.results.raw, st.dir);
      }
      this.show(st, plain);
      // A package that does not compile cannot have a test variant that does.
      if (plain.failed) return;
    }
    const full = await this.compile(st, ac, id, reason, true);
    if (full !== null) this.show(st, full);
  }

  /** One compile of a package (with its test variant when `tests`); null when superseded or it failed as a whole (reported). */
  private async compile(st: PackageState, ac: AbortController, id: number, reason: string, tests: boolean): Promise<CompiledPackage | null> {
    const s = this.ctx.settingsFor(st.dir);
    // The compiler sees the editor's text: unsaved buffers go through -overlay.
    const snapshots = new Map<string, string>();
    const overlay = new Map<string, string>();
    for (const d of this.ctx.docsOf(st.dir)) {
      snapshots.set(d.path, d.text);
      if (d.dirty && readText(d.path) !== d.text) overlay.set(d.path, d.text);
    }
    this.ctx.status({ state: 'analysing', heapAllocations: heapCount(st), message: `Analysing ${st.dir} (${reason})`, package: st.good?.packagePath, dir: st.dir });
    const progress = await this.ctx.progress('Heapscope', `analysing ${path.basename(st.dir)}`);
    const superseded = (): boolean => st.runId !== id || this.disposed;
    const sources = new SourceCache(snapshots);
    let result: PipelineResult;
    try {
      result = await runPipeline(
        {
          compile: {
            cwd: st.dir,
            patterns: ['.'],
            gcflags: ['-m=2', ...s.gcflags],
            tags: s.buildTags,
            goBinary: s.goPath || undefined,
            env: s.env,
            overlay,
            signal: ac.signal,
            tests,
          },
          sources,
          cooperative: true,
          // Heap findings are confirmed by the compiled code; what it allocates unannounced is shown too.
          evidence: true,
          // Files over 1 MB (generated tables, bundles) are not searched for fixes: the search is one
          // uninterruptible pass per file and would stall hovers and edits for hundreds of ms.
          fixes: {
            allowUpperBound: s.allowUpperBound,
            maxFileChars: LIVE_TRACKING_LIMIT,
            // A failed fix search costs the fixes, not the diagnostics.
            onError: (e) => this.ctx.log('warn', `looking for fixes in ${st.dir} failed: ${e instanceof Error ? e.message : String(e)}`),
          },
          scope: { dir: st.dir },
          isCancelled: superseded,
        },
        this.pipelineDeps,
      );
    } catch (e) {
      if (e instanceof PipelineCancelled || e instanceof CompilerRunCancelled || ac.signal.aborted) return null;
      if (e instanceof NotInModuleError) {
        if (!this.reportedNoModule.has(st.dir)) {
          this.reportedNoModule.add(st.dir);
          this.ctx.log('warn', `${st.dir} is not inside a Go module (no go.mod or go.work above it): not analysed.`);
        }
        this.ctx.status({ state: 'notInModule', heapAllocations: 0, message: e.message, dir: st.dir });
        return null;
      }
      if (e instanceof GoNotFoundError) {
        this.ctx.log('error', e.message);
        this.ctx.status({ state: 'noGo', heapAllocations: 0, message: `Go not found: tried "${e.goBinary}"` });
        return null;
      }
      const msg = e instanceof Error ? e.message : String(e);
      this.ctx.log('error', msg);
      this.ctx.status({ state: 'compileError', heapAllocations: 0, message: msg.split('\n')[0] ?? msg, dir: st.dir });
      return null;
    } finally {
      progress.done();
    }
    if (superseded()) return null;
    const { run, analysis, raw: findings } = result;
    const texts = new Map<string, string>();
    const parsed = new Map<string, GoSourceFile>();
    for (const f of findings) {
      if (texts.has(f.file)) continue;
      const source = sources.get(f.file);
      if (source) parsed.set(f.file, source);
      texts.set(f.file, source?.text ?? snapshots.get(f.file) ?? readText(f.file) ?? '');
    }
    const pkgPath = run.packages.find((p) => p.dir === st.dir && !p.forTest)?.importPath ?? run.packages[0]?.importPath ?? st.dir;
    // The profile join runs here, not inside the pipeline: the profile in use can change while the
    // package compiles, and a profile change re-joins every package's results without a compile.
    const files = [...new Set(run.packages.flatMap((p) => p.files))];
    const fixContexts = new Map(result.fixes.map((f) => [f.file, f.context] as const));
    const results: PackageResults = {
      packagePath: pkgPath,
      workingDir: run.workingDir,
      output: run.output,
      files,
      findings: this.ctx.withProfile(findings, st.dir),
      raw: findings,
      texts,
      parsed,
      fixContexts,
      packages: run.packages,
      goBinary: run.goBinary,
      goVersion: run.goVersion,
    };
    const failed = findings.some((f) => f.kind === 'build') || run.packages.some((p) => p.error !== null);
    if (failed) for (const p of analysis.problems) this.ctx.log('warn', `${p.importPath}: ${p.message}`);
    this.ctx.log('info', `${pkgPath}${tests ? '' : ' (without tests)'}: ${findings.length} findings in ${run.durationMs} ms (${run.goVersion}${failed ? ', does not compile' : ''})`);
    return { results, failed };
  }

  /** Makes a compile's results the package's and shows them. */
  private show(st: PackageState, { results, failed }: CompiledPackage): void {
    if (failed) {
      st.failed = results;
    } else {
      st.good = results;
      st.failed = null;
    }
    st.dirty = false;
    this.ctx.showResults(st);
    results.parsed = null;
  }

  /** Cancels every compiler run and waits until their processes are gone. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const st of this.packages.values()) {
      if (st.typingTimer) clearTimeout(st.typingTimer);
      st.run?.abort();
    }
    await Promise.allSettled([...this.inFlight]);
  }
}

/** Whether a file is a test file by go's rule: its name ends in _test.go. */
function isTestFile(file: string): boolean {
  return file.endsWith('_test.go');
}

/** Puts a package's results on one open document (stale good results plus errors after a failed compile). */
export function applyResults(st: PackageState, doc: OpenDocument): void {
  const forFile = (r: PackageResults | null): Finding[] => (r ? r.findings.filter((f) => f.file === doc.path) : []);
  const compiled = (r: PackageResults): string | GoSourceFile => r.parsed?.get(doc.path) ?? r.texts.get(doc.path) ?? doc.text;
  if (!st.failed) {
    doc.setFindings(forFile(st.good), st.good ? compiled(st.good) : doc.text, [], st.good?.fixContexts.get(doc.path) ?? null);
    return;
  }
  if (doc.tracked.length === 0 && st.good) doc.setFindings(forFile(st.good), compiled(st.good));
  const keep = doc.tracked.filter((t) => t.finding.kind !== 'build').map((t) => t.finding);
  doc.setFindings(
    forFile(st.failed).filter((f) => f.kind === 'build'),
    compiled(st.failed),
    keep,
  );
}

/**
 * Puts re-joined findings on a document without re-anchoring (which re-parses the compiled
 * text): ranges are unchanged, only costs and severities differ. New hot lines (alloc.site) are
 * placed by offsets. Returns false, changing nothing, when the document changed since the compile
 * (the caller applies the results again).
 */
export function swapFindings(doc: OpenDocument, before: readonly Finding[], now: PackageResults): boolean {
  if (doc.editedSinceResults || (now.texts.get(doc.path) !== undefined && now.texts.get(doc.path) !== doc.text)) return false;
  const index = new Map(before.map((f, i) => [f, i] as const));
  const tracked: TrackedFinding[] = [];
  for (const t of doc.tracked) {
    const i = index.get(t.finding);
    if (i === undefined) tracked.push(t);
    else if (i < now.raw.length) tracked.push({ ...t, finding: now.findings[i]! });
  }
  for (let i = now.raw.length; i < now.findings.length; i++) {
    const f = now.findings[i]!;
    if (f.file !== doc.path) continue;
    tracked.push({ finding: f, range: { line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn }, nodeType: null, stale: false, fixes: null });
  }
  doc.tracked = tracked;
  return true;
}

/** Returns the heap allocations of a package's last good compile, for the status bar. */
export function heapCount(st: PackageState): number {
  return st.good ? st.good.findings.filter(isHeapAllocation).length : 0;
}

/** Returns the status of a package after its results are shown. */
export function packageStatus(st: PackageState): StatusParams {
  const n = heapCount(st);
  const pkg = (st.failed ?? st.good)?.packagePath;
  if (st.failed) {
    const first = st.failed.findings.find((f) => f.kind === 'build');
    const state = st.good ? 'stale' : 'compileError';
    return { state, heapAllocations: n, message: `${pkg} does not compile${first ? `: ${first.message}` : ''}`, package: pkg, dir: st.dir };
  }
  return { state: 'ok', heapAllocations: n, message: `${pkg}: ${n} heap allocation${n === 1 ? '' : 's'}`, package: pkg, dir: st.dir };
}

/** heapscope/compilerOutput: returns the raw output of a package's last compile. */
export function compilerOutput(st: PackageState): CompilerOutputResult {
  const dir = st.dir;
  const r = st.failed ?? st.good;
  if (!r) return { packagePath: dir, packageDir: dir, workingDir: dir, text: '', files: [], message: 'This package has not been analysed yet.' };
  return { packagePath: r.packagePath, packageDir: dir, workingDir: r.workingDir, text: r.output, files: r.files };
}
