// The evidence stage without go: the allocator calls read from test-fixtures/truth's compiled
// archive as each Go release wrote it (recorded by `npm run record-fixtures`), snapshotted per
// release, and the join of calls with findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allocatorInfo, creditCalls, lineKey, type AllocCall, type RunEvidence } from '../../server/src/engine/evidence';
import { branchAround, branchWords, loopKeeping } from '../../server/src/engine/nodeMapping';
import { decisionCategories, evidenceText, frameMayBe, joinEvidence, freeReason, inlinedName, mayMessage } from '../../server/src/engine/evidenceJoin';
import { objectFilesOfArchive, pcValue, readObjectCalls } from '../../server/src/engine/goObject';
import { SourceCache } from '../../server/src/engine/analyze';
import type { CompilerDecision, Explanation, Finding, FlowStep } from '../../server/src/engine/types';
import { dropRepeats, eraseShapes, markMappedAt, repeatKey } from '../../server/src/engine/repeats';
import { assertSnapshot } from '../helpers/snapshot';

const root = path.resolve(__dirname, '../..');
const recorded = path.join(root, 'test-fixtures/recorded');
const versions = readdirSync(recorded).filter((v) => existsSync(path.join(recorded, v, 'truth.a')));

/** The calls of the recorded archive of one release, one per line, with paths relative to the fixture. */
function callsText(version: string): string {
  const builtins = readFileSync(path.join(recorded, version, 'goobj-builtins.names'), 'utf8')
    .trim()
    .split('\n');
  const archive = readFileSync(path.join(recorded, version, 'truth.a'));
  const calls = objectFilesOfArchive(archive).flatMap((o) => readObjectCalls(o, { builtins, wanted: (t) => allocatorInfo(t) !== null }));
  return (
    creditCalls(calls, '/goroot')
      .map((c) => {
        const from = c.inlinedFrom ? ` (inlined from ${c.inlinedFrom.func} at ${path.basename(c.inlinedFrom.file)}:${c.inlinedFrom.line})` : '';
        return `${path.basename(c.file)}:${c.line} ${c.fn} in ${c.symbol}${from}`;
      })
      .sort()
      .join('\n') + '\n'
  );
}

for (const version of versions) {
  test(`allocator calls of the truth fixture compiled by ${version}`, () => {
    const text = callsText(version);
    assertSnapshot(path.join(__dirname, '__snapshots__/evidence', `${version}.txt`), text);
    // Every release calls newobject for NewPoint and credits helper's make to its callers.
    assert.match(text, /truth\.go:17 runtime\.(newobject|mallocgc\w*) in example\.com\/truth\.NewPoint/);
    assert.match(text, /truth\.go:121 runtime\.makeslice in example\.com\/truth\.Inlined \(inlined from example\.com\/truth\.helper at truth\.go:118\)/);
  });
}

test('pc-value tables: values per PC range, zig-zag deltas, quantum', () => {
  // Value 10 for pc [0,4), 7 for [4,6): first entry (uvdelta 22 → +11, pc +4), then (−3 → 5, pc +2).
  const tab = Buffer.from([22, 4, 5, 2, 0]);
  assert.equal(pcValue(tab, 0, 1), 10);
  assert.equal(pcValue(tab, 3, 1), 10);
  assert.equal(pcValue(tab, 4, 1), 7);
  assert.equal(pcValue(tab, 6, 1), -1);
  assert.equal(pcValue(tab, 12, 4), 10);
  assert.equal(pcValue(tab, 16, 4), 7);
});

test('allocators: which always allocate, Go 1.27 size-specialised mallocgc, non-allocators', () => {
  assert.equal(allocatorInfo('runtime.newobject')?.always, true);
  assert.equal(allocatorInfo('runtime.mallocgcSmallScanNoHeaderSC3')?.category, 'object');
  assert.equal(allocatorInfo('runtime.growslice')?.always, false);
  assert.equal(allocatorInfo('runtime.convT64')?.category, 'convert');
  assert.equal(allocatorInfo('runtime.concatstring3')?.category, 'concat');
  assert.equal(allocatorInfo('runtime.mapaccess1_faststr'), null);
  assert.equal(allocatorInfo('runtime.morestack_noctxt'), null);
});

/** The evidence of a run whose compiled code made these calls, in /m/a.go. */
function runEvidence(calls: readonly AllocCall[]): RunEvidence {
  const byLine = new Map<string, AllocCall[]>();
  for (const c of calls) byLine.set(lineKey(c.file, c.line), [...(byLine.get(lineKey(c.file, c.line)) ?? []), c]);
  return { byLine, filesRead: new Set(['/m/a.go']), problems: [] };
}

/** An allocator call credited to `line` of /m/a.go in `symbol`, inlined through `frames` (innermost first: the function and its line there). */
function inlinedCall(fn: string, line: number, symbol: string, frames: ReadonlyArray<{ func: string; line: number; file?: string }>): AllocCall {
  const inner = frames[0]!;
  return {
    fn,
    file: '/m/a.go',
    line,
    symbol,
    inlinedFrom: { func: inner.func, file: inner.file ?? '/m/a.go', line: inner.line },
    inlinedVia: frames.map((f) => f.func),
    inlinedLines: frames.map((f) => ({ file: f.file ?? '/m/a.go', line: f.line })),
  };
}

function decision(subject: string, line: number): CompilerDecision {
  return { kind: 'escape.heap', pos: { file: '/m/a.go', line, column: 9 }, text: `${subject} escapes to heap`, details: { subject }, explanations: [], packagePath: 'm' };
}

function finding(d: CompilerDecision): Finding {
  return {
    file: '/m/a.go',
    line: d.pos.line,
    column: 9,
    endLine: d.pos.line,
    endColumn: 12,
    severity: 'information',
    kind: d.kind,
    message: 'is allocated on the heap',
    compiler: { line: d.pos.line, column: 9, message: d.text },
    related: [],
    fixes: [],
    alloc: null,
    packagePath: 'm',
    decision: d,
  };
}

