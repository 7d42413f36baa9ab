// The one analysis pipeline that `heapscope check`, `heapscope fix` and the language server call:
//
//   run (go list -export -gcflags=-m=2) → parse → map → findings → fixes → compiled code → de-duplicate → profile join
//
// Each stage adds to what the previous one produced and never reaches back into it. The compiler
// run is injected (PipelineDeps), so a test can drive the whole pipeline with recorded compiler
// output and no `go` binary.
import * as path from 'node:path';
import { analyzeRun, analyzeRunCooperatively, SourceCache, type Analysis } from '../engine/analyze';
import { readEvidence, type RunEvidence } from '../engine/evidence';
import { joinEvidence } from '../engine/evidenceJoin';
import { dropRepeats } from '../engine/repeats';
import { runCompiler, type CompilerRun, type CompilerRunOptions } from '../engine/goRunner';
import { mark } from '../engine/timing';
import type { Finding } from '../engine/types';
import { fixesForAnalysis, type FileFixes } from '../fixes/forAnalysis';
import { joinFindings, mapProfileToModule, type MappedProfile, type ProfileAttribution } from '../profile/index';
import type { SeverityThresholds } from '../protocol/settings';
import { Prefetch } from './prefetch';

/** What the pipeline needs from the outside world: the compiler run. Tests pass recorded runs. */
export interface PipelineDeps {
  runCompiler(opts: CompilerRunOptions): Promise<CompilerRun>;
  /**
   * Lists and parses the packages' files while go compiles (`go list -find`); default on with the
   * real runner, off with an injected one (a recorded run has no go to list with).
   */
  prefetch: boolean;
}

/** The real compiler. */
export const GO: PipelineDeps = { runCompiler, prefetch: true };

/** Options of the fix stage. */
export interface FixStageOptions {
  /** Only these fix ids. */
  only?: readonly string[];
  /** Pre-allocation fixes may use an upper bound of a loop's trip count. */
  allowUpperBound?: boolean;
  /** Files larger than this many characters are not searched (the language server skips huge generated files). */
  maxFileChars?: number;
  /**
   * Called with an error of the fix search, which then yields no fixes and the rest of the results
   * stand (the editor keeps its diagnostics); without it the error is the pipeline's.
   */
  onError?: (err: unknown) => void;
}

/** One request through the pipeline. */
export interface PipelineRequest {
  /** What to compile and how. */
  compile: CompilerRunOptions;
  /** The source texts (the editor's unsaved text wins over the disk); default a new cache over `compile.overlay`. */
  sources?: SourceCache;
  /** Only decisions of kinds this accepts become findings (mapping costs time); default all. */
  selectKind?: (kind: string) => boolean;
  /** Give the event loop a turn every few ms while findings are made (the language server). */
  cooperative?: boolean;
  /** Look for fixes; null or absent: no fix stage. */
  fixes?: FixStageOptions | null;
  /**
   * Keep only findings in files of this directory and drop repeats of a finding (same kind, file,
   * range and compiler text — a line of a function printed once per compiled copy of it, see
   * dropRepeats). The language server shows one package directory; the CLI keeps every compiler
   * line and drops repeats only in its default view (presentFindings).
   */
  scope?: { dir: string } | null;
  /**
   * Read the allocator calls of the compiled code (each package's export archive) and join them
   * with the findings: heap decisions confirmed or free, `alloc.*` findings for the rest. Default off.
   */
  evidence?: boolean;
  /** Weigh findings by this allocation profile, mapped onto the run's module; null or absent: no join. */
  profile?: ProfileAttribution | null;
  /** Called when a stage is about to start; returning true abandons the request (a newer one superseded it). */
  isCancelled?: () => boolean;
}

