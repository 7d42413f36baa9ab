// The streaming form of the pipeline, for `heapscope check`: each package's section of the
// compiler's output goes through stages 2–6 (packageStages) as soon as go prints it (go prints a
// package when it has compiled it) and is handed to the caller, who writes it and lets it go.
// Memory then holds the packages being processed, not the whole module's findings and sources.
// With the compiled code read (req.evidence), a package's findings wait for go's package list,
// which names the export archives only when every package is compiled: the packages are then
// handed on one by one after the compile, and memory holds their findings (not their syntax
// trees, which are parsed again for the join) until then.
import * as path from 'node:path';
import { SourceCache, type Analysis } from '../engine/analyze';
import { sectionScope, splitSections, type CompilerSection } from '../engine/compilerSections';
import type { CompilerRun, RunPlace } from '../engine/goRunner';
import { mark } from '../engine/timing';
import type { Finding, PackageResult } from '../engine/types';
import { GO, joinCompiledCode, packageStages, PipelineCancelled, readCompiledCode, type PipelineDeps, type PipelineRequest } from './index';
import { Prefetch, type ListedSources } from './prefetch';
import type { ResultsCache } from './resultsCache';
import { FindingsSpill, type SpilledFindings } from './spill';

/** One package through stages 2–6, or read from the results cache: `run` holds that package and its section only. */
export interface StreamedPackage {
  run: CompilerRun;
  /** The package's source texts (dropped with it; SARIF regions read them). */
  sources: SourceCache;
  /** Compiler, compile-error and fix findings (stage 6's output). */
  raw: Finding[];
  /** Whether the findings were read from the results cache. */
  cached: boolean;
}

/**
 * Runs the pipeline and calls `onPackage` for each package in the order go finished them, then
 * once for the compile errors of all packages that have some (so an error printed for a package and
 * its test variant is reported once). Returns the finished run (its packages and go's messages;
 * `output` is ''). Without a profile join: a profile's ranking needs every finding first. With a
 * results `cache`, a package whose section, files and settings were seen before is read from it
 * (not with an overlay: the cache is for files on disk). `spilled` is called when a package's
 * findings were put aside to wait for the package list (the caller may collect garbage then).
 */
