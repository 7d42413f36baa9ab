// The `heapscope` command line: `check` (escape analysis as compiler-style lines, JSON or SARIF).
// Exit status: 0 ok; 1 findings at or above --fail-on; 2 usage error; 3 nothing could be analysed
// (including a --profile that cannot be used).
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parseArgs } from 'node:util';
import { compareFindings, type Analysis, type SourceCache } from '../engine/analyze';
import type { CompilerRun } from '../engine/goRunner';
import { patternsByModule } from '../engine/module';
import { GO, moduleRoots, runPipeline, type PipelineRequest, type PipelineResult } from '../pipeline/index';
import { isInside } from '../engine/paths';
import { streamPipeline } from '../pipeline/stream';
import { defaultCacheDir, ResultsCache } from '../pipeline/resultsCache';
import {
  checkProfileMapsOntoModule,
  formatAllocCost,
  formatShare,
  loadProfiles,
  ProfileError,
  profileReport,
  profileWarnings,
  rankingShare,
  type LoadedProfile,
  type MappedProfile,
  type ProfileReport,
} from '../profile/index';
import { parseSeverity, severityAtLeast } from '../engine/kinds';
import { PROFILE_SAMPLE_TYPES, type ProfileSampleType } from '../protocol/settings';
import { isKindShown, presentFindings, type PresentOptions } from '../engine/present';
import { repeatKey } from '../engine/repeats';
import type { Finding, Severity } from '../engine/types';
import { displayPath, reportWriter } from './report';
import { joinOptionValues, splitFlags, splitTags } from './flags';
import { buildId, toolVersion } from './version';
import { parseShard, shardGroups, type Shard } from './shard';
import { mergeEnv, runGo } from '../engine/processes';
import { mark, timingReport } from '../engine/timing';

export const EXIT_OK = 0;
export const EXIT_FAIL_ON = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOTHING_ANALYSED = 3;
/** A --profile that cannot be used shares status 3: nothing is analysed with wrong numbers. */
export const EXIT_PROFILE_UNUSABLE = EXIT_NOTHING_ANALYSED;

const USAGE = `Usage: heapscope <command> [options]

Commands:
  check [patterns or dirs…]   report heap allocations and escape decisions (default: ./...)
  fix [--apply] [--only id,…] [--json] [patterns…]
                              fix allocations safely: prints a unified diff, or applies it
  lsp --stdio                 run the language server (for Neovim, Helix, Emacs, …)
  version                     print the version

Options of check:
  --all                  every decision (does not escape, inlining, captures), one per compiler line
  --explain              print each finding's explanation steps and the compiler's text
  --json                 the JSON report (same as --format json)
  --format text|json|sarif
  --fail-on SEVERITY     exit 1 when a finding is at least error|warning|information|hint
  --gcflags "FLAGS"      compiler flags replacing -m=2 (e.g. "-m -l")
  --tags a,b             build tags
  --go PATH              the go command to run (default: go on PATH)
  --no-tests             leave out _test.go files
  --no-evidence          do not read the compiled code (heap findings stay unconfirmed)
  --cwd DIR              run as if started in DIR
  --shard K/N            analyse shard K of N: every Nth of the matched packages, sorted by import path
  --no-cache             do not read or write the results cache (default: $HEAPSCOPE_CACHE_DIR,
                         else the user's cache directory's heapscope)
  --timeout SECONDS      give up after this long (default 600)
  --profile FILE         weigh findings by an allocation profile (repeatable: profiles are merged)
  --sample TYPE          alloc_space (default), alloc_objects, inuse_space or inuse_objects
  --max-profile-mb N     refuse profiles larger than this once decompressed (default 512)
`;

const CHECK_STRING_OPTIONS = ['format', 'fail-on', 'gcflags', 'tags', 'go', 'cwd', 'timeout', 'profile', 'sample', 'max-profile-mb', 'shard'];

/** A usage error: printed with the usage text, exit status 2. */
export class UsageError extends Error {}