/** What the pipeline produces. Later stages add fields; none rewrites an earlier stage's output. */
export interface PipelineResult {
  run: CompilerRun;
  /** The findings stage's output: parsed output, compiler and compile-error findings, positionless problems. */
  analysis: Analysis;
  sources: SourceCache;
  /** The fix stage's output, per file ([] without a fix stage). */
  fixes: FileFixes[];
  /** The compiled code's allocator calls per line; null without the evidence stage. */
  evidence: RunEvidence | null;
  /** Compiler, compile-error, fix and compiled-code findings (scoped and de-duplicated when the request has a scope), before the profile join (what a re-join starts from). */
  raw: Finding[];
  /** The profile the findings were joined with, mapped onto the module; null without one. */
  profile: MappedProfile | null;
  /** `raw` weighed by the profile (costs, severities by share, hot lines without a finding); `raw` itself without one. */
  findings: Finding[];
}

/** Raised when `isCancelled` said so between stages. */
export class PipelineCancelled extends Error {
  constructor() {
    super('analysis superseded');
  }
}

/** Runs the whole pipeline once. Throws the runner's errors (go not found, not in a module, cancelled, timeout). */
export async function runPipeline(req: PipelineRequest, deps: PipelineDeps = GO): Promise<PipelineResult> {
  const sources = req.sources ?? new SourceCache(req.compile.overlay);
  const checkCancelled = (): void => {
    if (req.isCancelled?.()) throw new PipelineCancelled();
  };

  // Stage 1: run. While go compiles, the packages' files are listed and parsed, which takes the
  // tree-sitter parse off the path after the compile; the files are listed once the compile has
  // started, so the compile goes first.
  const prefetch = deps.prefetch ? new Prefetch(req.compile, sources) : null;
  let run: CompilerRun;
  try {
    run = await deps.runCompiler({
      ...req.compile,
      onStart: (pid) => {
        req.compile.onStart?.(pid);
        prefetch?.start();
      },
    });
  } finally {
    prefetch?.stop();
  }
  checkCancelled();

  // The compiled code is read while the findings are made (reading is mostly waiting for files).
  const reading = req.evidence ? readCompiledCode(run, req) : null;

  // Stages 2–7: parse, map, findings, fixes, compiled code, scope.
  const { analysis, fixes, evidence, raw } = await packageStages(run, req, sources, checkCancelled, reading);

  // Stage 8: the profile join.
  let profile: MappedProfile | null = null;
  let findings = raw;
  if (req.profile) {
    profile = mapOntoRun(req.profile, run);
    findings = joinProfile(raw, profile, { scopeDir: req.scope?.dir });
  }
  return { run, analysis, sources, fixes, evidence, raw, profile, findings };
}

/** Starts reading the compiled code of a run's packages (their export archives). */
export function readCompiledCode(run: CompilerRun, req: PipelineRequest): Promise<RunEvidence> {
  const reading = readEvidence(run, { env: req.compile.env ? { ...process.env, ...req.compile.env } : process.env, signal: req.compile.signal });
  // An abandoned request still settles its read, so no rejection goes unhandled.
  reading.catch(() => undefined);
  return reading;
}

/** What stages 2–7 make of a run, or of one package's share of it. */
export interface PackageStages {
  analysis: Analysis;
  fixes: FileFixes[];
  evidence: RunEvidence | null;
  raw: Finding[];
}

/**
 * Stages 2–7 (parse, map, findings, fixes, compiled code, scope) on a compiler run: the whole run,
 * or in the streaming form (streamPipeline) a run holding one package and its section. A stage that
 * works per package belongs here. Without `reading` the compiled-code stage is skipped (the
 * streaming form joins it later, once go has named the export archives: joinCompiledCode).
 */
