// The truth tier's reading of an allocation profile (bench/truth.ts), on a profile shaped like
// gin v1.10.0's: `var quoteEscaper = strings.NewReplacer(…)` at context.go:1089 runs in the
// package initialiser, which runtime/pprof files under routergroup.go (a function has one file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { allocatingLines, coveredLines, initializerFile, packageVarLines } from '../../bench/truth';

function ginLikePackage(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-truth-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // context.go: the var at line 5 (gin's line 1089), spanning two lines; routergroup.go: a var at line 3 only.
  writeFileSync(path.join(dir, 'context.go'), 'package gin\n\nimport "strings"\n\nvar quoteEscaper = strings.NewReplacer(\n\t"a", "b")\n');
  writeFileSync(path.join(dir, 'routergroup.go'), 'package gin\n\nvar re = 1\n\nfunc f() {}\n');
  writeFileSync(path.join(dir, 'both.go'), 'package gin\n\nvar other = 2\n');
  // zap's encoder.go: a var block whose `)` is on the line of global.go's `_globalS = _globalL.Sugar()`.
  writeFileSync(path.join(dir, 'block.go'), 'package gin\n\nvar (\n\tx = 3\n)\n');
  return dir;
}

test('a package-level var: found in the one file with a var declaration at that line', (t) => {
  const dir = ginLikePackage(t);
  const lines = packageVarLines(dir);
  assert.deepEqual([...(lines.get(path.join(dir, 'context.go')) ?? [])], [5, 6]);
  const varLines = () => lines;
  assert.equal(initializerFile(path.join(dir, 'routergroup.go'), 5, varLines), path.join(dir, 'context.go'));
  assert.equal(initializerFile(path.join(dir, 'routergroup.go'), 6, varLines), path.join(dir, 'context.go'));
  assert.deepEqual([...(lines.get(path.join(dir, 'block.go')) ?? [])], [4]);
  // Line 3 has a var in routergroup.go and in both.go: which one cannot be told.
  assert.equal(initializerFile(path.join(dir, 'routergroup.go'), 3, varLines), null);
  assert.equal(initializerFile(path.join(dir, 'routergroup.go'), 1, varLines), null);
});

test('allocating lines: the initialiser’s frames in their own file, other functions’ frames as recorded', (t) => {
  const dir = ginLikePackage(t);
  const strings = new StringTable();
  const fn = (id: number, name: string, file: string) => new PFunction({ id, name: strings.dedup(name), filename: strings.dedup(path.join(dir, file)) });
  const init = fn(1, 'github.com/gin-gonic/gin.init', 'routergroup.go');
  const replacer = new PFunction({ id: 2, name: strings.dedup('strings.NewReplacer'), filename: strings.dedup('/usr/local/go/src/strings/replace.go') });
  const handler = fn(3, 'github.com/gin-gonic/gin.f', 'routergroup.go');
  const locations = [
    // NewReplacer inlined into the initialiser: innermost first.
    new Location({ id: 1, line: [new Line({ functionId: 2, line: 36 }), new Line({ functionId: 1, line: 5 })] }),
    new Location({ id: 2, line: [new Line({ functionId: 3, line: 5 })] }),
  ];
  const samples = [new Sample({ locationId: [1], value: [1, 48] }), new Sample({ locationId: [2], value: [2, 16] })];
  const sampleType = ['alloc_objects', 'alloc_space'].map((s) => new ValueType({ type: strings.dedup(s), unit: strings.dedup(s.endsWith('space') ? 'bytes' : 'count') }));
  const profile = new Profile({ sampleType, sample: samples, location: locations, function: [init, replacer, handler], stringTable: strings });
  const { outer, any } = allocatingLines(profile.encode());
  assert.deepEqual([...outer].sort(), [`${path.join(dir, 'context.go')}:5`, `${path.join(dir, 'routergroup.go')}:5`]);
  assert.ok(any.has('/usr/local/go/src/strings/replace.go:36'));
});

test('lines the benchmarks ran: blocks counted more often than by package initialisation alone', () => {
  // zap v1.27.0 logger.go:87-93 `NewNop` runs in the initialiser (`_globalL = NewNop()`, made static
  // data by the compiler) and never in the benchmarks; logger.go:71 runs in both, more in the benchmarks.
  const head = 'mode: count\n';
  const bench = `${head}go.uber.org/zap/logger.go:87.26,93.2 1 1\ngo.uber.org/zap/logger.go:70.17,72.3 1 41\ngo.uber.org/zap/sugar.go:10.1,11.2 1 0\n`;
  const init = `${head}go.uber.org/zap/logger.go:87.26,93.2 1 1\ngo.uber.org/zap/logger.go:70.17,72.3 1 1\ngo.uber.org/zap/sugar.go:10.1,11.2 1 0\n`;
  assert.deepEqual([...coveredLines(bench, '/z', 'go.uber.org/zap', init)], ['/z/logger.go:70', '/z/logger.go:71', '/z/logger.go:72']);
  assert.deepEqual([...coveredLines(bench, '/z', 'go.uber.org/zap')].length, 10, 'without a baseline every counted line');
});
