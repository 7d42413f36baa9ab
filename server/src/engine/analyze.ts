// The analysis pipeline: run the compiler once, parse its decisions, map each onto its syntax node
// and describe it in plain words. Presentation (which kinds to show, severities from settings or
// profiles) happens later, in the CLI and the language server.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CompilerOutputParser, parsePositionPrefix } from './compilerOutput';
import { mergeEnv, parseJsonStream, runCompiler, resolveCompilerPath, type CompilerRun, type CompilerRunOptions } from './goRunner';
import { kindInfo } from './kinds';
import { decisionMessage, explanationSteps } from './messages';
import { GoSourceFile } from './syntax';
import { mark } from './timing';
import type { ByteRange, CompilerDecision, Finding, PackageResult, ParsedOutput } from './types';

/** The outcome of one analysis: every decision as a finding, plus what could not be analysed. */
export interface Analysis {
  run: CompilerRun;
  parsed: ParsedOutput;
  /** One finding per compiler summary line and per compile error, in file/line order. */
  findings: Finding[];
  /** Package-level problems that have no position (load errors, "no Go files"). */
  problems: Array<{ importPath: string; message: string }>;
}

/** Options for analyze(): those of the compiler run, plus which kinds to build findings for. */
export interface AnalyzeOptions extends CompilerRunOptions {
  /** Only decisions of kinds this accepts become findings (mapping a node costs time); default all. */
  selectKind?: (kind: string) => boolean;
  /** Where parsed files go (the CLI reuses them for SARIF); default a new cache over `overlay`. */
  sources?: SourceCache;
  /** Parse the packages' files while the compiler runs (default true). */
  prefetch?: boolean;
}

/** Source files parsed once per analysis; the editor's unsaved text wins over the disk. */
export class SourceCache {
  private readonly files = new Map<string, GoSourceFile | null>();

  constructor(private readonly overlay?: ReadonlyMap<string, string>) {}

  /** The parsed file, or null when it cannot be read (generated or missing files). */
  get(file: string): GoSourceFile | null {
    let f = this.files.get(file);
    if (f === undefined) {
      let text = this.overlay?.get(file);
      if (text === undefined) {
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          text = undefined;
        }
      }
      f = text === undefined ? null : GoSourceFile.parse(text);
      this.files.set(file, f);
    }
    return f;
  }
}

/**
 * Runs the compiler on the patterns and returns every decision as a finding. While go compiles
 * (0.1 s warm, seconds cold), the packages' files are parsed into `sources`, which takes the
 * tree-sitter parse off the path after the compile.
 */
export async function analyze(opts: AnalyzeOptions): Promise<Analysis> {
  const sources = opts.sources ?? new SourceCache(opts.overlay);
  const prefetch = opts.prefetch === false ? null : new Prefetch(opts, sources);
  // The files are listed once the compile has started: the compile goes first.
  const onStart = (pid: number): void => {
    opts.onStart?.(pid);
    prefetch?.start();
  };
  try {
    const run = await runCompiler({ ...opts, onStart });
    prefetch?.stop();
    return analyzeRun(run, sources, opts.selectKind);
  } finally {
    prefetch?.stop();
  }
}

/** Lists the packages' files with `go list -find` (no compile, a few tens of ms) and parses them one per event-loop turn until stopped. */
class Prefetch {
  private started = false;
  private stopped = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly opts: AnalyzeOptions,
    private readonly sources: SourceCache,
  ) {}

  /** Starts listing (once; never after stop). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const opts = this.opts;
    const args = ['list', '-e', '-find', '-json=Dir,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles'];
    if (opts.tags && opts.tags.length > 0) args.push(`-tags=${opts.tags.join(',')}`);
    args.push('--', ...(opts.patterns.length > 0 ? opts.patterns : ['.']));
    const tests = opts.tests ?? true;
    execFile(opts.goBinary ?? 'go', args, { cwd: opts.cwd, env: mergeEnv(opts.env), maxBuffer: 1 << 28, signal: this.controller.signal }, (err, stdout) => {
      if (this.stopped || (err && !stdout)) return;
      void this.parseAll(listedFiles(stdout, tests));
    });
  }

  /** Stops listing and parsing; files not parsed yet are parsed when first needed. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.controller.abort();
  }

  private async parseAll(files: string[]): Promise<void> {
    for (const file of files) {
      // Yield between files so the compiler's exit is noticed within one file's parse.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.stopped) return;
      this.sources.get(file);
    }
  }
}

/** The absolute files of `go list -find -json` output (test files only when tests are compiled). */
export function listedFiles(listJson: string, tests: boolean): string[] {
  const files: string[] = [];
  for (const item of parseJsonStream(listJson)) {
    const p = item as { Dir?: string; GoFiles?: string[]; CgoFiles?: string[]; TestGoFiles?: string[]; XTestGoFiles?: string[] };
    if (!p.Dir) continue;
    const names = [...(p.GoFiles ?? []), ...(p.CgoFiles ?? []), ...(tests ? [...(p.TestGoFiles ?? []), ...(p.XTestGoFiles ?? [])] : [])];
    for (const n of names) files.push(path.join(p.Dir, n));
  }
  return files;
}

/**
 * Turns a finished compiler run into findings (exported for tests). A finding's explanation steps
 * (`related`) are made when first read: a one-shot run that prints no steps never pays for them.
 */