test('join: confirmed, free with a reason, and calls no decision announces', () => {
  const call = (fn: string, line: number): AllocCall => ({ fn, file: '/m/a.go', line, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const calls = [call('runtime.newobject', 3), call('runtime.growslice', 5), call('runtime.convT64', 7)];
  const evidence = runEvidence(calls);
  const findings = [finding(decision('&Point{...}', 3)), finding(decision('42', 4)), finding(decision('x', 6)), finding(decision('n', 7))];
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nvar p = &Point{}\nvar a any = 42\nfunc f(xs []int) { xs = append(xs, 1) }\nvar b any = x\nvar c any = n\n']]));
  const out = joinEvidence(findings, evidence, sources);
  const summary = out.map((f) => `${f.line} ${f.kind} ${f.evidence?.allocates ?? 'null'} ${f.evidence?.calls.join(',') ?? ''}`);
  assert.deepEqual(summary, ['3 escape.heap yes runtime.newobject', '4 escape.free no ', '6 escape.free no ', '7 escape.heap may runtime.convT64', '5 alloc.growslice may runtime.growslice']);
  assert.match(out[1]?.message ?? '', /constant boxed into an interface points at read-only data/);
  assert.match(out[2]?.message ?? '', /no allocator call on this line/);
  assert.match(out[4]?.message ?? '', /`append` may grow the backing array on the heap \(`runtime\.growslice`\): only when the capacity is too small/);
  // The growslice finding sits on the append call.
  assert.deepEqual([out[4]?.column, out[4]?.endColumn], [25, 38]);
});

test("join: an append never takes the line's other calls (a concatenation's); Go 1.26's growsliceBuf is its growth; without one on its line only a moveSlice of its function keeps it 'may'", () => {
  // cobra v1.10.2 doc/yaml_docs.go:132 `result = append(result, child.CommandPath()+" - "+child.Short)`
  // (go1.26.8 -S: concatstring3 and growsliceBuf at 132, moveSlice at 134).
  const call = (fn: string, line: number): AllocCall => ({ fn, file: '/m/a.go', line, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const text = 'package m\n\nfunc F(r []string, a, b string) []string {\n\tr = append(r, a+" - "+b)\n\treturn r\n}\n';
  const sources = new SourceCache(new Map([['/m/a.go', text]]));
  const append = { ...finding(decision('append', 4)), message: 'the backing array grown by this `append` is allocated on the heap: it is returned at line 5' };
  const join = (calls: AllocCall[]): Finding[] => {
    return joinEvidence([append, finding(decision('a + " - " + b', 4))], runEvidence(calls), sources);
  };
  assert.deepEqual(
    join([call('runtime.concatstring3', 4), call('runtime.growsliceBuf', 4), call('runtime.moveSlice', 5)]).map((f) => [f.kind, f.evidence?.allocates, f.evidence?.calls.join(',')]),
    [
      ['escape.heap', 'may', 'runtime.growsliceBuf'],
      ['escape.heap', 'may', 'runtime.concatstring3'],
      // Where the slice leaves the function: a hint of its own.
      ['alloc.growslice', 'may', 'runtime.moveSlice'],
    ],
  );
  // No growth call on its line: a moveSlice of the function may stand for it ...
  const moved = join([call('runtime.concatstring3', 4), call('runtime.moveSlice', 5)]);
  assert.deepEqual(moved.map((f) => [f.kind, f.evidence?.allocates, f.evidence?.calls.join(',')])[0], ['escape.heap', 'may', '']);
  assert.match(moved[0]?.message ?? '', /may be allocated on the heap \(only when the capacity is too small for the new elements\)/);
  assert.match(evidenceText(moved[0]!) ?? '', /no `runtime\.growslice` on this line/);
  // ... and without one it never grows (xxhash v2.3.0 MarshalBinary: AllocsPerRun 1, the make).
  const never = join([call('runtime.concatstring3', 4)]);
  assert.deepEqual([never[0]?.kind, never[0]?.evidence?.allocates], ['escape.free', 'no']);
  assert.match(never[0]?.message ?? '', /proved the capacity suffices/);
});

test("join: a value boxed on a line that also writes an object does not take that object's newobject", () => {
  // compress v1.17.11, x/tools: `return fmt.Errorf("bad %d", n)` (Go 1.26). The inlined
  // `&errors.errorString{...}` is the line's `runtime.newobject`; `n` is its `runtime.convT64`,
  // which does not allocate for 0 to 255 (testing.AllocsPerRun: 2 allocations for n = 5, 3 for 1000).
  const call = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const byLine = new Map([[lineKey('/m/a.go', 3), [call('runtime.convT64'), call('runtime.newobject')]]]);
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(n int) error { return fmt.Errorf("bad %d", n) }\n']]));
  const evidence: RunEvidence = { byLine, filesRead: new Set(['/m/a.go']), problems: [] };
  const n = { ...finding(decision('n', 3)), message: '`n` is allocated on the heap: it is passed to `fmt.Errorf` at line 3, which lets it escape' };
  const out = joinEvidence([finding(decision('&errors.errorString{...}', 3)), n], evidence, sources);
  assert.deepEqual(
    out.map((f) => [f.evidence?.allocates, f.evidence?.calls.join(',')]),
    [
      ['yes', 'runtime.newobject'],
      ['may', 'runtime.convT64'],
    ],
  );
  assert.match(out[1]?.message ?? '', /may be allocated on the heap \(not for an integer from 0 to 255/);
  // Without an object decision on the line, a boxed value still takes a newobject (a struct boxed through it).
  const alone = joinEvidence([finding(decision('p', 3))], { ...evidence, byLine: new Map([[lineKey('/m/a.go', 3), [call('runtime.newobject')]]]) }, sources);
  assert.deepEqual([alone[0]?.evidence?.allocates, alone[0]?.evidence?.calls.join(',')], ['yes', 'runtime.newobject']);
});

test("join: a map literal's entries never grow its map; an assignment by index may; a map that escapes is always allocated", () => {
  // gorilla/mux v1.8.1 mux_test.go:2891-2897: one mapassign per entry line, 0 allocations on each
  // (testing.AllocsPerRun); a 12-entry literal that escapes has all its allocations on its first
  // line (-memprofilerate=1: 4 objects per call at line 6, none on the entry lines).
  const text = 'package m\n\nfunc F(k string) map[string]int {\n\tm := map[string]int{\n\t\t"a": 1,\n\t\t"b": 2,\n\t}\n\tm[k] = 3\n\treturn m\n}\n';
  const call = (fn: string, line: number): AllocCall => ({ fn, file: '/m/a.go', line, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const calls = [call('runtime.makemap', 4), call('runtime.mapassign_faststr', 5), call('runtime.mapassign_faststr', 6), call('runtime.mapassign_faststr', 8)];
  const out = joinEvidence([finding(decision('map[string]int{...}', 4))], runEvidence(calls), new SourceCache(new Map([['/m/a.go', text]])));
  assert.deepEqual(
    out.map((f) => `${f.line} ${f.kind} ${f.evidence?.allocates}`),
    ['4 escape.heap yes', '8 alloc.map may'],
  );
  // A small map on the heap gets its slots at its first insert, and only then (go1.26.8,
  // -memprofilerate=1: about 200 bytes per call on the first entry's line, none on the second).
  const small = [call('runtime.makemap_small', 4), call('runtime.mapassign_faststr', 5), call('runtime.mapassign_faststr', 6)];
  const heapSmall = joinEvidence([finding(decision('map[string]int{...}', 4))], runEvidence(small), new SourceCache(new Map([['/m/a.go', text]])));
  assert.deepEqual(
    heapSmall.map((f) => `${f.line} ${f.kind} ${f.evidence?.allocates}`),
    ['4 escape.heap yes', '5 alloc.map yes'],
  );
  assert.match(heapSmall[1]?.message ?? '', /^the map's first entry allocates the map's slots on the heap/);
});

test('join: a value and its interface box, printed with one text, are two allocations each with its own call', () => {
  // viper v1.19.0 internal/encoding/ini/codec_test.go:73 `assert.Equal(t, encoded, string(b))`: the
  // bytes flow into `{storage for string(b)}` (interface-converted), which is the box.
  const flow = (to: string, reason: string): Explanation => ({
    header: 'string(b) escapes to heap in F',
    func: 'F',
    derefs: null,
    flows: [{ to, from: '&{storage for string(b)}', steps: [{ expr: 'string(b)', reason, pos: { file: '/m/a.go', line: 3, column: 9 } }] }],
    lines: [],
  });
  const data = {
    ...finding({ ...decision('string(b)', 3), explanations: [flow('{storage for string(b)}', 'interface-converted')] }),
    message: '`string(b)` is allocated on the heap: it is converted to an interface at line 3',
  };
  const box = {
    ...finding({ ...decision('string(b)', 3), explanations: [flow('{heap}', 'call parameter')] }),
    message: '`string(b)` is allocated on the heap: it is passed to `assert.Equal` at line 3, which lets it escape',
  };
  const call = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const byLine = new Map([[lineKey('/m/a.go', 3), [call('runtime.slicebytetostring'), call('runtime.convTstring')]]]);
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(b []byte) { assert.Equal(t, "x", string(b)) }\n']]));
  const out = joinEvidence([box, data], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => [f.kind, f.evidence?.calls.join(',')]),
    [
      ['escape.heap', 'runtime.convTstring'],
      ['escape.heap', 'runtime.slicebytetostring'],
    ],
  );
  assert.match(out[0]?.message ?? '', /^the copy of `string\(b\)` that an interface holds may be allocated on the heap \(not for the empty string\): it is passed to `assert\.Equal`/);
  assert.match(out[1]?.message ?? '', /^`string\(b\)` may be allocated on the heap \(not for results of 0 or 1 bytes\)/);
  // Not repeats of one decision: both are shown.
  assert.notEqual(repeatKey(out[0]!), repeatKey(out[1]!));
});

test('join: `string(r)` of a rune allocates exactly when it escapes', () => {
  // runtime/string.go intstring: a 4-byte stack buffer when the string does not escape, else 4 new
  // bytes whatever the rune (testing.AllocsPerRun, go1.26.8: 1 for 'a', 'é', '世' escaping; 0 not).
  const call = (line: number): AllocCall => ({ fn: 'runtime.intstring', file: '/m/a.go', line, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const byLine = new Map([
    [lineKey('/m/a.go', 3), [call(3)]],
    [lineKey('/m/a.go', 4), [call(4)]],
  ]);
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(r rune) { Sink = string(r) }\nfunc G(r rune) int { return len(string(r)) }\n']]));
  const escaping = { ...finding(decision('string(r)', 3)), message: '`string(r)` is allocated on the heap: it is stored in heap memory at line 3' };
  const out = joinEvidence([escaping], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  // Line 3: the decision, always allocating. Line 4 (no decision: it does not escape): nothing.
  assert.deepEqual(
    out.map((f) => [f.line, f.kind, f.evidence?.allocates]),
    [[3, 'escape.heap', 'yes']],
  );
  assert.match(out[0]?.message ?? '', /^`string\(r\)` is allocated on the heap/);
});

test('join: a finding keeps the record of where it was mapped, and its explanation steps stay unmade', () => {
  // A generic function's shape instantiation reports at line 3, its dictionary wrapper at line 9,
  // mapped where the instantiation reports: one allocation (dropRepeats), before the join and after.
  const instantiation = finding(decision('&Point{...}', 3));
  const wrapper: Finding = { ...finding(decision('&Point{...}', 3)), compiler: { line: 9, column: 9, message: '&Point{...} escapes to heap' } };
  markMappedAt(wrapper, { file: '/m/a.go', line: 3, column: 9 });
  let made = 0;
  Object.defineProperty(instantiation, 'related', { get: () => (made++, []), enumerable: true, configurable: true });
  assert.equal(dropRepeats([instantiation, wrapper]).length, 1);
  const byLine = new Map([3, 9].map((line) => [lineKey('/m/a.go', line), [{ fn: 'runtime.newobject', file: '/m/a.go', line, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] }]]));
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nvar p = &Point{}\n']]));
  const out = joinEvidence([instantiation, wrapper], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => f.evidence?.allocates),
    ['yes', 'yes'],
  );
  assert.equal(made, 0, 'the join made no explanation steps');
  assert.deepEqual(out[0]?.related, []);
  assert.equal(made, 1);
  assert.equal(dropRepeats(out).length, 1);
});

test('free reasons come from the subject the compiler prints', () => {
  assert.match(freeReason(decision('"msg"', 1)) ?? '', /constant/);
  assert.match(freeReason(decision('struct {}{}', 1)) ?? '', /zero-sized/);
  assert.match(freeReason(decision('[]int{}', 1)) ?? '', /zero-sized/);
  assert.equal(freeReason(decision('x', 1)), null);
  assert.equal(freeReason(decision('[]int{...}', 1)), null);
});

test('a heap decision whose allocator run-time values decide says "may" and on what it depends', () => {
  const call = (fn: string) => ({ fn }) as unknown as AllocCall;
  assert.equal(
    mayMessage('`p.X` is allocated on the heap: it is passed to `fmt.Sprintf` at line 22, which lets it escape', [call('runtime.convT64')]),
    '`p.X` may be allocated on the heap (not for an integer from 0 to 255 or a value with the same bits, such as a zero float or a struct holding such an integer: the runtime’s static table has them): it is passed to `fmt.Sprintf` at line 22, which lets it escape',
  );
  assert.equal(
    mayMessage('the backing array grown by this `append` is allocated on the heap: it is returned at line 31', [call('runtime.growslice')]),
    'the backing array grown by this `append` may be allocated on the heap (only when the capacity is too small for the new elements): it is returned at line 31',
  );
  // A message without the clause is left as it is.
  assert.equal(mayMessage('parameter `xs` leaks', [call('runtime.growslice')]), 'parameter `xs` leaks');
  // The value escapes, so the stack buffer the compiler passes only for results that do not escape
  // is no condition (zerolog v1.33.0 console.go:261, a `strconv.Quote` result boxed for `Fprint`).
  assert.equal(
    mayMessage('`string(b)` is allocated on the heap: it is converted to an interface at line 261', [call('runtime.slicebytetostring')]),
    '`string(b)` may be allocated on the heap (not for results of 0 or 1 bytes): it is converted to an interface at line 261',
  );
  assert.match(
    mayMessage('`a + b` is allocated on the heap: it is returned at line 3', [call('runtime.concatstring2')]),
    /\(not when the result is empty or is one of its operands, the others empty\)/,
  );
  assert.match(mayMessage('`[]byte(s)` is allocated on the heap: it is returned at line 3', [call('runtime.stringtoslicebyte')]), /\(not for an empty string\)/);
});

test('an inlined function is named as the user knows it; one of another package, which the object file names by its package only, as that package', () => {
  assert.equal(inlinedName('github.com/go-chi/chi/v5/middleware.Pattern.Match'), '`Pattern.Match`');
  assert.equal(inlinedName('example.com/p.(*T).M'), '`(*T).M`');
  // chi middleware/request_id_test.go:30: http.Header.Add inlining net/textproto's MIMEHeader.Add.
  assert.equal(inlinedName('net/textproto'), 'the `textproto` package');
  // echo: a module path's major version is not the package's name.
  assert.equal(inlinedName('github.com/labstack/echo/v4'), 'the `echo` package');
});

test('join: an allocation on a line of punctuation alone sits on the expression around it', () => {
  // chi middleware/request_id_test.go:25: the `}{` between a literal's type and its elements. (A
  // map literal's inserts there are its own and never grow it: no finding, see the test above.)
  const text = 'package m\n\nvar Sink any\n\nfunc F() {\n\ttests := []struct {\n\t\ta string\n\t}{\n\t\t{"y"},\n\t}\n\tSink = tests\n}\n';
  const byLine = new Map([[lineKey('/m/a.go', 8), [{ fn: 'runtime.newobject', file: '/m/a.go', line: 8, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] }]]]);
  const out = joinEvidence([], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, new SourceCache(new Map([['/m/a.go', text]])));
  assert.deepEqual(
    out.map((f) => [f.kind, f.line, f.column, f.endLine, f.endColumn]),
    [['alloc.object', 6, 11, 10, 3]],
  );
});

test('an empty slice literal of any element type is zero-sized: nothing is allocated', () => {
  // zap v1.27.0 array_test.go:61 `[]interface{}{}`, printed `[]interface {}{}`.
  for (const s of ['[]interface {}{}', '[]struct {}{}', '[]bool{}', '[]*pkg.T{}', '[0]int{}']) assert.match(freeReason(decision(s, 1)) ?? '', /zero-sized/, s);
  assert.equal(freeReason(decision('[]interface {}{...}', 1)), null);
});

test('a long string constant the compiler cuts short is a constant: nothing is allocated', () => {
  // zerolog array_test.go:37: `"[true,1,2,…` printed as `"[true,1,2,3,…,\"1f\",...` with no closing quote.
  assert.match(freeReason(decision('"[true,1,2,3,4,5,6,7,8,9,10,11.98122,12.987654321,\\"a\\",\\"b\\",\\"1f\\",...', 1)) ?? '', /constant/);
  assert.match(freeReason(decision('"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...', 1)) ?? '', /constant/);
  assert.equal(freeReason(decision('got', 1)), null);
});

test('make of a named map type can be carried out by a map allocator (echo context_test.go:367, make(Map) inlined from NewContext)', () => {
  assert.ok(decisionCategories(decision('make(Map)', 1)).has('map'));
  assert.ok(decisionCategories(decision('make([]byte, n)', 1)).has('slice'));
});

test('join: a moved variable whose line has no allocator call is still on the heap (Go 1.26 allocates several in one mallocgc)', () => {
  // test-fixtures/example after copy-loop-var: `total := 0` (line 47) shares the mallocgc of `mu` (line 45).
  const moved = (subject: string, line: number): Finding => ({
    ...finding(decision(subject, line)),
    kind: 'escape.moved',
    decision: { ...decision(subject, line), kind: 'escape.moved', text: `moved to heap: ${subject}` },
  });
  const byLine = new Map([[lineKey('/m/a.go', 3), [{ fn: 'runtime.mallocgc', file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] }]]]);
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nvar mu int\nvar total int\n']]));
  const out = joinEvidence([moved('mu', 3), moved('total', 4)], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => [f.kind, f.evidence?.allocates]),
    [
      ['escape.moved', 'yes'],
      ['escape.moved', 'yes'],
    ],
  );
  assert.match(evidenceText(out[1]!) ?? '', /allocated with other variables of the function in one call/);
});

test('join: a typed constant boxed next to a variable takes no call (the compiler prints `logrus.Level(3)` for `WarnLevel`)', () => {
  // logrus v1.10.2 logrus_test.go:575 `assert.Equal(t, WarnLevel, l)`: one `convT32`, for `l`;
  // the constant is boxed from static data (go1.26.8: `LEAQ ..stmp_454(SB)`, AllocsPerRun 1 for l = 300).
  const call: AllocCall = { fn: 'runtime.convT32', file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] };
  const byLine = new Map([[lineKey('/m/a.go', 3), [call]]]);
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(l Level) { use(Warn, l) }\n']]));
  const named = { ...finding(decision('logrus.Level(3)', 3)), nodeType: 'identifier' };
  const predeclared = { ...finding(decision('int64(1)', 3)), nodeType: 'call_expression' };
  const aCall = { ...finding(decision('Level(3)', 3)), nodeType: 'call_expression' };
  const variable = { ...finding(decision('l', 3)), column: 29, endColumn: 30, nodeType: 'identifier' };
  const out = joinEvidence([named, predeclared, aCall, variable], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => `${f.decision?.details.subject} ${f.kind} ${f.evidence?.calls.join(',')}`),
    // A call `Level(3)` of a function could return anything: it keeps the line's call.
    ['logrus.Level(3) escape.free ', 'int64(1) escape.free ', 'Level(3) escape.heap runtime.convT32', 'l escape.heap runtime.convT32'],
  );
  assert.equal(freeReason(decision('"{\\"obj\\":{\\"member\\":\\...', 3)), 'a constant boxed into an interface points at read-only data', 'a long string cut short inside an escape');
});

test("join: a decision inside an inlined callee takes only calls inlined through it, not another call's on the line", () => {
  // echo v4.16.5 bind_test.go:231, zerolog hlog.go:30: `context.Background()`'s zero-sized
  // `backgroundCtx{}` took the `newobject` of `strings.NewReader`'s `&Reader{...}` (go1.26.8:
  // AllocsPerRun 1 for `return context.Background(), strings.NewReader(s)`). The object file names
  // another package's inlined function by its package path only.
  const call: AllocCall = {
    fn: 'runtime.newobject',
    file: '/m/a.go',
    line: 3,
    symbol: 'm.B',
    inlinedFrom: { func: 'strings', file: '/goroot/src/strings/reader.go', line: 156 },
    inlinedVia: ['strings'],
  };
  const byLine = new Map([[lineKey('/m/a.go', 3), [call]]]);
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc B(s string) (any, any) { return context.Background(), strings.NewReader(s) }\n']]));
  const ctx = { ...finding(decision('context.backgroundCtx{}', 3)), inlinedAt: ['context.Background'] };
  const reader = { ...finding(decision('&strings.Reader{...}', 3)), column: 60, inlinedAt: ['strings.NewReader'] };
  const out = joinEvidence([ctx, reader], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => `${f.decision?.details.subject} ${f.kind} ${f.evidence?.calls.join(',')}`),
    ['context.backgroundCtx{} escape.free ', '&strings.Reader{...} escape.heap runtime.newobject'],
  );
  assert.match(out[0]!.message, /the calls on this line are in code inlined from other functions/);
  // Frames name functions of the compiled package in full, others by package path (a path whose last element is not a name may be any).
  assert.equal(frameMayBe('example.com/m.(*T).helper', '(*T).helper'), true);
  assert.equal(frameMayBe('example.com/m.other', '(*T).helper'), false);
  assert.equal(frameMayBe('github.com/labstack/echo/v4', 'echo.New'), true);
  assert.equal(frameMayBe('gopkg.in/yaml.v3', 'yaml.Marshal'), true);
  assert.equal(frameMayBe('net/http/httptest', 'context.Background'), false);
  assert.equal(frameMayBe('github.com/mattn/go-isatty', 'isatty.IsTerminal'), true);
});

test("join: the values boxed on one line share its conversion calls, one each, by where they end; a closure takes only an object's call", () => {
  // logrus v1.10.2 / gjson v1.20.4 (`fmt.Sprintf("%s", fmt.Sprintf("%d", x))`): both values took
  // convT64 and convTstring and both conditions. The inner `x` is boxed first.
  const call = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 3, symbol: 'm.C', inlinedFrom: null, inlinedVia: [] });
  const byLine = new Map([[lineKey('/m/a.go', 3), [call('runtime.convT64'), call('runtime.convTstring')]]]);
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc C(x uint64) string { return fmt.Sprintf("%s", fmt.Sprintf("%d", x)) }\n']]));
  const inner = { ...finding(decision('fmt.Sprintf("%d", x)', 3)), column: 52, endColumn: 72 };
  const x = { ...finding(decision('x', 3)), column: 70, endColumn: 71 };
  const out = joinEvidence([inner, x], { byLine, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => `${f.decision?.details.subject} ${f.evidence?.calls.join(',')}`),
    ['fmt.Sprintf("%d", x) runtime.convTstring', 'x runtime.convT64'],
  );
  assert.doesNotMatch(out[1]!.message, /empty string/);
  // A pairing that cannot be (a string given an integer's conversion) keeps the line's calls.
  const wrong = new Map([[lineKey('/m/a.go', 3), [call('runtime.convTstring'), call('runtime.convT64')]]]);
  const kept = joinEvidence([inner, x], { byLine: wrong, filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    kept.map((f) => f.evidence?.calls.length),
    [2, 2],
  );
  // zerolog v1.35.1 log.go:411: `func(msg string) { panic(msg) }` captures nothing (AllocsPerRun 0).
  const closureDecision: CompilerDecision = { ...decision('func literal', 3), kind: 'escape.closure' };
  const lone = joinEvidence(
    [{ ...finding(closureDecision), kind: 'escape.closure' }],
    { byLine: new Map([[lineKey('/m/a.go', 3), [call('runtime.convTstring')]]]), filesRead: new Set(['/m/a.go']), problems: [] },
    sources,
  );
  assert.deepEqual(
    lone.map((f) => `${f.kind} ${f.evidence?.allocates}`),
    ['escape.free no', 'alloc.convert may'],
  );
});

