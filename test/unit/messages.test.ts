// Plain-language messages over real compiler output recorded from several Go releases.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseCompilerOutput } from '../../server/src/engine/compilerOutput';
import { calleeOf, decisionMessage, escapeReason, explanationSteps, stepWords } from '../../server/src/engine/messages';
import type { CompilerDecision } from '../../server/src/engine/types';

const recorded = path.join(__dirname, '..', '..', 'test-fixtures', 'recorded');
const versions = readdirSync(recorded).sort();

function decisions(version: string, file: string): CompilerDecision[] {
  return parseCompilerOutput(readFileSync(path.join(recorded, version, file), 'utf8')).decisions;
}

function find(ds: CompilerDecision[], line: number, text: string): CompilerDecision {
  const d = ds.find((x) => x.pos.line === line && x.text === text);
  assert.ok(d, `no decision "${text}" at line ${line}`);
  return d;
}

test('recordings exist for at least Go 1.21, 1.22, 1.24 and the machine release', () => {
  for (const v of ['go1.21', 'go1.22', 'go1.24'])
    assert.ok(
      versions.some((x) => x.startsWith(v + '.')),
      v,
    );
});

for (const version of versions) {
  test(`${version}: moved-to-heap, escapes and inlining read the same across releases`, () => {
    const ds = decisions(version, 'example.build.txt');
    assert.equal(decisionMessage(find(ds, 16, 'moved to heap: p')), '`p` is moved to the heap: its address is returned at line 17');
    assert.equal(decisionMessage(find(ds, 46, 'moved to heap: wg')), '`wg` is moved to the heap: its address is passed to `(*sync.WaitGroup).Add` at line 49, which lets it escape');
    assert.equal(decisionMessage(find(ds, 78, 'moved to heap: c')), '`c` is moved to the heap: it is captured by a closure at line 80');
    assert.match(decisionMessage(find(ds, 44, 'cannot inline SumAsync: unhandled op GO')), /^`SumAsync` cannot be inlined: it starts a goroutine/);
    assert.match(decisionMessage(find(ds, 15, ds.find((d) => d.pos.line === 15 && d.kind === 'inline.can')?.text ?? '')), /^`NewPoint` can be inlined \(cost \d+\)$/);
    const mk = ds.find((d) => d.pos.line === 72 && d.kind === 'escape.heap');
    assert.ok(mk);
    // Up to Go 1.24 the compiler's reason is the unknown size; from 1.25 it explains the flow.
    const why = version < 'go1.25' ? 'its size is not known at compile time' : 'it is returned at line 73';
    assert.equal(decisionMessage(mk), `\`make([]byte, n)\` is allocated on the heap: ${why}`);
  });

  test(`${version}: explanation chains render as numbered steps with locations`, () => {
    const ds = decisions(version, 'example.build.txt');
    const steps = explanationSteps(find(ds, 16, 'moved to heap: p'));
    assert.deepEqual(
      steps.map((s) => [s.line, s.column, s.message]),
      [
        [17, 9, '1. its address is taken: `&p` (flow ~r0 ← &p)'],
        [17, 2, '2. it is returned: `return &p` (flow ~r0 ← &p)'],
      ],
    );
  });

  test(`${version}: every decision of every recording gets a message`, () => {
    for (const f of readdirSync(path.join(recorded, version))) {
      for (const d of decisions(version, f)) {
        const m = decisionMessage(d);
        assert.ok(m.length > 0 && !/undefined|\[object/.test(m), `${f}: ${d.text} → ${m}`);
        const steps = explanationSteps(d);
        steps.forEach((s, i) => assert.ok(s.message.startsWith(`${i + 1}. `), s.message));
      }
    }
  });
}

test('calleeOf finds the called function, also for method expressions', () => {
  assert.equal(calleeOf('fmt.Sprintf("%d,%d", ... argument...)'), 'fmt.Sprintf');
  assert.equal(calleeOf('(*sync.WaitGroup).Add(wg, 1)'), '(*sync.WaitGroup).Add');
  assert.equal(calleeOf('f(g(x))'), 'f');
  assert.equal(calleeOf('x'), null);
  assert.equal(calleeOf('func literal'), null);
});

test('step wordings: one table gives the numbered step and the one-line reason, unknown reasons as printed', () => {
  const at = { file: '/m/a.go', line: 3, column: 2 };
  const explain = (reason: string, to = '~r0', from = '&x') => [
    { header: 'x escapes to heap', func: null, derefs: null, lines: [], flows: [{ to, from, steps: [{ expr: 'x', reason, pos: { file: '/m/a.go', line: 9, column: 1 } }] }] },
  ];
  assert.equal(stepWords({ expr: '&p', reason: 'address-of', pos: null }), 'its address is taken: `&p`');
  assert.equal(stepWords({ expr: 'x', reason: 'slice-literal-element', pos: null }), 'it is put in a slice literal: `x`');
  assert.equal(escapeReason(explain('slice-literal-element'), at), 'it is put into a slice literal at line 9');
  // Reasons with only a one-line wording print as the compiler gave them in steps.
  assert.equal(stepWords({ expr: 'f()', reason: 'go func', pos: null }), 'go func: `f()`');
  assert.equal(escapeReason(explain('go func'), at), 'it is used by a goroutine at line 9');
  assert.equal(escapeReason(explain('defer func'), at), 'it is used by a deferred call at line 9');
  assert.equal(escapeReason(explain('return'), at), 'its address is returned at line 9');
  // An assignment explains only a store into the heap; otherwise the sink does.
  assert.equal(escapeReason(explain('assign', '{heap}'), at), 'its address is stored in heap memory at line 9');
  assert.equal(escapeReason(explain('assign'), at), 'it is returned at line 9');
  assert.equal(stepWords({ expr: 'x', reason: 'toString', pos: null }), 'toString: `x`');
});