export async function packageStages(
  run: CompilerRun,
  req: PipelineRequest,
  sources: SourceCache,
  checkCancelled: () => void = () => undefined,
  reading: Promise<RunEvidence> | null = null,
): Promise<PackageStages> {
  // Stages 2–4: parse, map, findings.
  const analysis = req.cooperative ? await analyzeRunCooperatively(run, sources, req.selectKind) : analyzeRun(run, sources, req.selectKind);
  checkCancelled();

  // Stage 5: fixes. They read the compiler's findings as evidence (captures, moves), on the same
  // text the compiler saw, and only in files of the modules the run compiled (moduleRoots).
  let fixes: FileFixes[] = [];
  if (req.fixes) {
    try {
      fixes = await fixesForAnalysis(analysis, sources, {
        roots: moduleRoots(run),
        only: req.fixes.only,
        allowUpperBound: req.fixes.allowUpperBound,
        maxFileChars: req.fixes.maxFileChars,
        goexperiment: goexperiment(req.compile.env),
      });
    } catch (err) {
      if (!req.fixes.onError) throw err;
      req.fixes.onError(err);
    }
    mark('fixes found');
    checkCancelled();
  }

  // Stage 6: the compiled code: heap decisions confirmed or free, allocations escape analysis does not announce.
  let found = fixes.length > 0 ? [...analysis.findings, ...fixes.flatMap((f) => f.found)] : analysis.findings;
  const evidence = reading ? await reading : null;
  if (evidence) {
    found = joinEvidence(found, evidence, sources);
    mark('compiled code joined');
    checkCancelled();
  }

  // Stage 7: scope and de-duplicate.
  const raw = req.scope ? inScope(found, req.scope.dir) : found;
  return { analysis, fixes, evidence, raw };
}

/** Stage 6 on findings made without it: the compiled code joined, then stage 7's scope. */
export function joinCompiledCode(found: Finding[], evidence: RunEvidence, sources: SourceCache, req: PipelineRequest): Finding[] {
  const joined = joinEvidence(found, evidence, sources);
  mark('compiled code joined');
  return req.scope ? inScope(joined, req.scope.dir) : joined;
}

/**
 * The roots of the modules the run compiled from: its module, and every module of its go.work (a
 * run from a go.work root compiles them all); the working directory outside any module. The
 * user's own code is there (the CLI hides decisions positioned elsewhere).
 */
export function moduleRoots(run: CompilerRun): string[] {
  const module = run.module;
  if (module === null) return [run.workingDir];
  const roots = module.modulePath !== '' ? [module.root, ...run.workModules] : run.workModules;
  return roots.length > 0 ? [...new Set(roots)] : [module.root];
}

/** GOEXPERIMENT as the build sees it: the run's environment first, then this process's. */
function goexperiment(env: Record<string, string | undefined> | undefined): string | undefined {
  return env && 'GOEXPERIMENT' in env ? env.GOEXPERIMENT : process.env.GOEXPERIMENT;
}

/** The findings in files of `dir`, each allocation once (dropRepeats). */
function inScope(findings: readonly Finding[], dir: string): Finding[] {
  return dropRepeats(findings.filter((f) => path.dirname(f.file) === dir));
}

/** Places a profile on the files of the run's module. */
function mapOntoRun(attribution: ProfileAttribution, run: CompilerRun): MappedProfile {
  const files = [...new Set(run.packages.flatMap((p) => p.files))];
  return mapProfileToModule(attribution, { root: run.module?.root ?? run.workingDir, modulePath: run.module?.modulePath ?? '', files });
}

/**
 * The profile-join stage on its own: `raw` with costs and severities from the profile, plus hot
 * lines without a finding (only those in `scopeDir`, when given). The language server calls it
 * again when a profile is loaded or cleared, without recompiling.
 */
export function joinProfile(raw: Finding[], profile: MappedProfile, opts: { thresholds?: SeverityThresholds; scopeDir?: string } = {}): Finding[] {
  const joined = joinFindings(raw, profile, { thresholds: opts.thresholds });
  const dir = opts.scopeDir;
  return dir === undefined ? joined : joined.filter((f, i) => i < raw.length || path.dirname(f.file) === dir);
}
