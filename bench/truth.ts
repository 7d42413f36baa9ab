// Precision and recall of the default output against the run-time truth: a package's benchmarks
// run with -memprofilerate=1 (every allocation recorded, with its line) and with a coverage
// profile (which lines the benchmarks ran, beyond package initialisation), and `heapscope check`'s pipeline on the same package.
//
// A line "really allocated" when it is the line of the compiled function in the leaf Location of
// some sample (the outermost inline frame: code inlined from elsewhere counts at the call the user
// wrote, as the evidence stage credits it; runtime frames are already stripped). A line "claims" a
// heap allocation when a finding shown by default is a heap kind whose compiled code always
// allocates (evidence `yes`, or no evidence); findings that say "may" are not claims. Precision:
// the share of claimed lines that ran and allocated at any inline depth (a function's own line is
// right to claim an allocation that happens in its inlined copies); recall: the share of allocating
// lines with a finding shown by default.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { goParser } from '../server/src/engine/goParser';
import { kindInfo } from '../server/src/engine/kinds';
import { presentFindings } from '../server/src/engine/present';
import type { Finding } from '../server/src/engine/types';
import { runPipeline } from '../server/src/pipeline/index';
import { decodeProfile } from '../server/src/profile/decode';

const run = promisify(execFile);

/** What to measure: one package of a module and the benchmarks to run. */
export interface TruthTarget {
  /** The module root. */
  dir: string;
  /** The package pattern, relative to dir (`.`, `./render`). */
  pkg: string;
  /** -bench regexp; default `.`. */
  bench?: string;
  /** -benchtime; default `20x`. */
  benchtime?: string;
  env?: NodeJS.ProcessEnv;
}

/** The figures and the lines behind them. */
export interface TruthReport {
  precision: number;
  recall: number;
  /** Lines the default output claims allocate, that ran. */
  claimed: number;
  /** Lines that allocated. */
  allocated: number;
  /** Claimed lines that ran but never allocated (`file:line kind message`). */
  falseClaims: string[];
  /** Allocating lines without a finding shown by default. */
  misses: string[];
}

/**
 * Where a frame of a package initialiser (`example.com/p.init`) really is. runtime/pprof keys a
 * profile's functions by name and gives each the file of the first frame it saw, but the
 * initialiser runs the package-level `var` declarations of every file of the package: its lines
 * are all filed under one of them. The frame is in the file of that directory whose line is part
 * of a top-level `var` declaration; null when no file or several have one there.
 */
export function initializerFile(recorded: string, line: number, varLines: (dir: string) => ReadonlyMap<string, ReadonlySet<number>>): string | null {
  const found = [...varLines(path.dirname(recorded))].filter(([, lines]) => lines.has(line)).map(([file]) => file);
  return found.length === 1 ? (found[0] as string) : null;
}

/** The lines of the specs of the top-level `var` declarations of each Go file of a directory. */
export function packageVarLines(dir: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.go'))) {
    const file = path.join(dir, name);
    const lines = new Set<number>();
    for (const node of goParser().parse(readFileSync(file, 'utf8')).rootNode.children) {
      if (node.type !== 'var_declaration') continue;
      // The specs, not the declaration: a block's `var (` and `)` lines run no code.
      for (const spec of node.descendantsOfType('var_spec')) for (let l = spec.startPosition.row + 1; l <= spec.endPosition.row + 1; l++) lines.add(l);
    }
    out.set(file, lines);
  }
  return out;
}

/**
 * `file:line` of every line that really allocated: `outer`, the outermost frame of each sample's
 * leaf Location; `any`, every frame of it. A package initialiser's frames are moved to the file
 * they are in (initializerFile), when it can be told.
 */
export function allocatingLines(profileBytes: Uint8Array, varLines: (dir: string) => ReadonlyMap<string, ReadonlySet<number>> = cached(packageVarLines)): { outer: Set<string>; any: Set<string> } {
  const profile = decodeProfile(profileBytes, 'memprofile');
  const strings = profile.stringTable.strings;
  const objectsIndex = profile.sampleType.findIndex((t) => strings[Number(t.type)] === 'alloc_objects');
  const functions = new Map(profile.function.map((f) => [String(f.id), { name: strings[Number(f.name)] ?? '', file: strings[Number(f.filename)] ?? '' }]));
  const locations = new Map(profile.location.map((l) => [String(l.id), l]));
  const outer = new Set<string>();
  const any = new Set<string>();
  const key = (l: { functionId: unknown; line: unknown }): string => {
    const fn = functions.get(String(l.functionId)) ?? { name: '', file: '' };
    const line = Number(l.line);
    const file = /\.init$/.test(fn.name) && path.isAbsolute(fn.file) ? (initializerFile(fn.file, line, varLines) ?? fn.file) : fn.file;
    return `${file}:${line}`;
  };
  for (const s of profile.sample) {
    if (Number(s.value[objectsIndex] ?? 0) <= 0) continue;
    const leaf = locations.get(String(s.locationId[0]));
    const last = leaf?.line[leaf.line.length - 1];
    if (!leaf || !last) continue;
    outer.add(key(last));
    for (const l of leaf.line) any.add(key(l));
  }
  return { outer, any };
}

function cached<T>(fn: (dir: string) => T): (dir: string) => T {
  const memo = new Map<string, T>();
  return (dir) => {
    let v = memo.get(dir);
    if (v === undefined) {
      v = fn(dir);
      memo.set(dir, v);
    }
    return v;
  };
}