test('join: make of zero-sized elements calls makeslice and allocates nothing; []byte(a + b) allocates unless empty', () => {
  // go1.26.8: AllocsPerRun(make([]struct{}, n) escaping) = 0.
  const call: AllocCall = { fn: 'runtime.makeslice', file: '/m/a.go', line: 3, symbol: 'm.C', inlinedFrom: null, inlinedVia: [] };
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc C(n int) { sink = make([]struct{}, n) }\n']]));
  const out = joinEvidence([finding(decision('make([]struct {}, n)', 3))], { byLine: new Map([[lineKey('/m/a.go', 3), [call]]]), filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => `${f.kind} ${f.evidence?.allocates}`),
    ['escape.free no'],
    'no alloc.* finding for its makeslice',
  );
  // runtime/string.go concatbytes: `[]byte{}` for an empty result, a new array otherwise (echo v4.16.5 context.go:517).
  assert.equal(allocatorInfo('runtime.concatbyte2')?.escaping, 'not when the result is empty');
  assert.match(allocatorInfo('runtime.concatstring2')?.escaping ?? '', /one of its operands/);
});

test('inlinedName: closures, range-over-func loop bodies and generic instantiations in words, never the compiler’s names', () => {
  // echo v4.16.5 extractor_test.go:557, gjson v1.20.4 gjson.go:3638, logrus v1.10.2 entry.go:185.
  assert.equal(inlinedName('github.com/labstack/echo/v4/middleware.TestValuesFromForm.func2'), 'a closure in `TestValuesFromForm`');
  assert.equal(inlinedName('github.com/tidwall/gjson.Result.Path-range1'), 'the body of a loop over a function in `Result.Path`');
  assert.equal(inlinedName('maps.Copy[go.shape.map[string]interface {},go.shape.map[string]interface {}]'), '`Copy`');
  assert.equal(inlinedName('example.com/p.(*List[go.shape.*example.com/q.T]).Push'), '`(*List).Push`');
});

