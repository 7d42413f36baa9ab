// What reading the compiled code costs: `heapscope check --no-tests net/http` with the evidence
// stage against the same command with --no-evidence, alternating (which goes first flips each
// round), median ratio. Cold: a fresh `-c=N` in the gcflags each time, so the compile and its
// export file are new and the evidence cache (its own empty directory) has nothing for it. Warm:
// plain `-m=2`, the compile replayed from the build cache and the evidence read from its cache.
// Also the precision and recall of the default output on gin's and zap's benchmarks
// (bench/truth.ts), when their modules are in /work/real or HEAPSCOPE_TRUTH_GIN / _ZAP name them.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureTruth } from './truth';
import type { BenchFigure } from './types';

const ROOT = path.join(__dirname, '..');
const CLI = process.env.HEAPSCOPE_BENCH_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const ROUNDS = Number(process.env.HEAPSCOPE_BENCH_ROUNDS ?? 5);

/** The 1-, 5- and 15-minute load averages, for the note of a figure measured on a shared machine. */
function load(): string {
  return `load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

let nextBuster = (Date.now() % 1_000_000) * 16 + 32;

/** Wall time of one `heapscope check --no-tests net/http`. */
function check(cwd: string, gcflags: string, evidence: boolean, env: NodeJS.ProcessEnv): number {
  const args = [CLI, 'check', '--no-tests', '--json', '--gcflags', gcflags, ...(evidence ? [] : ['--no-evidence']), 'net/http'];
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`heapscope check exited ${r.status}: ${(r.stderr ?? '').slice(-2000)}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function run(): Promise<BenchFigure[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-evidence-bench-'));
  const env = { ...process.env, HEAPSCOPE_CACHE_DIR: path.join(dir, 'cache') };
  const figures: BenchFigure[] = [];
  try {
    check(dir, '-m=2', true, env);
    for (const cold of [true, false]) {
      const ratios: number[] = [];
      const withMs: number[] = [];
      const withoutMs: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const flags = (): string => (cold ? `-m=2 -c=${nextBuster++}` : '-m=2');
        const order = i % 2 === 0 ? [true, false] : [false, true];
        const ms = new Map<boolean, number>();
        for (const evidence of order) ms.set(evidence, check(dir, flags(), evidence, env));
        const w = ms.get(true) as number;
        const wo = ms.get(false) as number;
        ratios.push(w / wo);
        withMs.push(w);
        withoutMs.push(wo);
      }
      const ratio = median(ratios);
      const target = cold ? 1.1 : 1.03;
      figures.push({
        name: `check --no-tests net/http with the compiled code read, ${cold ? 'cold' : 'warm'}, ratio to --no-evidence`,
        value: ratio,
        unit: '×',
        target: cold ? '≤ 1.10×' : 'nothing measurable (≤ 1.03×)',
        pass: ratio <= target,
        note: `median of ${ROUNDS} alternating pairs (ratios ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}): ${median(withMs).toFixed(0)} ms against ${median(withoutMs).toFixed(0)} ms; ${load()}`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [name, source, bench] of [
    ['gin v1.10.0', process.env.HEAPSCOPE_TRUTH_GIN ?? '/work/real/github.com_gin-gonic_gin_v1.10.0', '.'],
    ['zap v1.27.0', process.env.HEAPSCOPE_TRUTH_ZAP ?? '/work/real/go.uber.org_zap_v1.27.0', '.'],
  ] as const) {
    if (!existsSync(source)) continue;
    const copy = mkdtempSync(path.join(os.tmpdir(), 'heapscope-truth-module-'));
    try {
      cpSync(source, copy, { recursive: true });
      // A module cache copy is read-only.
      spawnSync('chmod', ['-R', 'u+w', copy]);
      const r = await measureTruth({ dir: copy, pkg: '.', bench, benchtime: '200x' });
      const note = `root package, its benchmarks at 200x: ${r.claimed} claimed lines that ran, ${r.falseClaims.length} never allocated; ${r.allocated} allocating lines, ${r.misses.length} without a finding; ${load()}`;
      // The issue sets 98% for the fixture module and asks only that real modules be measured:
      // a figure below it shows as a miss, to be explained in docs/BENCHMARKS.md.
      figures.push({ name: `precision on ${name}`, value: r.precision * 100, unit: '%', target: '≥ 98%', pass: r.precision >= 0.98, note });
      figures.push({ name: `recall on ${name}`, value: r.recall * 100, unit: '%', target: '≥ 98%', pass: r.recall >= 0.98, note });
      for (const l of [...r.falseClaims.map((c) => `never allocated: ${c}`), ...r.misses.map((m) => `no finding: ${m}`)]) console.log(`     ${name} ${l.replace(copy, '')}`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
  return figures;
}