export function analyzeRun(run: CompilerRun, sources: SourceCache, selectKind: (kind: string) => boolean = () => true): Analysis {
  const steps = analysisSteps(run, sources, selectKind, false);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same as analyzeRun, but gives the event loop a turn every `sliceMs` of work, so a language
 * server keeps answering (hovers, edits) while a large package — a generated file over 1 MB has
 * tens of thousands of decisions — is turned into findings. The steps are made here too, within
 * the slices, rather than all at once when the diagnostics are first published.
 */
export async function analyzeRunCooperatively(run: CompilerRun, sources: SourceCache, selectKind: (kind: string) => boolean = () => true, sliceMs = 8): Promise<Analysis> {
  const steps = analysisSteps(run, sources, selectKind, true);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

// Compiler output is fed to the streaming parser in pieces of about this many characters, cut at
// line ends, so the cooperative driver can pause between them.
const OUTPUT_PIECE = 256 * 1024;

/** The analysis as a sequence of small steps; yields between steps, returns the Analysis. `selectKind` is asked once per kind. */
function* analysisSteps(run: CompilerRun, sources: SourceCache, selectKind: (kind: string) => boolean, eagerSteps: boolean): Generator<void, Analysis> {
  const byHeader = new Map<string, PackageResult>();
  for (const p of run.packages) byHeader.set(p.importPath, p);
  for (const s of run.sections) {
    const p = byHeader.get(s.packagePath) ?? run.packages.find((q) => q.importPath === s.importPath);
    if (p) byHeader.set(s.packagePath, p);
  }
  const resolveFile = (printed: string, header: string): string =>
    printed === '<autogenerated>' ? printed : resolveCompilerPath(printed, run.workingDir, byHeader.get(header));
  const parser = new CompilerOutputParser({ resolveFile });
  const text = run.output;
  for (let at = 0; at < text.length; ) {
    const cut = text.indexOf('\n', Math.min(at + OUTPUT_PIECE, text.length - 1));
    const end = cut < 0 ? text.length : cut + 1;
    parser.write(text.slice(at, end));
    at = end;
    yield;
  }
  const parsed = parser.end();
  mark('output parsed');

  const findings: Finding[] = [];
  const selected = new Map<string, boolean>();
  for (const d of parsed.decisions) {
    let take = selected.get(d.kind);
    if (take === undefined) selected.set(d.kind, (take = selectKind(d.kind)));
    if (!take) continue;
    const finding = decisionFinding(d, sources);
    if (eagerSteps) void finding.related;
    findings.push(finding);
    yield;
  }
  const problems: Analysis['problems'] = [];
  const seenErrors = new Set<string>();
  for (const p of run.packages) {
    if (!p.error) continue;
    let positioned = 0;
    for (const line of p.error.split('\n')) {
      if (line === '' || line.startsWith('# ')) continue;
      const at = parsePositionPrefix(line);
      if (!at) continue;
      positioned++;
      const file = resolveCompilerPath(at.file, run.workingDir, p);
      const key = `${file}:${at.line}:${at.column}:${at.rest}`;
      if (seenErrors.has(key)) continue;
      seenErrors.add(key);
      findings.push(buildErrorFinding(file, at.line, at.column, at.rest, p, sources));
    }
    if (positioned === 0) problems.push({ importPath: p.importPath, message: p.error.trim() });
  }
  findings.sort(compareFindings);
  mark('findings made');
  return { run, parsed, findings, problems };
}

/** Orders findings by file, then position, then kind. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

/** The finding for one compiler decision, with the range of the syntax node it is about; `related` is made when first read. */
export function decisionFinding(d: CompilerDecision, sources: SourceCache): Finding {
  const source = d.pos.file === '<autogenerated>' ? null : sources.get(d.pos.file);
  const range = source ? source.rangeForDecision(d) : fallbackRange(d.pos.line, d.pos.column, d.details.subject);
  const finding: Finding = {
    file: d.pos.file,
    ...range,
    severity: kindInfo(d.kind).defaultSeverity,
    kind: d.kind,
    message: decisionMessage(d),
    compiler: { line: d.pos.line, column: d.pos.column, message: d.text },
    related: [],
    fixes: [],
    alloc: null,
    packagePath: d.packagePath,
    decision: d,
  };
  // The steps read the explanation's flows: made when first read (the CLI's default text output never does).
  let related: Finding['related'] | null = null;
  Object.defineProperty(finding, 'related', {
    get: () => (related ??= explanationSteps(d)),
    set: (value: Finding['related']) => void (related = value),
    enumerable: true,
    configurable: true,
  });
  return finding;
}

function buildErrorFinding(file: string, line: number, column: number, text: string, p: PackageResult, sources: SourceCache): Finding {
  const source = sources.get(file);
  const range = source ? source.rangeForDecision(pseudoDecision(file, line, column, text, p.importPath)) : fallbackRange(line, column, undefined);
  return {
    file,
    ...range,
    severity: 'error',
    kind: 'build',
    message: text,
    compiler: { line, column, message: text },
    related: [],
    fixes: [],
    alloc: null,
    packagePath: p.importPath,
    decision: null,
  };
}

// Compile errors are mapped like unrecognised compiler lines: the token at the point.
function pseudoDecision(file: string, line: number, column: number, text: string, packagePath: string): CompilerDecision {
  return { kind: 'other', pos: { file, line, column }, text, details: {}, explanations: [], packagePath };
}

/** A range for a file we cannot read: the subject's length from the column, at least one byte. */
function fallbackRange(line: number, column: number, subject: string | undefined): ByteRange {
  const start = Math.max(1, column);
  const width = Math.max(1, Buffer.byteLength(subject ?? '', 'utf8'));
  return { line, column: start, endLine: line, endColumn: start + width };
}