/**
 * `file:line` of every line a coverage profile (`-covermode=count`) saw run (a block's lines, start
 * to end). With `before`, the profile of a run that only initialised the package: a block counts
 * when it ran more often than that, so code run only by package initialisation (which the compiler
 * may turn into static data: zap v1.27.0 global.go:42 `_globalL = NewNop()`) is not code the
 * benchmarks ran.
 */
export function coveredLines(coverProfile: string, dir: string, modulePath: string, before = ''): Set<string> {
  const block = /^((.+):(\d+)\.\d+,(\d+)\.\d+) \d+ (\d+)$/;
  const initial = new Map<string, number>();
  for (const l of before.split('\n').slice(1)) {
    const m = block.exec(l);
    if (m) initial.set(m[1] as string, Math.max(initial.get(m[1] as string) ?? 0, Number(m[5])));
  }
  const lines = new Set<string>();
  for (const l of coverProfile.split('\n').slice(1)) {
    const m = block.exec(l);
    if (!m || Number(m[5]) <= (initial.get(m[1] as string) ?? 0)) continue;
    const file = path.join(dir, (m[2] as string).slice(modulePath.length + 1));
    for (let n = Number(m[3]); n <= Number(m[4]); n++) lines.add(`${file}:${n}`);
  }
  return lines;
}

/** Whether a finding shown by default claims a heap allocation. */
export function claimsAllocation(f: Finding): boolean {
  return kindInfo(f.kind).heap && (f.evidence === undefined || f.evidence === null || f.evidence.allocates === 'yes');
}

/** Runs the benchmarks and the pipeline on one package and compares them. */
export async function measureTruth(t: TruthTarget): Promise<TruthReport> {
  t = { ...t, dir: path.resolve(t.dir) };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-truth-'));
  const env = { ...process.env, ...t.env };
  try {
    const mem = path.join(tmp, 'mem.out');
    const cover = path.join(tmp, 'cover.out');
    const bin = path.join(tmp, 'pkg.test');
    await run('go', ['test', '-c', '-o', bin, t.pkg], { cwd: t.dir, env, maxBuffer: 64 << 20 });
    const bench = ['-test.run', '^$', '-test.bench', t.bench ?? '.', '-test.benchtime', t.benchtime ?? '20x'];
    const pkgDir = path.resolve(t.dir, t.pkg);
    // GODEBUG sets the rate from the start, so package initialisation is recorded too
    // (-test.memprofilerate takes effect only when the tests start).
    const memEnv = { ...env, GODEBUG: [env.GODEBUG, 'memprofilerate=1'].filter(Boolean).join(',') };
    await run(bin, [...bench, '-test.memprofile', mem, '-test.memprofilerate=1'], { cwd: pkgDir, env: memEnv, maxBuffer: 64 << 20 });
    // Coverage in a separate run: its counters change what the compiler inlines.
    // Counted, and once more with nothing run but the package's initialisation.
    const coverInit = path.join(tmp, 'cover-init.out');
    const covered = ['-covermode', 'count', '-coverprofile'];
    await run('go', ['test', '-run', '^$', '-bench', t.bench ?? '.', '-benchtime', t.benchtime ?? '20x', ...covered, cover, t.pkg], { cwd: t.dir, env, maxBuffer: 64 << 20 });
    await run('go', ['test', '-run', '^$', '-bench', '^$', ...covered, coverInit, t.pkg], { cwd: t.dir, env, maxBuffer: 64 << 20 });
    const modulePath = /^module\s+(\S+)/m.exec(readFileSync(path.join(t.dir, 'go.mod'), 'utf8'))?.[1] ?? '';
    const ran = coveredLines(readFileSync(cover, 'utf8'), t.dir, modulePath, readFileSync(coverInit, 'utf8'));
    const truth = allocatingLines(readFileSync(mem));
    // An evidence cache of its own: the figures never depend on what an earlier run left.
    const result = await runPipeline({ compile: { cwd: t.dir, patterns: [t.pkg], tests: true, env: { ...t.env, HEAPSCOPE_CACHE_DIR: path.join(tmp, 'cache') } }, evidence: true });
    const shown = presentFindings(result.findings, {});
    const dir = path.resolve(t.dir, t.pkg);
    const inPackage = (key: string): boolean => path.dirname(key.replace(/:\d+$/, '')) === dir;
    const claims = new Map<string, Finding>();
    const found = new Set<string>();
    // A claim ran when the code of its allocator call ran: for code inlined from another function,
    // the callee's line (a call that ran says nothing of a branch inside the callee that did not).
    const callRan = (key: string): boolean => {
      const calls = result.evidence?.byLine.get(key) ?? [];
      return calls.length === 0 ? ran.has(key) : calls.some((c) => ran.has(c.inlinedFrom ? `${c.inlinedFrom.file}:${c.inlinedFrom.line}` : key));
    };
    for (const f of shown) {
      const line = f.compiler?.line ?? f.line;
      const key = `${f.file}:${line}`;
      found.add(key);
      if (claimsAllocation(f) && ran.has(key) && callRan(key)) claims.set(key, f);
    }
    const allocated = [...truth.outer].filter(inPackage);
    const falseClaims = [...claims].filter(([k]) => !truth.any.has(k)).map(([k, f]) => `${k} ${f.kind} ${f.message}`);
    const misses = allocated.filter((k) => !found.has(k));
    return {
      precision: claims.size === 0 ? 1 : (claims.size - falseClaims.length) / claims.size,
      recall: allocated.length === 0 ? 1 : (allocated.length - misses.length) / allocated.length,
      claimed: claims.size,
      allocated: allocated.length,
      falseClaims,
      misses,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