interface CheckOptions {
  patterns: string[];
  all: boolean;
  explain: boolean;
  format: 'text' | 'json' | 'sarif';
  failOn: Severity | null;
  gcflags: string[] | undefined;
  tags: string[] | undefined;
  goBinary: string | undefined;
  tests: boolean;
  /** Read the compiled code: confirm heap findings, find allocations escape analysis does not announce. */
  evidence: boolean;
  cwd: string;
  timeoutMs: number;
  profiles: string[];
  sampleType: ProfileSampleType;
  maxProfileBytes: number | undefined;
  /** Only this shard of the matched packages (CI across machines), or all of them. */
  shard: Shard | null;
  /** Read and write the results cache. */
  cache: boolean;
}

/** Parses `check`'s arguments; throws UsageError on bad ones. */
export function parseCheckArgs(args: string[], cwd: string): CheckOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinOptionValues(args, CHECK_STRING_OPTIONS),
      allowPositionals: true,
      strict: true,
      options: {
        all: { type: 'boolean' },
        explain: { type: 'boolean' },
        json: { type: 'boolean' },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        gcflags: { type: 'string' },
        tags: { type: 'string' },
        go: { type: 'string' },
        'no-tests': { type: 'boolean' },
        'no-evidence': { type: 'boolean' },
        cwd: { type: 'string' },
        timeout: { type: 'string' },
        profile: { type: 'string', multiple: true },
        sample: { type: 'string' },
        'max-profile-mb': { type: 'string' },
        shard: { type: 'string' },
        'no-cache': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const format = v.json ? 'json' : (v.format ?? 'text');
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not ${JSON.stringify(format)}`);
  let failOn: Severity | null = null;
  if (v['fail-on'] !== undefined) {
    failOn = parseSeverity(v['fail-on']);
    if (!failOn) throw new UsageError(`--fail-on must be error, warning, information or hint, not ${JSON.stringify(v['fail-on'])}`);
  }
  let timeoutMs = 600_000;
  if (v.timeout !== undefined) {
    const s = Number(v.timeout);
    if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not ${JSON.stringify(v.timeout)}`);
    timeoutMs = s * 1000;
  }
  let gcflags: string[] | undefined;
  if (v.gcflags !== undefined) {
    try {
      gcflags = splitFlags(v.gcflags);
    } catch (err) {
      throw new UsageError(`--gcflags: ${(err as Error).message}`);
    }
  }
  const sampleType = (v.sample ?? 'alloc_space') as ProfileSampleType;
  if (!PROFILE_SAMPLE_TYPES.includes(sampleType)) throw new UsageError(`--sample must be one of ${PROFILE_SAMPLE_TYPES.join(', ')}, not ${JSON.stringify(v.sample)}`);
  let maxProfileBytes: number | undefined;
  if (v['max-profile-mb'] !== undefined) {
    const mb = Number(v['max-profile-mb']);
    if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`--max-profile-mb must be a positive number, not ${JSON.stringify(v['max-profile-mb'])}`);
    maxProfileBytes = mb * 1024 * 1024;
  }
  let shard: Shard | null = null;
  if (v.shard !== undefined) {
    try {
      shard = parseShard(v.shard);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  return {
    patterns: parsed.positionals.length ? parsed.positionals : ['./...'],
    all: v.all ?? false,
    explain: v.explain ?? false,
    format,
    failOn,
    gcflags,
    tags: splitTags(v.tags),
    goBinary: v.go,
    tests: !(v['no-tests'] ?? false),
    evidence: !(v['no-evidence'] ?? false),
    cwd: path.resolve(cwd, v.cwd ?? '.'),
    timeoutMs,
    profiles: (v.profile ?? []).map((f) => path.resolve(cwd, f)),
    sampleType,
    maxProfileBytes,
    shard,
    cache: !(v['no-cache'] ?? false),
  };
}

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Runs `heapscope check`; returns the exit status. The summary's time counts from `startedAt` (performance.now()). */
export async function runCheck(opts: CheckOptions, io: Io, signal?: AbortSignal, startedAt = performance.now()): Promise<number> {
  let loaded: LoadedProfile | null = null;
  if (opts.profiles.length > 0) {
    try {
      loaded = loadProfiles(opts.profiles, { sampleType: opts.sampleType, maxBytes: opts.maxProfileBytes });
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      io.stderr(`heapscope: ${err.message}\n`);
      return EXIT_PROFILE_UNUSABLE;
    }
  }
  const present = { all: opts.all };
  // Each module of the arguments is compiled from its own directory; one run when they share one.
  let groups = await patternsByModule(opts.patterns, opts.cwd);
  if (opts.shard !== null) {
    const { index, count } = opts.shard;
    let matched: number;
    try {
      ({ groups, matched } = await shardGroups(groups, opts.shard, { goBinary: opts.goBinary, tags: opts.tags, signal, timeoutMs: opts.timeoutMs }));
    } catch (err) {
      io.stderr(`heapscope: ${(err as Error).message}\n`);
      return EXIT_NOTHING_ANALYSED;
    }
    const mine = groups.reduce((n, g) => n + g.patterns.length, 0);
    io.stderr(`heapscope: shard ${index}/${count}: ${mine} of the ${matched} package${matched === 1 ? '' : 's'} matched\n`);
    // More shards than packages: this one has nothing to do, which is not a failure of the CI job.
    if (groups.length === 0) {
      reportWriter(opts.format, { cwd: opts.cwd, toolVersion: toolVersion(), explain: opts.explain }, io.stdout).end({ goVersion: await goVersion(opts), packages: [], profile: null });
      return EXIT_OK;
    }
  }
  if (groups.length > 1 && loaded) {
    io.stderr(`heapscope: --profile weighs one module at a time; these arguments are in ${groups.length} modules\n`);
    return EXIT_USAGE;
  }
  const compile = (group: { cwd: string; patterns: string[] }): PipelineRequest['compile'] => ({
    cwd: group.cwd,
    patterns: group.patterns,
    tests: opts.tests,
    gcflags: opts.gcflags,
    tags: opts.tags,
    goBinary: opts.goBinary,
    timeoutMs: opts.timeoutMs,
    signal,
  });
  const selectKind = (kind: string): boolean => isKindShown(kind, present);
  // Decisions positioned in GOROOT, the module cache or `<autogenerated>` are not findings of their
  // own (--all keeps them), unless the package asked for is there (`check net/http`).
  const userCodeOnly = (run: CompilerRun): PresentOptions => {
    const roots = moduleRoots(run);
    const dirs = new Set(run.packages.map((p) => p.dir));
    const own = new Set(run.packages.flatMap((p) => p.files));
    return {
      ...present,
      isUserCode: (file: string) => dirs.has(path.dirname(file)) || roots.some((root) => isInside(file, root)),
      // With the compiled code read, a compiler line in a file of another package was not joined with it.
      isUnreadCopy: (f: Finding) => opts.evidence && f.compiler !== null && f.evidence === null && !own.has(f.file),
    };
  };
  const writer = reportWriter(opts.format, { cwd: opts.cwd, toolVersion: toolVersion(), explain: opts.explain, sampleType: loaded ? opts.sampleType : undefined }, io.stdout);
  let shown = 0;
  // The repeat keys of what was written: --all keeps every compiler line.
  const written = new Set<string>();
  const firstTime = (f: Finding): boolean => {
    if (opts.all) return true;
    const k = repeatKey(f);
    if (written.has(k)) return false;
    written.add(k);
    return true;
  };
  let failing = false;
  const report = (findings: Finding[], sources: SourceCache): void => {
    writer.findings(findings, sources);
    shown += findings.length;
    failing ||= opts.failOn !== null && findings.some((f) => severityAtLeast(f.severity, opts.failOn as Severity));
  };
  const runs: CompilerRun[] = [];
  const problems: Analysis['problems'] = [];
  let profile: ProfileReport | null = null;
  if (loaded === null) {
    // What shapes a package's findings beyond its compiler output and files (resultsCache.ts).
    const cache = opts.cache
      ? new ResultsCache(defaultCacheDir(), JSON.stringify([buildId(), present, opts.tests, opts.gcflags, opts.tags, process.env.GOEXPERIMENT ?? '', process.env.GOFLAGS ?? '']))
      : null;
    // Each package is written as soon as go has compiled it, sorted within itself, and let go.
    for (const group of groups) {
      try {
        const streamed = await streamPipeline(
          { compile: compile(group), selectKind, fixes: {}, evidence: opts.evidence },
          (p) => {
            // Each allocation once across packages too (a generic function's instantiations, code inlined in several).
            const fresh = presentFindings(p.raw.sort(compareFindings), userCodeOnly(p.run)).filter(firstTime);
            report(fresh, p.sources);
            // A package read from the cache has no syntax trees, unless SARIF's regions parsed its files.
            if (!p.cached || opts.format === 'sarif') releaseMemory();
          },
          GO,
          cache,
          // Spilled packages' trees are garbage too, while go still compiles the others.
          releaseMemory,
        );
        runs.push(streamed.run);
        problems.push(...streamed.problems);
      } catch (err) {
        io.stderr(`heapscope: ${(err as Error).message}\n`);
      }
    }
    cache?.trim();
  } else {
    let result: PipelineResult;
    try {
      result = await runPipeline({ compile: compile(groups[0] as (typeof groups)[0]), selectKind, fixes: {}, evidence: opts.evidence, profile: loaded.attribution });
    } catch (err) {
      io.stderr(`heapscope: ${(err as Error).message}\n`);
      return EXIT_NOTHING_ANALYSED;
    }
    runs.push(result.run);
    problems.push(...result.analysis.problems);
    const mapped = result.profile as MappedProfile;
    const module = result.run.module;
    try {
      checkProfileMapsOntoModule(
        mapped,
        loaded.files.map((f) => displayPath(f, opts.cwd)),
        module?.modulePath || (module?.root ?? opts.cwd),
      );
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      io.stderr(`heapscope: ${err.message}\n`);
      return EXIT_PROFILE_UNUSABLE;
    }
    profile = profileReport(loaded.files, mapped);
    for (const w of profileWarnings(mapped)) io.stderr(`heapscope: ${w}\n`);
    const mappedShare = mapped.total.bytes > 0 ? mapped.mapped.bytes / mapped.total.bytes : 0;
    io.stderr(
      `heapscope: profile ${loaded.files.map((f) => displayPath(f, opts.cwd)).join(', ')}: ${formatAllocCost({ ...mapped.total, share: 0 }, opts.sampleType, false)} in all, ${formatShare(mappedShare)} of the bytes on this module's lines\n`,
    );
    // With a profile, the allocations that cost the most come first: the report waits for all of them.
    const order = (a: Finding, b: Finding): number => rankingShare(b.alloc) - rankingShare(a.alloc) || compareFindings(a, b);
    report(presentFindings(result.findings.sort(order), userCodeOnly(result.run)), result.sources);
  }
  const [first] = runs;
  if (first === undefined) return EXIT_NOTHING_ANALYSED;
  mark('presented');
  // The runs of several modules report as one: their packages, findings and messages in turn.
  const run = runs.length === 1 ? first : { ...first, packages: runs.flatMap((r) => r.packages), stderrOther: runs.map((r) => r.stderrOther).join('') };
  writer.end({ goVersion: run.goVersion, packages: run.packages, profile });

  mark('written');
  for (const p of problems) io.stderr(`heapscope: ${p.importPath}: ${p.message}\n`);
  if (run.stderrOther.trim()) io.stderr(run.stderrOther.replace(/\n?$/, '\n'));
  const failed = run.packages.filter((p) => p.error !== null).length;
  const analysed = run.packages.length - failed;
  io.stderr(
    `heapscope: ${shown} finding${shown === 1 ? '' : 's'} in ${analysed} package${analysed === 1 ? '' : 's'}` +
      (failed ? `, ${failed} with errors` : '') +
      ` (${run.goVersion}, ${((performance.now() - startedAt) / 1000).toFixed(1)} s)\n`,
  );
  io.stderr(timingReport());
  if (analysed === 0) return EXIT_NOTHING_ANALYSED;
  if (failing) return EXIT_FAIL_ON;
  return EXIT_OK;
}

/** Returns the version of the go command `check` runs (`go env GOVERSION`), or '' when it cannot say. */
async function goVersion(opts: CheckOptions): Promise<string> {
  const r = await runGo(opts.goBinary ?? 'go', ['env', 'GOVERSION'], opts.cwd, mergeEnv(undefined), AbortSignal.timeout(opts.timeoutMs)).catch(() => null);
  return r?.code === 0 ? r.stdout.trim() : '';
}

// A package's tree-sitter trees live outside the JavaScript heap, which V8 does not see: it
// collects so rarely that finished packages' trees pile up (x/tools --all --json: 430 MB peak,
// against 290 MB with a heap capped at 150 MB). Past this much memory, a full collection after
// each written package frees them.
const RELEASE_ABOVE_BYTES = 192 * 1024 * 1024;
let fullCollection: (() => void) | null | undefined;

/** Collects garbage when the process holds more than RELEASE_ABOVE_BYTES (written packages' trees). */
function releaseMemory(): void {
  if (process.memoryUsage.rss() < RELEASE_ABOVE_BYTES) return;
  if (fullCollection === undefined) {
    // `gc` exists only with --expose-gc, which can be set once the process runs.
    v8.setFlagsFromString('--expose-gc');
    fullCollection = (vm.runInNewContext('gc') as (() => void) | undefined) ?? null;
  }
  fullCollection?.();
}

/** Entry point: dispatches on the command; returns the exit status. `startedAt` (performance.now()) is when the command began. */
export async function main(argv: string[], io: Io, cwd = process.cwd(), startedAt = performance.now()): Promise<number> {
  const [command, ...rest] = argv;
  // `check --help` asks for the usage: not an unknown option (trial I).
  if ((command === 'check' || command === 'fix') && rest.some((a) => a === '--help' || a === '-h')) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  try {
    switch (command) {
      case 'check':
        return await runCheck(parseCheckArgs(rest, cwd), io, undefined, startedAt);
      // Loaded on demand: start-up `check` does not need. The language server is not even in the
      // CLI's bundle: scripts/build.mjs points this require at dist/server.js.
      case 'fix':
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, after argument parsing
        return await (require('./fix') as typeof import('./fix')).runFix(rest, io, cwd);
      case 'lsp':
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- dist/server.js at run time, not bundled (above)
        return await (require('../lsp/server') as typeof import('../lsp/server')).runLsp(rest);
      case 'version':
      case '--version':
        io.stdout(`heapscope ${toolVersion()}\n`);
        return EXIT_OK;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`heapscope: ${err.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

if (require.main === module) {
  // Ctrl-C and SIGTERM: exit at once with the conventional status; the 'exit' handler of
  // processes.ts kills the go processes and removes the runs' temporary directories, as it does
  // after a crash. The language server handles these signals itself (lsp/server.ts).
  if (process.argv[2] !== 'lsp') {
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  }
  // The command began when the process did (performance.now() counts from then): the summary's time is what the user waited.
  main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }, process.cwd(), 0).then(
    (code) => {
      // Leave as soon as the output is out: a natural exit first finalises every tree-sitter tree
      // (20–30 ms after a large package). `lsp` never gets here; it ends on the exit notification.
      process.exitCode = code;
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
    (err: unknown) => {
      process.stderr.write(`heapscope: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
