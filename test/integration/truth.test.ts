// The precision/recall tier: test-fixtures/truth allocates in every way the evidence stage tells
// apart (and in ways that look like allocations but are not), its benchmark calls every function,
// and a -memprofilerate=1 profile of it is the truth (bench/truth.ts defines both figures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { measureTruth } from '../../bench/truth';
import { runPipeline } from '../../server/src/pipeline/index';

const FIXTURE = path.resolve(__dirname, '../../test-fixtures/truth');

test('the default output claims allocations that happen and finds the ones that do (≥ 98% each)', async () => {
  const r = await measureTruth({ dir: FIXTURE, pkg: '.', benchtime: '200x' });
  assert.ok(r.allocated >= 20, `the fixture allocates on ${r.allocated} lines`);
  assert.ok(r.claimed >= 8, `the default output claims ${r.claimed} lines`);
  assert.ok(r.precision >= 0.98, `precision ${r.precision}: ${r.falseClaims.join('\n')}`);
  assert.ok(r.recall >= 0.98, `recall ${r.recall}: ${r.misses.join('\n')}`);
});

test('free heap decisions, and calls no decision announces, have the kinds and evidence the compiled code gives', async () => {
  const result = await runPipeline({ compile: { cwd: FIXTURE, patterns: ['.'], tests: false }, evidence: true });
  const at = (line: number) =>
    result.findings
      .filter((f) => f.file === path.join(FIXTURE, 'truth.go') && f.line === line && /^(escape|alloc)\./.test(f.kind))
      .map((f) => `${f.kind} ${f.evidence?.allocates} ${f.evidence?.calls.join(',')}`);
  assert.deepEqual(at(17), ['escape.heap yes runtime.newobject']);
  assert.deepEqual(at(35), ['escape.free no ']); // return 42
  assert.deepEqual(at(41), ['escape.free no ']); // struct{}{}
  assert.deepEqual(at(47), ['escape.heap may runtime.convT64']);
  assert.deepEqual(at(66), ['alloc.concat may runtime.concatstring2']);
  assert.deepEqual(at(89), ['alloc.growslice may runtime.growslice']);
  assert.deepEqual(at(107), ['alloc.map may runtime.mapassign_fast64']);
  // helper's make, inlined into Inlined: credited to the call, not to helper's line.
  const inlined = result.findings.find((f) => f.line === 121 && f.kind === 'alloc.object');
  assert.match(inlined?.message ?? '', /inlined from `helper`/);
  assert.equal(result.evidence?.byLine.get(`${path.join(FIXTURE, 'truth.go')}:121`)?.[0]?.inlinedFrom?.line, 118);
});