test("each allocation once: a generic function's shape instantiations are one finding, quoted as written", () => {
  // hashicorp/golang-lru v2.0.7 lru.go:239: `make([]V, len(c.items))` reported once per shape (`[]int`, `[]int64`, `[]…`).
  assert.equal(eraseShapes('make([]go.shape.int, n) escapes to heap', 'S'), 'make([]S, n) escapes to heap');
  assert.equal(eraseShapes('f[go.shape.map[string]interface {},go.shape.struct {}](x)', 'S'), 'f[S,S](x)');
  const copy = (shape: string): Finding => ({ ...finding(decision(`make([]go.shape.${shape}, n)`, 4)), compiler: { line: 4, column: 9, message: `make([]go.shape.${shape}, n) escapes to heap` } });
  assert.equal(dropRepeats([copy('int'), copy('int64'), copy('*uint8')]).length, 1);
  assert.equal(dropRepeats([copy('int'), { ...finding(decision('make([]int, m)', 4)), compiler: { line: 4, column: 9, message: 'make([]int, m) escapes to heap' } }]).length, 2, 'another allocation');
});

test('join: a map literal of a named type, on one line or opened on it, is not a map assignment; an escaping one takes its makemap', () => {
  // logrus v1.10.2 logrus_test.go:823 `l.WithFields(Fields{...}).Info("test")` (AllocsPerRun 0 for a
  // non-escaping `take(Fields{"a": 1, "b": 2})`), example_basic_test.go:50, formatter_bench_test.go:93.
  const text = 'package m\n\nfunc E() int { return take(Fields{"a": 1, "b": 2}) }\n\nfunc G() {\n\tlog.WithFields(Fields{\n\t\tKey: 1,\n\t})\n}\n\nfunc H() { keep(Fields{"foo": "bar"}) }\n';
  const call = (fn: string, line: number): AllocCall => ({ fn, file: '/m/a.go', line, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const calls = [
    call('runtime.mapassign_faststr', 3),
    call('runtime.mapassign_faststr', 3),
    call('runtime.mapassign_faststr', 6),
    call('runtime.mapassign_faststr', 7),
    call('runtime.makemap_small', 11),
    call('runtime.newobject', 11),
    call('runtime.mapassign_faststr', 11),
  ];
  const escaping = { ...finding(decision('Fields{...}', 11)), column: 17, endColumn: 35 };
  const out = joinEvidence([escaping], runEvidence(calls), new SourceCache(new Map([['/m/a.go', text]])));
  assert.deepEqual(
    out.map((f) => `${f.line} ${f.kind} ${f.evidence?.calls.join(',')}`),
    ['11 escape.heap runtime.makemap_small,runtime.newobject,runtime.mapassign_faststr'],
  );
});

test("a range-over-func loop body's calls are credited to its own lines, not the `for`; inlined code's alloc finding is on the call it came from", () => {
  // gjson v1.20.4 gjson.go:3638-3645: `for _, comp := range slices.Backward(comps) { … path = append(path, '.') … }`.
  const [credited] = creditCalls(
    [
      {
        target: 'runtime.growslice',
        symbol: 'github.com/tidwall/gjson.Result.Path',
        offset: 0,
        frames: [
          { file: '/m/gjson.go', line: 3644, func: 'github.com/tidwall/gjson.Result.Path-range1' },
          { file: '$GOROOT/src/slices/iter.go', line: 32, func: 'github.com/tidwall/gjson.Result.Path.Backward[go.shape.[]string,go.shape.string].func1' },
          { file: '/m/gjson.go', line: 3638, func: 'github.com/tidwall/gjson.Result.Path' },
        ],
      },
    ],
    '/goroot',
  );
  assert.deepEqual([credited?.line, credited?.inlinedFrom], [3644, null]);
  // echo v4.16.5 extractor_test.go:557: a closure's concatenation, inlined at `n: mk(p)`.
  const text = 'package m\n\nfunc F(p string) []tc {\n\treturn []tc{\n\t\t{name: "x", n: mk(p)},\n\t}\n}\n';
  const call: AllocCall = { fn: 'runtime.concatstring2', file: '/m/a.go', line: 5, symbol: 'm.F', inlinedFrom: { func: 'm.F.func1', file: '/m/a.go', line: 2 }, inlinedVia: ['m.F.func1'] };
  const out = joinEvidence([], { byLine: new Map([[lineKey('/m/a.go', 5), [call]]]), filesRead: new Set(['/m/a.go']), problems: [] }, new SourceCache(new Map([['/m/a.go', text]])));
  assert.deepEqual(
    out.map((f) => `${f.kind} ${f.line}:${f.column}-${f.endColumn}`),
    ['alloc.concat 5:18-23'],
  );
});

test('join: inside an inlined callee, an append without its growth call is removed code; more objects than allocations say may', () => {
  // zerolog v1.35.1 log_example_test.go:461 `zerolog.New(os.Stdout).With()`: `append(l.context, …)`
  // with a nil context is removed, the function has no growslice (48 findings said "may").
  const append = { ...finding(decision('append', 3)), inlinedAt: ['zerolog.Logger.With'] };
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F() { _ = zerolog.New(w).With() }\n']]));
  const none = joinEvidence([append], { byLine: new Map(), filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    none.map((f) => `${f.kind} ${f.evidence?.allocates}`),
    ['escape.free no'],
  );
  assert.match(none[0]!.message, /no `runtime\.growslice` for this inlined `append`/);
  // Not inlined: its growth may be a moveSlice on another line of its function (Go 1.26's stack buffer).
  const moveSlice: AllocCall = { fn: 'runtime.moveSlice', file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] };
  const byMove = new Map([[lineKey('/m/a.go', 3), [moveSlice]]]);
  assert.equal(joinEvidence([{ ...finding(decision('append', 3)), column: 12 }], { byLine: byMove, filesRead: new Set(['/m/a.go']), problems: [] }, sources)[0]?.evidence?.allocates, 'may');
  // shopspring/decimal v1.6.0 const.go:11 `big.NewInt(0)`: `&Int{...}` and `[]Word{...}`, one newobject (AllocsPerRun 1).
  const call: AllocCall = {
    fn: 'runtime.newobject',
    file: '/m/a.go',
    line: 3,
    symbol: 'm.F',
    inlinedFrom: { func: 'math/big', file: '/goroot/src/math/big/int.go', line: 91 },
    inlinedVia: ['math/big'],
  };
  const int = { ...finding(decision('&big.Int{...}', 3)), message: 'inside `big.NewInt`, inlined here, `&Int{...}` is allocated on the heap', inlinedAt: ['big.NewInt'] };
  const words = { ...finding(decision('[]big.Word{...}', 3)), column: 20, inlinedAt: ['big.NewInt'] };
  const out = joinEvidence([int, words], { byLine: new Map([[lineKey('/m/a.go', 3), [call]]]), filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => f.evidence?.allocates),
    ['may', 'may'],
  );
  assert.match(out[0]!.message, /may be allocated on the heap \(the compiled code has fewer allocations here/);
});

test("join: fmt.Errorf's inlined errors.New is reached only with nothing to format (Go 1.26 fmt/errors.go)", () => {
  // Masterminds/semver v3.5.0 constraints.go:586 (49 such findings): AllocsPerRun shows nothing at
  // fmt/errors.go:31 for `fmt.Errorf("bad: %v", s)`; `fmt.Errorf("bad")` allocates there.
  const text = 'package m\n\nfunc A(s string) error { return fmt.Errorf("bad: %v", s) }\nfunc B() error { return fmt.Errorf("100%") }\nfunc C() error { return fmt.Errorf("bad") }\n';
  const sources = new SourceCache(new Map([['/m/a.go', text]]));
  const calls = [3, 4, 5].map((line): AllocCall => ({
    fn: 'runtime.newobject',
    file: '/m/a.go',
    line,
    symbol: 'm.F',
    inlinedFrom: { func: 'errors', file: '/goroot/src/errors/errors.go', line: 65 },
    inlinedVia: ['errors', 'fmt'],
  }));
  const at = (line: number, column: number, endColumn: number): Finding => ({ ...finding(decision('&errors.errorString{...}', line)), column, endColumn, inlinedAt: ['fmt.Errorf', 'errors.New'] });
  const out = joinEvidence([at(3, 33, 57), at(4, 25, 43), at(5, 25, 42)], runEvidence(calls), sources);
  assert.deepEqual(
    out.map((f) => `${f.line} ${f.kind} ${f.evidence?.allocates}`),
    ['3 escape.free no', '4 escape.free no', '5 escape.heap yes'],
    'and no alloc.object is left for the unreached call',
  );
});

test('rune conversions: []rune(s) has a stack buffer of 32 runes, string(runes) always allocates when it escapes; alloc messages quote the conversion as written', () => {
  // tablewriter v1.1.5 sort.go:7 and tw/fn.go:36 (runtime/string.go stringtoslicerune, slicerunetostring).
  assert.match(allocatorInfo('runtime.stringtoslicerune')?.dependsOn ?? '', /32 runes/);
  assert.equal(allocatorInfo('runtime.slicerunetostring')?.escapingAlways, true);
  assert.match(allocatorInfo('runtime.stringtoslicebyte')?.dependsOn ?? '', /32 bytes/);
  const text = 'package m\n\nfunc F(chunk string) int { return len([]byte(chunk)) + len([]rune(chunk)) }\n';
  const call = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const one = (fn: string): string =>
    joinEvidence([], { byLine: new Map([[lineKey('/m/a.go', 3), [call(fn)]]]), filesRead: new Set(['/m/a.go']), problems: [] }, new SourceCache(new Map([['/m/a.go', text]])))[0]?.message ?? '';
  assert.match(one('runtime.stringtoslicebyte'), /^`\[\]byte\(chunk\)` copies the string/);
  assert.match(one('runtime.stringtoslicerune'), /^`\[\]rune\(chunk\)` copies the string's runes into a new slice .*32 runes/);
});

test('trial E: a module path need not end in its package name; a concatenation starting with a conversion; `s += …` ranged on the assignment', () => {
  // json-iterator v1.1.12: github.com/json-iterator/go is package jsoniter (231 findings lost to "the `go` package").
  assert.equal(frameMayBe('github.com/json-iterator/go', 'jsoniter.ParseString'), true);
  assert.equal(frameMayBe('strings', 'context.Background'), false, 'a standard-library path is its name');
  assert.equal(inlinedName('github.com/json-iterator/go'), 'the `github.com/json-iterator/go` package');
  // go-runewidth v0.0.31 runewidth_test.go:810: `string(r) + "a"` is a concatenation, not a conversion.
  assert.deepEqual([...decisionCategories(decision('string(r) + "a"', 3))], ['concat']);
  assert.deepEqual([...decisionCategories(decision('string(a + b)', 3))], ['bytes']);
  // pkg/errors v0.9.1 format_test.go:503 (trial I): a sum with a number is a number, boxed.
  assert.deepEqual([...decisionCategories(decision('n + 1', 3))], ['object', 'convert']);
  assert.deepEqual([...decisionCategories(decision('x + 1.5e3', 3))], ['object', 'convert']);
  assert.deepEqual([...decisionCategories(decision('s + "1"', 3))], ['concat']);
  assert.deepEqual([...decisionCategories(decision('a + b', 3))], ['concat']);
  // runewidth.go:726 `prefix += strings.Repeat(" ", width+chWidth-w)`.
  const text = 'package m\n\nfunc F(prefix string, a, b int) string {\n\tprefix += strings.Repeat(" ", a+b)\n\treturn prefix\n}\n';
  const call: AllocCall = { fn: 'runtime.concatstring2', file: '/m/a.go', line: 4, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] };
  const out = joinEvidence([], { byLine: new Map([[lineKey('/m/a.go', 4), [call]]]), filesRead: new Set(['/m/a.go']), problems: [] }, new SourceCache(new Map([['/m/a.go', text]])));
  assert.deepEqual(
    out.map((f) => `${f.kind} ${f.line}:${f.column}-${f.endColumn}`),
    ['alloc.concat 4:2-36'],
  );
});

test('join: a literal over many lines takes an allocation at its last element, on a line with no decision of its own; an elided element literal is mapped on itself', () => {
  // mapstructure v2.5.0 decode_hooks_test.go:1882-1973 (go1.26.8 -S: the array's newobject at 1973; AllocsPerRun 1).
  const text = 'package m\n\nvar sink []tc\n\nfunc Build() {\n\tsink = []tc{\n\t\t{"a0", 0},\n\t\t{"a1", 1},\n\t}\n}\n';
  const call: AllocCall = { fn: 'runtime.newobject', file: '/m/a.go', line: 8, symbol: 'm.Build', inlinedFrom: null, inlinedVia: [] };
  const literal = { ...finding(decision('[]tc{...}', 6)), endLine: 9, endColumn: 3 };
  const out = joinEvidence([literal], { byLine: new Map([[lineKey('/m/a.go', 8), [call]]]), filesRead: new Set(['/m/a.go']), problems: [] }, new SourceCache(new Map([['/m/a.go', text]])));
  assert.deepEqual(
    out.map((f) => `${f.line} ${f.kind} ${f.evidence?.allocates}`),
    ['6 escape.heap yes'],
    'and no alloc.object at line 8',
  );
});

test("join (trial G): an inlined callee's moved parameter is allocated by the caller at the call; []byte of a constant is a newobject", () => {
  // fatih/color v1.19.0 color.go:502 `boolPtr(true)`: the newobject has no inlined frame.
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F() { sink = boolPtr(true) }\n']]));
  const plain = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const moved = { ...finding({ ...decision('v', 3), kind: 'escape.moved' }), kind: 'escape.moved', inlinedAt: ['boolPtr'] };
  const out = joinEvidence([moved], { byLine: new Map([[lineKey('/m/a.go', 3), [plain('runtime.newobject')]]]), filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.deepEqual(
    out.map((f) => `${f.kind} ${f.evidence?.calls.join(',')}`),
    ['escape.moved runtime.newobject'],
    'and no anonymous alloc.object',
  );
  // color_test.go:644 `fmt.Sprint([]byte(msg), []byte(s))`: the constant's array is a newobject, `[]byte(s)` the stringtoslicebyte.
  assert.deepEqual([...decisionCategories(decision('([]byte)("hello, world")', 3))], ['object']);
  assert.deepEqual([...decisionCategories(decision('([]byte)(s)', 3))], ['bytes']);
});

test('a float boxed through convT64 is free only for zero (its static table holds small integers bit patterns)', () => {
  // golang-jwt/jwt v5.3.1 map_claims_test.go:117: AllocsPerRun 0 for float64(0), 1 for 1, 100 and 255.
  const call: AllocCall = { fn: 'runtime.convT64', file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] };
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(n int64) { use(float64(n)) }\n']]));
  const f = { ...finding(decision('float64(n)', 3)), message: '`float64(n)` is allocated on the heap: it is passed to `use` at line 3' };
  const out = joinEvidence([f], { byLine: new Map([[lineKey('/m/a.go', 3), [call]]]), filesRead: new Set(['/m/a.go']), problems: [] }, sources);
  assert.match(out[0]!.message, /^`float64\(n\)` may be allocated on the heap \(not for zero\)/);
  assert.match(mayMessage('`n` is allocated on the heap', [call], 'n'), /integer from 0 to 255/);
});

test("join: a value made as panic's argument is allocated only on the path that panics", () => {
  // gorilla/schema v1.4.1 converter.go:156 (reflect.Value.Float inlined): AllocsPerRun 0 for `v.Float()`
  // of a float value, and for `if bad { panic(&myErr{"x"}) }` with bad = false (go1.26.8).
  const step = (expr: string, reason: string): FlowStep => ({ expr, reason, pos: { file: '/m/a.go', line: 3, column: 9 } });
  const ex = (steps: FlowStep[]): Explanation => ({ header: '', func: 'F', derefs: null, flows: [{ to: '{heap}', from: '&{storage for &myErr{...}}', steps }], lines: [] });
  const panicked = {
    ...finding({ ...decision('&myErr{...}', 3), explanations: [ex([step('&myErr{...}', 'spill'), step('&myErr{...}', 'interface-converted'), step('panic(&myErr{...})', 'call parameter')])] }),
    message: '`&myErr{...}` is allocated on the heap: it is passed to `panic` at line 3, which lets it escape',
  };
  const call: AllocCall = { fn: 'runtime.newobject', file: '/m/a.go', line: 3, symbol: 'm.G', inlinedFrom: null, inlinedVia: [] };
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc G() { panic(&myErr{"x"}) }\n']]));
  const [out] = joinEvidence([panicked], runEvidence([call]), sources);
  assert.equal(out?.evidence?.allocates, 'may');
  assert.match(out?.message ?? '', /may be allocated on the heap \(only on the path that panics\)/);
  // Made earlier and passed to panic through a variable: allocated where it is made.
  const earlier = {
    ...panicked,
    decision: { ...decision('&myErr{...}', 3), explanations: [ex([step('&myErr{...}', 'spill'), step('err := &myErr{...}', 'assign'), step('panic(err)', 'call parameter')])] },
  };
  assert.equal(joinEvidence([earlier], runEvidence([call]), sources)[0]?.evidence?.allocates, 'yes');
});

test("join: a named literal stored by index into a map does not take that assignment's mapassign", () => {
  // gorilla/schema v1.4.1 decoder.go:96 `errors[path] = UnknownKeyError{key: path}`: the struct's box is
  // its convTstring; the mapassign is the assignment's ("only when the map is full and grows" was said of the struct).
  const call = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 3, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(errors map[string]error, path string) { errors[path] = UnknownKeyError{key: path} }\n']]));
  const literal = { ...finding(decision('UnknownKeyError{...}', 3)), column: 64, endColumn: 90, message: '`UnknownKeyError{...}` is allocated on the heap' };
  const out = joinEvidence([literal], runEvidence([call('runtime.mapassign_faststr'), call('runtime.convTstring')]), sources);
  assert.deepEqual(
    out.map((f) => `${f.kind} ${f.evidence?.calls.join(',')}`),
    ['escape.heap runtime.convTstring', 'alloc.map runtime.mapassign_faststr'],
  );
});

test('branchAround: a line on some paths through its function only (if, else, loop, case, &&, after a return), or on all', () => {
  const text = [
    'package m', // 1
    '', // 2
    'func bufApp(buf *[]byte, s string, w int, c byte) {', // 3
    '\tb := *buf', // 4
    '\tif len(b) == 0 {', // 5
    '\t\tif s[w] == c {', // 6
    '\t\t\tb = nil', // 7
    '\t\t}', // 8
    '\t\t*buf = make([]byte, len(s))', // 9
    '\t} else {', // 10
    '\t\tb = append(b, c)', // 11
    '\t}', // 12
    '\tfor i := range b {', // 13
    '\t\t_ = new(int)', // 14
    '\t}', // 15
    '\tswitch w {', // 16
    '\tcase 1:', // 17
    '\t\t_ = new(int)', // 18
    '\t}', // 19
    '\t_ = w > 0 && f(new(int))', // 20
    '\t_ = func() int { return 1 }()', // 21
    '}', // 22
    '', // 23
    'func NewNop() *T {', // 24
    '\tdefer func() { return }()', // 25
    '\treturn &T{', // 26
    '\t\tcore: nil,', // 27
    '\t}', // 28
    '}', // 29
    '', // 30
    'func Dir(root string, listing bool) *fs {', // 31
    '\tif listing {', // 32
    '\t\treturn &fs{}', // 33
    '\t}', // 34
    '\treturn &only{}', // 35
    '}', // 36
    '', // 37
  ].join('\n');
  const src = new SourceCache(new Map([['/m/a.go', text]])).get('/m/a.go')!;
  const at = (line: number): string | null => {
    const b = branchAround(src, line);
    return b === null ? null : `${branchWords(b)} @${b.line}`;
  };
  assert.equal(at(4), null, 'the first statement runs on every path');
  assert.equal(at(5), null, 'an if statement itself runs; its condition too');
  assert.equal(at(9), 'inside an `if` @5');
  assert.equal(at(11), 'inside an `if` @5', 'the else block');
  assert.equal(at(14), 'inside a loop @13');
  assert.equal(at(18), 'in a `switch` case @17');
  assert.equal(at(20), null, 'the line starts on every path; its && is within');
  assert.equal(at(26), null, "a closure's return is not its function's");
  assert.equal(at(27), null, 'inside the returned literal');
  assert.equal(at(33), 'inside an `if` @32');
  assert.equal(at(35), 'after the `return` at line 33 @33');
  assert.equal(at(99), null, 'past the end');
});

test('join: an allocation on a branch of inlined code may happen, and says on which (gin v1.10.0 path.go:97, bufApp)', () => {
  // gin v1.10.0 path.go:97 `bufApp(&buf, p, w, '/')`: bufApp's `make` (line 141) runs only when the
  // path needs cleaning and is longer than the stack buffer. The truth tier found it never allocated there.
  const text = [
    'package m',
    '',
    'func cleanPath(p string) string {',
    '\tbuf := make([]byte, 0, 128)',
    "\tbufApp(&buf, p, 1, '/')",
    '\treturn string(buf)',
    '}',
    '',
    'func bufApp(buf *[]byte, s string, w int, c byte) {',
    '\tif len(*buf) == 0 {',
    '\t\t*buf = make([]byte, len(s))',
    '\t}',
    '}',
    '',
    'func always() *T { return &T{} }',
  ].join('\n');
  const sources = new SourceCache(new Map([['/m/a.go', text]]));
  const call = (line: number, func: string): AllocCall => inlinedCall('runtime.makeslice', 5, 'm.cleanPath', [{ func: `m.${func}`, line }]);
  const made = { ...finding(decision('make([]byte, len(s))', 5)), inlinedAt: ['m.bufApp'], message: 'inside `bufApp`, inlined here, `make([]byte, len(s))` is allocated on the heap' };
  const [out] = joinEvidence([made], runEvidence([call(11, 'bufApp')]), sources);
  assert.equal(out?.evidence?.allocates, 'may');
  assert.equal(out?.message, 'inside `bufApp`, inlined here, `make([]byte, len(s))` may be allocated on the heap (only on some paths through `bufApp`: the allocation at a.go:11 is inside an `if`)');
  // makeslice always allocates: the "may" is the path's (trial I: "calls `runtime.newobject`, which may not allocate").
  assert.equal(evidenceText(out!), 'compiled code: calls `runtime.makeslice` on some paths only');
  // growslice allocates whenever it is called: the condition is the call's (trial K).
  assert.equal(
    evidenceText({ ...out!, evidence: { allocates: 'may', calls: ['runtime.growslice'] } }),
    'compiled code: calls `runtime.growslice`, only when the capacity is too small for the new elements',
  );
  assert.equal(evidenceText({ ...out!, evidence: { allocates: 'may', calls: ['runtime.convT64'] } }), 'compiled code: calls `runtime.convT64`, which may not allocate');
  // Code that runs whenever the call returns still is allocated.
  const [plain] = joinEvidence([{ ...made, inlinedAt: ['m.always'] }], runEvidence([{ ...call(15, 'always'), fn: 'runtime.newobject' }]), sources);
  assert.equal(plain?.evidence?.allocates, 'yes');
  assert.match(plain?.message ?? '', / is allocated on the heap$/);
});

test("join: another package's inlined code is read for its function around the line (line numbers of the file)", (t) => {
  // gin v1.10.0 fs.go:29 `Dir`: `&onlyFilesFS{...}` comes after the `return` at line 27.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-branch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const other = path.join(dir, 'other', 'fs.go');
  mkdirSync(path.dirname(other));
  const lines = [
    'package other',
    '',
    'var x = 1',
    '',
    'func Before() {',
    '\treturn',
    '}',
    '',
    'func Dir(root string, listing bool) FS {',
    '\tfs := Open(root)',
    '\tif listing {',
    '\t\treturn fs',
    '\t}',
    '\treturn &onlyFiles{fs}',
    '}',
    '',
  ];
  writeFileSync(other, lines.join('\n'));
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F() { use(other.Dir("x", false)) }\n']]));
  const call = inlinedCall('runtime.newobject', 3, 'm.F', [{ func: 'example.com/other.Dir', file: other, line: 14 }]);
  const made = { ...finding(decision('&onlyFiles{...}', 3)), inlinedAt: ['other.Dir'], message: 'inside `other.Dir`, inlined here, `&onlyFiles{...}` is allocated on the heap' };
  const [out] = joinEvidence([made], runEvidence([call]), sources);
  assert.equal(
    out?.message,
    'inside `other.Dir`, inlined here, `&onlyFiles{...}` may be allocated on the heap (only on some paths through `Dir`: the allocation at other/fs.go:14 is after the `return` at other/fs.go:12)',
  );
  // A line outside any function (a top-level var) is no branch.
  const [top] = joinEvidence([made], runEvidence([{ ...call, inlinedLines: [{ file: other, line: 3 }] }]), sources);
  assert.equal(top?.evidence?.allocates, 'yes');
});

test('join: a `go` statement of a call allocates its call and arguments as a closure (the compiler prints no decision for it)', () => {
  // google/btree v1.1.3 btree_generic_test.go:637 `go cloneTestG(t, b.Clone(), i+1, p, wg, trees, lock)`:
  // `GoCall.gowrap1`'s newobject and the newproc, with only an explanation block and no summary line.
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc GoCall(done chan<- int, n int) {\n\tgo send(done, n)\n}\n']]));
  const call = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 4, symbol: 'm.GoCall', inlinedFrom: null, inlinedVia: [] });
  const [out] = joinEvidence([], runEvidence([call('runtime.newobject'), call('runtime.newproc')]), sources);
  assert.equal(out?.kind, 'alloc.object');
  assert.match(out?.message ?? '', /^the `go` statement allocates its call and arguments on the heap, as a closure for the new goroutine \(`runtime\.newobject`, `runtime\.newproc`\)/);
});

test('join: of several calls inlined on a line, a decision takes those whose callee line writes its subject', () => {
  // brotli v1.3.0 decode.go:2440 `decoderHuffmanTreeGroupInit(…)` inlines makeTreesBuffer and makeCodesBuffer (trial I).
  const text = [
    'package m',
    '',
    'func Init(g *group, n, m int) { initGroup(g, n, m) }',
    '',
    'func makeTrees(g *group, n int) {',
    '\tif cap(g.trees) < n {',
    '\t\tg.trees = make([][]code, n)',
    '\t}',
    '}',
    '',
    'func makeCodes(g *group, m int) {',
    '\tif cap(g.codes) < m {',
    '\t\tg.codes = make([]code, m)',
    '\t}',
    '}',
  ].join('\n');
  const sources = new SourceCache(new Map([['/m/a.go', text]]));
  const call = (line: number, func: string): AllocCall =>
    inlinedCall('runtime.makeslice', 3, 'm.Init', [
      { func: `m.${func}`, line },
      { func: 'm.initGroup', line: 3 },
    ]);
  const made = (subject: string): Finding => ({
    ...finding(decision(subject, 3)),
    inlinedAt: ['m.initGroup', 'm.makeTrees', 'm.makeCodes'],
    message: `inside \`initGroup\`, inlined here, \`${subject}\` is allocated on the heap`,
  });
  const out = joinEvidence([made('make([][]code, n)'), made('make([]code, m)')], runEvidence([call(7, 'makeTrees'), call(13, 'makeCodes')]), sources);
  assert.deepEqual(
    out.map((f) => /through (`\w+`): the allocation at (a\.go:\d+)/.exec(f.message)?.slice(1).join(' ')),
    ['`makeTrees` a.go:7', '`makeCodes` a.go:13'],
  );
});

test('loopKeeping: the loop a value is kept past through a variable declared outside it', () => {
  const text = [
    'package m', // 1
    '', // 2
    'func F(in []string) (out []map[string]bool) {', // 3
    '\tlines := map[string]bool{}', // 4
    '\tfor _, l := range in {', // 5
    '\t\tlines = map[string]bool{l: true}', // 6
    '\t\tm := map[string]bool{}', // 7
    '\t\tfor i, k := 0, l; i < 2; i++ {', // 8
    '\t\t\tm = map[string]bool{k: true}', // 9
    '\t\t}', // 10
    '\t\tout = append(out, m)', // 11
    '\t}', // 12
    '\treturn out', // 13
    '}', // 14
  ].join('\n');
  const src = new SourceCache(new Map([['/m/a.go', text]])).get('/m/a.go')!;
  assert.equal(loopKeeping(src, 6, 11, 'lines'), 5, 'declared before the loop');
  assert.equal(loopKeeping(src, 4, 11, 'lines'), null, 'not in a loop');
  assert.equal(loopKeeping(src, 9, 8, 'm'), 8, 'declared in the outer loop, kept past the inner one');
  assert.equal(loopKeeping(src, 9, 8, 'k'), null, 'declared by the inner loop');
  assert.equal(loopKeeping(src, 11, 9, 'out'), 5, 'a named result');
});

test("join: a value boxed on a line with a closure does not take the closure's newobject", () => {
  // bits-and-blooms/bitset v1.29.0 bitset_test.go:2449 `t.Run(fmt.Sprint(i), func(t *testing.T) {…})` (trial J):
  // `i` said "is allocated" with the closure's newobject; AllocsPerRun of fmt.Sprint(3) is 0.
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(t *testing.T, i int) {\n\tt.Run(fmt.Sprint(i), func(t *testing.T) {})\n}\n']]));
  const call = (fn: string): AllocCall => ({ fn, file: '/m/a.go', line: 4, symbol: 'm.F', inlinedFrom: null, inlinedVia: [] });
  const value = { ...finding(decision('i', 4)), message: '`i` is allocated on the heap' };
  const closure = { ...finding({ ...decision('func literal', 4), kind: 'escape.closure' }), kind: 'escape.closure' };
  const out = joinEvidence([value, closure], runEvidence([call('runtime.convT64'), call('runtime.newobject')]), sources);
  assert.deepEqual(
    out.map((f) => `${f.kind} ${f.evidence?.allocates} ${f.evidence?.calls.join(',')}`),
    ['escape.heap may runtime.convT64', 'escape.closure yes runtime.newobject'],
  );
});

test('join: a value of the line does not take a call of code inlined there from another function', () => {
  // vmihailenco/msgpack v5.4.1 decode.go:341 `fmt.Errorf("… code=%x …", c)` (trial J): the byte `c`,
  // boxed from static data, took the newobject of fmt.Errorf's inlined errors.New and "is allocated".
  const sources = new SourceCache(new Map([['/m/a.go', 'package m\n\nfunc F(c byte) error {\n\treturn fmt.Errorf("code=%x", c)\n}\n']]));
  const inlined: AllocCall = {
    fn: 'runtime.newobject',
    file: '/m/a.go',
    line: 4,
    symbol: 'm.F',
    inlinedFrom: { func: 'errors.New', file: '/go/src/errors/errors.go', line: 65 },
    inlinedVia: ['errors.New', 'fmt.Errorf'],
  };
  const value = { ...finding(decision('c', 4)), message: '`c` is allocated on the heap' };
  const made = {
    ...finding(decision('&errors.errorString{...}', 4)),
    column: 9,
    endColumn: 34,
    inlinedAt: ['fmt.Errorf', 'errors.New'],
    message: 'inside `fmt.Errorf`, inlined here, `&errors.errorString{...}` is allocated on the heap',
  };
  const out = joinEvidence([made, value], runEvidence([inlined]), sources);
  assert.deepEqual(
    out.map((f) => f.kind),
    ['escape.free', 'escape.free'],
  );
});

test('join: a subject printed with constants folded is found on its callee line up to its first argument', () => {
  // oklog/ulid v2.1.2 ulid.go:579 `bufio.NewReader(entropy)`: `make([]byte, max(size, minReadBufferSize))`
  // is printed `make([]byte, max(size, 16))`, and took `new(Reader)`'s line for its branch.
  const text = [
    'package m',
    '',
    'func F(n int) *R { return newR(n) }',
    '',
    'func newR(n int) *R {',
    '\tif n < 0 {',
    '\t\treturn nil',
    '\t}',
    '\tr := new(R)',
    '\tr.buf = make([]byte, max(n, minSize))',
    '\treturn r',
    '}',
  ].join('\n');
  const sources = new SourceCache(new Map([['/m/a.go', text]]));
  const call = (fn: string, line: number): AllocCall => inlinedCall(fn, 3, 'm.F', [{ func: 'm.newR', line }]);
  const made = { ...finding(decision('make([]byte, max(n, 16))', 3)), inlinedAt: ['m.newR'], message: 'inside `newR`, inlined here, `make([]byte, max(n, 16))` is allocated on the heap' };
  const [out] = joinEvidence([made], runEvidence([call('runtime.newobject', 9), call('runtime.makeslice', 10)]), sources);
  assert.deepEqual(out?.evidence?.calls, ['runtime.makeslice']);
  assert.match(out?.message ?? '', /the allocation at a\.go:10 is after the `return` at line 7\)$/);
});
