// Plain-language messages over real compiler output recorded from several Go releases.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseCompilerOutput } from '../../server/src/engine/compilerOutput';
import { calleeOf, decisionMessage, escapeReason, explanationSteps, functionWords, plainCode, plainName, stepWords } from '../../server/src/engine/messages';
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

/** The compiler's internal names: none may reach what a user reads. */
const INTERNAL = /~[rRpb]\d|\.autotmp|\{heap\}|\{temp\}|\{storage for|go\.shape|#state|#rv|<node |func literal|\.\.\. argument|(?<![\w)\]])\.this\b|-fm\b/;

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
        [16, 2, version < 'go1.25' ? '`p` escapes to the heap' : '`p` escapes to the heap in `NewPoint`'],
        [17, 9, '1. its address is taken: `&p`'],
        [17, 2, `2. it is returned: \`return &p\` → ${version < 'go1.25' ? "the function's result" : 'the result of `NewPoint`'}`],
      ],
    );
  });

  test(`${version}: several flows of one decision are separate lists, each naming what escapes`, () => {
    const ds = decisions(version, 'example.build.txt');
    const steps = explanationSteps(find(ds, 46, 'moved to heap: wg')).map((s) => s.message);
    const titles = steps.filter((m) => !/^\d+\. /.test(m));
    assert.ok(titles.length >= 2, steps.join('\n'));
    titles.forEach((t, i) => assert.match(t, new RegExp(`^Flow ${i + 1} of ${titles.length}: \`wg\` escapes to the heap`)));
    // Each list is numbered from 1.
    for (const [i, m] of steps.entries()) if (/^\d+\. /.test(m)) assert.equal(m.split('.')[0], String(Number(/^(\d+)\./.exec(steps[i - 1] ?? '')?.[1] ?? 0) + 1), steps.join('\n'));
  });

  test(`${version}: every decision of every recording gets a message`, () => {
    for (const f of readdirSync(path.join(recorded, version))) {
      for (const d of decisions(version, f)) {
        const m = decisionMessage(d);
        assert.ok(m.length > 0 && !/undefined|\[object/.test(m), `${f}: ${d.text} → ${m}`);
        assert.doesNotMatch(m, /run with -m=2/, `${f}: ${d.text}`);
        assert.doesNotMatch(m, INTERNAL, `${f}: ${d.text}`);
        const steps = explanationSteps(d);
        // A list's title, then its steps numbered from 1.
        let n = 0;
        for (const s of steps) {
          assert.doesNotMatch(s.message, INTERNAL, `${f}: ${d.text}`);
          assert.doesNotMatch(s.message, /passed to a call/, `${f}: ${d.text}`);
          if (/^\d+\. /.test(s.message)) assert.ok(s.message.startsWith(`${++n}. `), s.message);
          else n = 0;
        }
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

test("plain words: one table for the compiler's internal names, in prose and in code", () => {
  assert.equal(plainName('{heap}'), 'the heap');
  assert.equal(plainName('{temp}'), 'a temporary');
  assert.equal(plainName('.autotmp_7'), 'a temporary');
  assert.equal(plainName('{storage for bools(bs)}'), 'the memory of `bools(bs)`');
  assert.equal(plainName('{storage for func literal}'), 'the memory of the closure');
  assert.equal(plainName('&{storage for &Mux{...}}'), 'the address of the memory of `&Mux{...}`');
  assert.equal(plainName('~r0', { func: 'F', ownResult: true }), 'the result of `F`');
  assert.equal(plainName('~r1', { func: 'F', ownResult: true }), "`F`'s second result");
  assert.equal(plainName('~r0', { ownResult: true }), "the function's result");
  assert.equal(plainName('~r0'), "a call's result");
  assert.equal(plainName('#state1'), "the loop's state");
  assert.equal(plainName('#rv1'), 'the value the loop returns');
  assert.equal(plainName('<node unsafe.String>'), '`unsafe.String(…)`');
  assert.equal(plainName('out'), '`out`');
  assert.equal(plainName('samename.~r0'), "a call's result");
  assert.equal(plainCode('samename..dict, samename.level := &samename..dict.Entry[string], "warn"'), '…, samename.level := …, "warn"');
  assert.equal(plainCode('return samename.~r0'), 'return …');
  assert.equal(plainCode('"Basic realm=" + ~r0'), '"Basic realm=" + …');
  assert.equal(plainCode('(*reflect.rtype).Name(.autotmp_7.(*reflect.rtype))'), '(*reflect.rtype).Name(….(*reflect.rtype))');
  assert.equal(plainCode('objects[go.shape.*uint8](values)'), 'objects(values)');
  assert.equal(plainCode('map[go.shape.string]go.shape.*uint8{}'), 'map[string]*…{}');
  assert.equal(plainCode('[]go.shape.struct { K string; V int }{}'), '[]…{}');
  assert.equal(plainCode('unsafe.Slice(<node unsafe.StringData>, len(s))'), 'unsafe.Slice(unsafe.StringData(…), len(s))');
  assert.equal(plainCode('fmt.Sprintf("%d,%d", ... argument...)'), 'fmt.Sprintf("%d,%d", …)');
  assert.equal(plainCode('#rv1 = &v'), '… = &v');
  assert.equal(plainCode('a[i]{x}'), 'a[i]{x}');
  // Every "passed to" names the callee, after the internal names are gone.
  assert.equal(stepWords({ expr: 'objects[go.shape.*uint8](values)', reason: 'call parameter', pos: null }), 'it is passed to `objects`: `objects(values)`');
  assert.equal(stepWords({ expr: '~r0(x)', reason: 'call parameter', pos: null }), 'it is passed as an argument to a function value: `…(x)`');
  assert.equal(stepWords({ expr: '~r0', reason: 'spill', pos: null }), "it is stored in a temporary: an inlined call's result");
});

test("range-over-func: the loop's compiler variables read as the loop's", () => {
  const text = [
    '# example.com/rof',
    './rof.go:29:2: v escapes to heap in Find:',
    './rof.go:29:2:   flow: #rv1 ← &v:',
    './rof.go:29:2:     from &v (address-of) at ./rof.go:29:2',
    './rof.go:29:2:     from #rv1 = &v (assign) at ./rof.go:29:2',
    './rof.go:29:2: moved to heap: v',
    './rof.go:38:2: x escapes to heap in Pair:',
    './rof.go:38:2:   flow: ~r1 ← &x:',
    './rof.go:38:2:     from &x (address-of) at ./rof.go:39:12',
    './rof.go:38:2:     from return 0, &x (return) at ./rof.go:39:2',
    './rof.go:38:2: moved to heap: x',
    '',
  ].join('\n');
  const ds = parseCompilerOutput(text).decisions;
  assert.deepEqual(
    explanationSteps(find(ds, 29, 'moved to heap: v')).map((s) => s.message),
    ['`v` escapes to the heap in `Find`', '1. its address is taken: `&v`', '2. it is assigned: `… = &v` → the value the loop returns'],
  );
  assert.deepEqual(
    explanationSteps(find(ds, 38, 'moved to heap: x')).map((s) => s.message),
    ['`x` escapes to the heap in `Pair`', '1. its address is taken: `&x`', "2. it is returned: `return 0, &x` → `Pair`'s second result"],
  );
});

test('blocks go to the decision they explain when several share a position; a repeated block is shown once', () => {
  const block = (flow: string) => ['./a.go:9:36: "k" + key escapes to heap in F.func1:', `./a.go:9:36:   flow: ${flow}:`, './a.go:9:36:     from "k" + key (spill) at ./a.go:9:36'];
  const text = [
    '# m',
    ...block('{heap} ← &{storage for "k" + key}'),
    ...block('{storage for "k" + key} ← &{storage for "k" + key}'),
    ...block('{storage for "k" + key} ← &{storage for "k" + key}'),
    './a.go:9:36: "k" + key escapes to heap',
    './a.go:9:36: "k" + key escapes to heap',
    '',
  ].join('\n');
  const [a, b] = parseCompilerOutput(text).decisions;
  assert.ok(a && b);
  assert.equal(a.explanations.length, 2);
  assert.equal(b.explanations.length, 1);
  // The first decision's second block repeats nothing of its first: both flows stay.
  assert.notEqual(a.explanations[0]?.lines.join(), a.explanations[1]?.lines.join());
  assert.doesNotMatch(decisionMessage(b), /run with/);
  assert.match(decisionMessage(b), /^`"k" \+ key` is allocated on the heap: /);
});

test('a block whose header names no summary (an inlined parameter) goes to the summary still without a block', () => {
  const text = [
    '# m',
    './b.go:105:16: text escapes to heap in Benchmark404:',
    './b.go:105:16:   flow: {heap} ← &{storage for text}:',
    './b.go:105:16:     from panic(text) (call parameter) at ./b.go:105:16',
    './b.go:105:16: ... argument escapes to heap in Benchmark404:',
    './b.go:105:16:   flow: handlers ← &{storage for ... argument}:',
    './b.go:105:16:     from ... argument (spill) at ./b.go:105:16',
    './b.go:105:16: ... argument escapes to heap',
    './b.go:105:16: "too many handlers" escapes to heap',
    '',
  ].join('\n');
  const [args, literal] = parseCompilerOutput(text).decisions;
  assert.equal(args?.explanations.length, 1);
  assert.equal(literal?.explanations.length, 1);
  assert.match(literal?.explanations[0]?.header ?? '', /^text escapes/);
  assert.equal(decisionMessage(literal as CompilerDecision), '`"too many handlers"` is allocated on the heap: it is passed to `panic` at line 105, which lets it escape');
});

test('a flow through a wrapper the compiler generated is not shown next to the flow the user wrote', () => {
  // chi v5.2.3 mux.go:426 (Go 1.26): routeHTTP's method value `mx.routeHTTP` has a wrapper
  // (*Mux).routeHTTP-fm whose block, printed far below the decision, repeats the leak through `.this`.
  const chi = [
    '# github.com/go-chi/chi/v5',
    './mux.go:426:26: parameter w leaks to {heap} for (*Mux).routeHTTP with derefs=0:',
    './mux.go:426:26:   flow: {heap} ← w:',
    './mux.go:426:26:     from h.ServeHTTP(w, r) (call parameter) at ./mux.go:459:14',
    './mux.go:426:26: leaking param: w',
    './mux.go:426:26: parameter w leaks to {heap} for (*Mux).routeHTTP-fm with derefs=0:',
    './mux.go:426:26:   flow: {heap} ← w:',
    './mux.go:426:26:     from (*Mux).routeHTTP(.this, w, r) (call parameter) at <autogenerated>:1',
    '',
  ].join('\n');
  const [w] = parseCompilerOutput(chi).decisions;
  assert.equal(w?.explanations.length, 2);
  assert.deepEqual(
    explanationSteps(w as CompilerDecision).map((s) => s.message),
    ['Parameter `w` leaks to the heap in `(*Mux).routeHTTP`', '1. it is passed to `h.ServeHTTP`: `h.ServeHTTP(w, r)` → the heap'],
  );
  // zap v1.27.0 array.go:271: the pointer method (*bools).MarshalLogArray wraps the value method, at <autogenerated>.
  const zap = [
    '# go.uber.org/zap',
    './array.go:271:33: parameter arr leaks to {heap} for bools.MarshalLogArray with derefs=0:',
    './array.go:271:33:   flow: {heap} ← arr:',
    './array.go:271:33:     from arr.AppendBool(bs[i]) (call parameter) at ./array.go:273:17',
    './array.go:271:33: leaking param: arr',
    './array.go:271:33: parameter arr leaks to {heap} for (*bools).MarshalLogArray with derefs=0:',
    './array.go:271:33:   flow: arr ← arr:',
    './array.go:271:33:     from bs, arr := bs, arr (assign-pair) at <autogenerated>:1',
    './array.go:271:33:   flow: {heap} ← arr:',
    './array.go:271:33:     from arr.AppendBool(bs[i]) (call parameter) at <autogenerated>:1',
    '',
  ].join('\n');
  const [arr] = parseCompilerOutput(zap).decisions;
  assert.equal(arr?.explanations.length, 2);
  assert.deepEqual(
    explanationSteps(arr as CompilerDecision).map((s) => s.message),
    ['Parameter `arr` leaks to the heap in `bools.MarshalLogArray`', '1. it is passed to `arr.AppendBool`: `arr.AppendBool(bs[i])` → the heap'],
  );
  // A wrapper's flow that is all there is stays, its receiver in words.
  const only = parseCompilerOutput(
    chi
      .split('\n')
      .filter((_line, i) => i === 0 || i > 3)
      .join('\n'),
  ).decisions.find((d) => d.text === 'leaking param: w');
  assert.deepEqual(
    explanationSteps(only as CompilerDecision).map((s) => s.message),
    ['Parameter `w` leaks to the heap in the method value `(*Mux).routeHTTP`', '1. it is passed to `(*Mux).routeHTTP`: `(*Mux).routeHTTP(…, w, r)` → the heap'],
  );
});

test('functions the compiler names read as the user wrote them: closures, go and defer wrappers, method values', () => {
  // Names from chi v5.2.3 and zap v1.27.0 block headers (Go 1.26).
  assert.equal(functionWords('(*Mux).routeHTTP'), '`(*Mux).routeHTTP`');
  assert.equal(functionWords('TestObjectsAndObjectValues.func1'), 'a closure in `TestObjectsAndObjectValues`');
  assert.equal(functionWords('TestX.func1.2'), 'a closure in `TestX`');
  assert.equal(functionWords('(*Compressor).Handler-fm'), 'the method value `(*Compressor).Handler`');
  assert.equal(functionWords('(*Compressor).Handler-fm.(*Compressor).Handler.func1'), 'a closure in `(*Compressor).Handler`');
  assert.equal(functionWords('(*Logger).Sync.gowrap1'), 'the `go` statement in `(*Logger).Sync`');
  assert.equal(functionWords('F.deferwrap2'), 'the deferred call in `F`');
  assert.equal(plainName('.this'), 'the receiver');
  assert.equal(plainCode('c, next := .this, next'), 'c, next := …, next');
  assert.equal(plainCode('x.this.y'), 'x.this.y');
});

test('a closure is named by the function it was written in, also when the compiler inlined it elsewhere', () => {
  // Function names from the block headers of zap v1.27.0, gin v1.10.0 and chi v5.2.3 (Go 1.26).
  assert.equal(functionWords('TestBuffers.NewPool.func2'), 'a closure in `NewPool`');
  assert.equal(functionWords('init.0.RequestLogger.func1'), 'a closure in `RequestLogger`');
  assert.equal(functionWords('roundTripsCorrectlyString.zapEncode.func1'), 'a closure in `zapEncode`');
  assert.equal(functionWords('TestJSONEncoderArrays.func24.1'), 'a closure in `TestJSONEncoderArrays`');
  assert.equal(functionWords('(*Mux).MethodNotAllowed.func1'), 'a closure in `(*Mux).MethodNotAllowed`');
  assert.equal(functionWords('init.func3'), "a closure in the package's initialization");
  assert.equal(functionWords('init.0.func1'), "a closure in the package's initialization");
  assert.equal(functionWords('init.0'), '`init.0`');
  assert.equal(functionWords('TestSunset.func1.Sunset.2'), 'a closure in `Sunset`');
  assert.equal(functionWords('TestSunset.func2.Sunset.2.1'), 'a closure in `Sunset`');
  assert.equal(functionWords('objects[go.shape.*uint8].func1'), 'a closure in `objects`');
  // zap example_test.go:347: the closure's result and its parameter's leak into it, named once.
  const text = [
    '# go.uber.org/zap_test',
    './example_test.go:347:31: parameter c leaks to ~r0 for ExampleWrapCore_wrap.func1 with derefs=0:',
    './example_test.go:347:31:   flow: {storage for ... argument} ← c:',
    './example_test.go:347:31:     from ... argument (slice-literal-element) at ./example_test.go:348:24',
    './example_test.go:347:31:   flow: zapcore.cores ← &{storage for ... argument}:',
    './example_test.go:347:31:     from ... argument (spill) at ./example_test.go:348:24',
    './example_test.go:347:31:     from zapcore.cores := ... argument (assign-pair) at ./example_test.go:348:24',
    './example_test.go:347:31:   flow: ~r0 ← *zapcore.cores:',
    './example_test.go:347:31:     from zapcore.cores[0] (dot of pointer) at ./example_test.go:348:24',
    './example_test.go:347:31:     from ~r0 = zapcore.cores[0] (assign-pair) at ./example_test.go:348:24',
    './example_test.go:347:31:   flow: ~r0 ← ~r0:',
    './example_test.go:347:31:     from return ~r0 (return) at ./example_test.go:348:3',
    './example_test.go:347:31: leaking param: c',
    '',
  ].join('\n');
  const [c] = parseCompilerOutput(text).decisions;
  const steps = explanationSteps(c as CompilerDecision).map((s) => s.message);
  assert.equal(steps[0], 'Parameter `c` leaks to the result of a closure in `ExampleWrapCore_wrap`');
  assert.equal(steps[steps.length - 1], '6. it is returned: `return …` → the result of a closure in `ExampleWrapCore_wrap`');
  assert.equal(
    plainName('~r1', { func: 'TestContextWithFallbackValueFromRequestContext.func3', ownResult: true }),
    'the second result of a closure in `TestContextWithFallbackValueFromRequestContext`',
  );
});
