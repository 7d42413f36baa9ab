// `heapscope check` end to end against the bare go command it wraps, same package, same cache state.
//
// Pairs run alternately (which command goes first flips each round) and each figure is the
// median ratio over the rounds. Cold: every command gets its own fresh `-c=N` in its gcflags,
// so nothing is in the build cache for it; one N cannot serve both commands, because
// `go list -export` (what heapscope runs) and `go build` share the compile's cache entry and the
// second would replay the first. Warm: the same commands again with plain `-m=2`, all cached.
// Packages: net/http (run from a temp dir) and golang.org/x/tools@v0.30.0's go/ssa, required by a
// temp module and fetched through the Go module proxy into the module cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchFigure } from './types';

const ROOT = path.join(__dirname, '..');
// HEAPSCOPE_BENCH_CLI measures another build (e.g. a scratch copy of the tree).
const CLI = process.env.HEAPSCOPE_BENCH_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const ROUNDS = Number(process.env.HEAPSCOPE_BENCH_ROUNDS ?? 5);
const TARGET = 1.1;
const TOOLS = 'golang.org/x/tools@v0.30.0';

interface Timed {
  ms: number;
  status: number | null;
  stderr: string;
}

/** Runs a command to completion and returns its wall time; outputs are captured, as heapscope captures go's. */
function time(cmd: string, args: string[], cwd: string): Timed {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, status: r.status, stderr: r.stderr ?? '' };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A cache buster nobody used before: the build cache keys on the whole gcflags string. */
let nextBuster = (Date.now() % 1_000_000) * 16 + 64;
const buster = (): string => `-c=${nextBuster++}`;

/** One command of a comparison, given the gcflags (with or without a cache buster). */
type Command = (gcflags: string) => [string, string[]];

interface Pair {
  name: string;
  baseline: Command;
  heapscope: Command;
}

/** Runs `rounds` alternating rounds of every heapscope variant against the baseline; median ratios and times. */
function measure(cwd: string, pairs: Pair[], cold: boolean, rounds: number): Array<{ pair: Pair; ratio: number; base: number; hs: number; n: number }> {
  const out = [];
  for (const pair of pairs) {
    const ratios: number[] = [];
    const bases: number[] = [];
    const hss: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const flags = (): string => (cold ? `-m=2 ${buster()}` : '-m=2');
      const runBase = (): Timed => {
        const [c, a] = pair.baseline(flags());
        return time(c, a, cwd);
      };
      const runHs = (): Timed => {
        const [c, a] = pair.heapscope(flags());
        const r = time(c, a, cwd);
        if (r.status !== 0) throw new Error(`${pair.name}: heapscope exited ${r.status}: ${r.stderr.slice(-2000)}`);
        return r;
      };
      let b: Timed;
      let h: Timed;
      if (i % 2 === 0) {
        b = runBase();
        h = runHs();
      } else {
        h = runHs();
        b = runBase();
      }
      ratios.push(h.ms / b.ms);
      bases.push(b.ms);
      hss.push(h.ms);
    }
    out.push({ pair, ratio: median(ratios), base: median(bases), hs: median(hss), n: rounds });
  }
  return out;
}

/** The comparisons for one package: default text, --all --json, and the with-tests default. */
function pairsFor(pkg: string): Pair[] {
  const node = process.execPath;
  return [
    {
      name: `check --no-tests ${pkg}`,
      baseline: (g) => ['go', ['build', `-gcflags=${g}`, pkg]],
      heapscope: (g) => [node, [CLI, 'check', '--no-tests', '--gcflags', g, pkg]],
    },
    {
      name: `check --no-tests --all --json ${pkg}`,
      baseline: (g) => ['go', ['build', `-gcflags=${g}`, pkg]],
      heapscope: (g) => [node, [CLI, 'check', '--no-tests', '--all', '--json', '--gcflags', g, pkg]],
    },
    {
      name: `check ${pkg} (with tests)`,
      baseline: (g) => ['go', ['list', '-e', '-export', '-test', '-json', `-gcflags=${g}`, pkg]],
      heapscope: (g) => [node, [CLI, 'check', '--gcflags', g, pkg]],
    },
  ];
}

/** A temp module requiring x/tools (downloaded through the module proxy on first use; never committed). */
function toolsModule(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-check-bench-'));
  writeFileSync(path.join(dir, 'go.mod'), 'module heapscope.bench/tools\n\ngo 1.22\n');
  writeFileSync(path.join(dir, 'x.go'), 'package x\n\nimport _ "golang.org/x/tools/go/ssa"\n');
  const r = spawnSync('go', ['get', TOOLS], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go get ${TOOLS} failed: ${r.stderr}`);
  return dir;
}

/** The fixed cost every `heapscope check` pays whatever the package: node start and loading the CLI, and `go env`. */
function floor(cwd: string): { node: number; goEnv: number } {
  const node: number[] = [];
  const goEnv: number[] = [];
  for (let i = 0; i < 5; i++) {
    node.push(time(process.execPath, [CLI, 'version'], cwd).ms);
    goEnv.push(time('go', ['env', 'GOVERSION'], cwd).ms);
  }
  return { node: median(node), goEnv: median(goEnv) };
}

/** Measures check against go for net/http and x/tools go/ssa, cold and warm. */
export async function run(): Promise<BenchFigure[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);
  const figures: BenchFigure[] = [];
  const stdDir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-check-bench-'));
  const toolsDir = toolsModule();
  try {
    const f = floor(stdDir);
    const floorNote = `fixed floor: node start + CLI load ${f.node.toFixed(0)} ms, go env ${f.goEnv.toFixed(0)} ms (in parallel with the compile)`;
    for (const [pkg, cwd] of [
      ['net/http', stdDir],
      ['golang.org/x/tools/go/ssa', toolsDir],
    ] as const) {
      const pairs = pairsFor(pkg);
      // Warm the cache for the warm rounds (and the module cache for x/tools).
      for (const p of pairs) {
        const [c, a] = p.baseline('-m=2');
        time(c, a, cwd);
      }
      for (const cold of [true, false]) {
        for (const m of measure(cwd, pairs, cold, ROUNDS)) {
          figures.push({
            name: `${m.pair.name}, ${cold ? 'cold' : 'warm'} cache, ratio to ${m.pair.baseline('-m=2')[1].slice(0, 2).join(' ')}`,
            value: m.ratio,
            unit: '×',
            target: '≤ 1.10×',
            pass: m.ratio <= TARGET,
            note: `median of ${m.n} alternating pairs: heapscope ${m.hs.toFixed(0)} ms, go ${m.base.toFixed(0)} ms; ${floorNote}`,
          });
        }
      }
    }
  } finally {
    rmSync(stdDir, { recursive: true, force: true });
    rmSync(toolsDir, { recursive: true, force: true });
  }
  return figures;
}