export async function streamPipeline(
  req: PipelineRequest,
  onPackage: (p: StreamedPackage) => void | Promise<void>,
  deps: PipelineDeps = GO,
  cache: ResultsCache | null = null,
  spilled: () => void = () => undefined,
): Promise<{ run: CompilerRun; problems: Analysis['problems'] }> {
  if (req.profile) throw new Error('streamPipeline does not join profiles: use runPipeline');
  const tests = req.compile.tests ?? true;
  const checkCancelled = (): void => {
    if (req.isCancelled?.()) throw new PipelineCancelled();
  };
  // The listing (`go list -find`, tens of ms) tells each section's files before go's own package
  // list, which comes at the end; without it the sections wait for that list.
  const prefetch = deps.prefetch ? new Prefetch(req.compile, new SourceCache(), false) : null;
  const listed = (prefetch?.listing ?? Promise.resolve(null)).then((l) => (l === null ? null : new Map(l.map((p) => [p.ImportPath ?? '', p]))));
  const problems: Analysis['problems'] = [];
  const done = new Set<string>();
  // Plain packages' sections waiting for go's package list: a test variant may replace them.
  const held = new Map<string, CompilerSection>();
  let queue = Promise.resolve();
  let failure: { err: unknown } | null = null;
  // Packages waiting for their export archives (with the compiled code read), without their sources.
  // They wait without their section, on disk once the process is past spill.ts's bound: memory no
  // longer holds every package of the module.
  // A package whose joined entry is in the results cache waits with its key alone: its findings
  // are read at the end, when go's list tells whether they were joined with the same archives.
  // `problems` are the package's own, reported when it is handed on (a joined entry keeps them).
  const waiting: Waiting[] | null = req.evidence ? [] : null;
  const spill = new FindingsSpill();
  // The package that waits last keeps its findings and parsed files in memory until the next one
  // comes (then its findings are spilled): one package's at most. A run of one package (net/http)
  // spilled and read back its findings and parsed its 60 files twice, 300 ms of a cold run.
  let last: { entry: Waiting; sources: SourceCache } | null = null;
  const handOn = async (p: StreamedPackage, key: string | null, own: Analysis['problems']): Promise<void> => {
    if (waiting === null || p.run.packages.every((x) => x.error !== null)) {
      problems.push(...own);
      return onPackage(p);
    }
    if (last !== null && last.entry.raw !== null && 'findings' in last.entry.raw) last.entry.raw = spill.put(last.entry.raw.findings);
    const entry = { run: { ...p.run, output: '' }, raw: { findings: p.raw } as SpilledFindings, cached: p.cached, key, problems: own };
    waiting.push(entry);
    last = { entry, sources: p.sources };
    spilled();
  };

  const analyse = async (section: CompilerSection | null, packages: PackageResult[], base: Omit<CompilerRun, 'packages' | 'output'>): Promise<void> => {
    checkCancelled();
    const sources = new SourceCache(req.compile.overlay);
    const run: CompilerRun = { ...base, packages, output: section ? `# ${section.packagePath}\n${section.text}` : '' };
    // Compile errors are not cached: they are few and cheap, and go does not replay a failed compile.
    const useCache = cache !== null && section !== null && (req.compile.overlay?.size ?? 0) === 0;
    const key = useCache
      ? cache.key(
          run.output,
          packages.flatMap((p) => p.files),
          JSON.stringify([base.workingDir, base.module, base.workModules]),
        )
      : null;
    if (key !== null && waiting !== null && cache!.has(key, 'joined') !== null) {
      mark('found in the cache');
      waiting.push({ run: { ...run, output: '' }, raw: null, cached: true, key, problems: [] });
      return;
    }
    const hit = key !== null ? cache!.get(key) : null;
    if (hit !== null) {
      mark('read from the cache');
      await handOn({ run, sources, raw: hit.findings, cached: true }, key, hit.problems);
      return;
    }
    const stages = await packageStages(run, req, sources, checkCancelled);
    if (key !== null) cache!.put(key, { findings: stages.raw, problems: stages.analysis.problems });
    await handOn({ run, sources, raw: stages.raw, cached: false }, key, stages.analysis.problems);
  };

  const onSection = (section: CompilerSection, where: RunPlace): Promise<void> => {
    return (queue = queue.then(async () => {
      if (failure) return;
      try {
        const byPath = await listed;
        const base = { goBinary: req.compile.goBinary ?? 'go', goVersion: '', ...where, exitCode: 0, durationMs: 0, stderrOther: '' };
        const header = section.packagePath;
        // A test variant replaces its plain package; the test main comes after the variant (it
        // imports it), so without one by then the plain package stands. The external test package
        // need not import its package: it settles the plain package only when there is no variant
        // to come, that is no internal test files and not a `main` package (go test compiles a
        // command as a variant whatever its tests: x/tools cmd/deadcode, whose external test
        // package can be compiled before that variant, was reported twice).
        const variantOf = / \[(.+)\.test\]$/.exec(header)?.[1];
        if (variantOf !== undefined && header === `${variantOf} [${variantOf}.test]`) held.delete(variantOf);
        const externalOf = variantOf !== undefined && header === `${variantOf}_test [${variantOf}.test]` ? variantOf : undefined;
        const noVariant = (p: string): boolean => (byPath?.get(p)?.TestGoFiles?.length ?? 0) === 0 && byPath?.get(p)?.Name !== 'main';
        const testOf = externalOf !== undefined && noVariant(externalOf) ? externalOf : /^(.+)\.test$/.exec(header)?.[1];
        const standing = testOf !== undefined ? held.get(testOf) : undefined;
        const standingPackage = standing && byPath ? listedPackage(standing.packagePath, byPath) : null;
        if (testOf !== undefined && standing && standingPackage) {
          held.delete(testOf);
          done.add(testOf);
          await analyse(standing, [standingPackage], base);
        }
        const scope = sectionScope(header, tests, (p) => {
          const l = byPath?.get(p);
          return l === undefined ? undefined : (l.TestGoFiles?.length ?? 0) + (l.XTestGoFiles?.length ?? 0) > 0;
        });
        if (scope === 'no') return;
        const pkg = byPath ? listedPackage(header, byPath) : null;
        if (scope === 'later' || pkg === null) {
          if (!done.has(`${header} [${header}.test]`)) held.set(header, section);
          return;
        }
        done.add(header);
        await analyse(section, [pkg], base);
      } catch (err) {
        failure = { err };
      }
    }));
  };

  try {
    return await streamRun();
  } finally {
    spill.close();
  }

  async function streamRun(): Promise<{ run: CompilerRun; problems: Analysis['problems'] }> {
    let run: CompilerRun;
    try {
      run = await deps.runCompiler({
        ...req.compile,
        onSection,
        onStart: (pid) => {
          req.compile.onStart?.(pid);
          prefetch?.start();
        },
      });
    } finally {
      prefetch?.stop();
      await queue;
    }
    if (failure !== null) throw (failure as { err: unknown }).err;
    checkCancelled();

    // What go's package list decides: held sections of packages in scope, the sections of a runner
    // that does not stream (a recorded run), then the compile errors.
    const { packages: _packages, output, ...base } = run;
    const inScope = new Map(run.packages.map((p) => [p.importPath, p]));
    const rest = output === '' ? [] : splitSections(output).sections;
    for (const section of [...held.values(), ...rest]) {
      const pkg = inScope.get(section.packagePath);
      if (pkg === undefined || done.has(section.packagePath)) continue;
      done.add(section.packagePath);
      await analyse(section, [pkg], base);
    }
    if (waiting !== null) {
      // Each package with its export archive, as go's package list names it, read and joined.
      const exports = new Map(run.packages.map((p) => [p.importPath, p.exportFile]));
      for (const w of waiting.splice(0)) {
        checkCancelled();
        const packages = w.run.packages.map((p) => ({ ...p, exportFile: exports.get(p.importPath) ?? p.exportFile }));
        const pkgRun: CompilerRun = { ...w.run, packages, goVersion: run.goVersion, goBinary: run.goBinary };
        const sources = last?.entry === w ? last.sources : new SourceCache(req.compile.overlay);
        const archives = packages.map((p) => p.exportFile ?? '');
        const joined = w.key !== null && w.raw === null ? cache!.get(w.key, 'joined') : null;
        if (joined !== null && sameArchives(joined.exports, archives)) {
          mark('read from the cache');
          problems.push(...joined.problems);
          await onPackage({ run: pkgRun, sources, raw: joined.findings, cached: true });
          continue;
        }
        // Not joined before, joined with other archives, or the joined entry went meanwhile.
        const compiled = w.raw !== null ? { findings: spill.take(w.raw), problems: w.problems } : cache!.get(w.key!);
        if (compiled === null) {
          problems.push({ importPath: w.run.packages[0]?.importPath ?? '', message: 'its results were removed from the results cache during the run (by another run?): run again' });
          continue;
        }
        const evidence = await readCompiledCode(pkgRun, req);
        problems.push(...compiled.problems, ...evidence.problems);
        const found = joinCompiledCode(compiled.findings, evidence, sources, req);
        // Joined with every archive read: what the next run with the same archives reads instead.
        if (w.key !== null && evidence.problems.length === 0 && archives.every((a) => a !== '')) cache!.put(w.key, { findings: found, problems: compiled.problems, exports: archives }, 'joined');
        await onPackage({ run: pkgRun, sources, raw: found, cached: w.cached });
      }
    }
    const broken = run.packages.filter((p) => p.error !== null);
    if (broken.length > 0) await analyse(null, broken, base);
    return { run, problems };
  }
}

