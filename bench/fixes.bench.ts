// Allocations per operation before → after each fix kind: `go test -bench -benchmem` on the
// fixture module, then `heapscope fix --apply`, then the same benchmarks again.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runFix } from '../server/src/cli/fix';
import type { BenchFigure } from './types';

const exec = promisify(execFile);

/** Benchmarks, one per fix kind, added to the copied fixture (kept out of its tests). */
const BENCH_FILE = `package fixes

import "testing"

func BenchmarkPreallocSlice(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkInts = Squares(input)
	}
}

func BenchmarkPreallocMap(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkMap = Index(strs)
	}
}

func BenchmarkSprintfItoa(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkStr = Decimal(123456 + i)
	}
}

func BenchmarkCopyLoopVar(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkFuncs = StoredClosures(100)
	}
}
`;

const KINDS: Record<string, string> = {
  BenchmarkPreallocSlice: 'prealloc-slice',
  BenchmarkPreallocMap: 'prealloc-map',
  BenchmarkSprintfItoa: 'sprintf-itoa',
  BenchmarkCopyLoopVar: 'copy-loop-var',
};

/** allocs/op and ns/op by benchmark name from `go test -bench -benchmem` output. */
function parseBench(out: string): Map<string, { allocs: number; ns: number }> {
  const m = new Map<string, { allocs: number; ns: number }>();
  for (const line of out.split('\n')) {
    const [, name, ns, allocs] = /^(Benchmark\w+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns\/op.*?\s([\d.]+) allocs\/op/.exec(line) ?? [];
    if (name !== undefined) m.set(name, { ns: Number(ns), allocs: Number(allocs) });
  }
  return m;
}

async function bench(dir: string): Promise<Map<string, { allocs: number; ns: number }>> {
  const r = await exec('go', ['test', '-run', '^$', '-bench', '.', '-benchmem', '-benchtime', '200x', '.'], { cwd: dir, maxBuffer: 16 << 20 });
  return parseBench(r.stdout);
}

/** Measures allocs/op before → after applying the fixes to the fixture module. */
export async function run(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-fixbench-'));
  try {
    cpSync(path.resolve(__dirname, '../test-fixtures/fixes/go121'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'bench_test.go'), BENCH_FILE);
    const before = await bench(dir);
    const code = await runFix(['--apply'], { stdout: () => {}, stderr: () => {} }, dir);
    if (code !== 0) throw new Error(`heapscope fix exited ${code}`);
    const after = await bench(dir);
    const figures: BenchFigure[] = [];
    for (const [name, id] of Object.entries(KINDS)) {
      const b = before.get(name);
      const a = after.get(name);
      if (!a || !b) throw new Error(`benchmark ${name} did not run`);
      figures.push({
        name: `${id}: allocs/op after fixing (fixture, ${name})`,
        value: a.allocs,
        unit: 'allocs/op',
        target: id === 'sprintf-itoa' ? `≤ ${b.allocs} (before)` : `< ${b.allocs} (before)`,
        pass: id === 'sprintf-itoa' ? a.allocs <= b.allocs : a.allocs < b.allocs,
        note: `before ${b.allocs} allocs/op, ${b.ns} ns/op → after ${a.allocs} allocs/op, ${a.ns} ns/op`,
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