/** A package waiting for its export archives: its findings (null: its joined entry is in the results cache, under `key`). */
interface Waiting {
  run: CompilerRun;
  raw: SpilledFindings | null;
  cached: boolean;
  key: string | null;
  problems: Analysis['problems'];
}

/** Whether a joined entry's archives are those of go's list (names by content: the same name, the same code). */
function sameArchives(stored: readonly string[] | undefined, now: readonly string[]): boolean {
  return stored !== undefined && stored.length === now.length && stored.every((a, i) => a !== '' && a === now[i]);
}

/** The package a section is about, as the listing tells it (its files as selectPackages takes them); null when not listed. */
function listedPackage(header: string, byPath: ReadonlyMap<string, ListedSources>): PackageResult | null {
  const variant = / \[(.+)\.test\]$/.exec(header);
  const of = variant?.[1];
  const listed = byPath.get(of ?? header);
  if (listed?.Dir === undefined) return null;
  const dir = listed.Dir;
  const names =
    of === undefined
      ? [...(listed.GoFiles ?? []), ...(listed.CgoFiles ?? [])]
      : header.startsWith(`${of}_test `)
        ? (listed.XTestGoFiles ?? [])
        : [...(listed.GoFiles ?? []), ...(listed.CgoFiles ?? []), ...(listed.TestGoFiles ?? [])];
  return { importPath: header, dir, forTest: of ?? null, files: [...new Set(names)].map((f) => path.resolve(dir, f)), error: null };
}
