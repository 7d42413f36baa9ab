// The "Show Compiled Code" view without go: the symbol pattern of the function under the cursor,
// the request's answers where there is nothing to show, and the document made of real
// `go tool objdump` output (test-fixtures/objdump, recorded from test-fixtures/example with Go
// 1.26.8 on linux/amd64).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allocatorInfo, creditCalls } from '../../server/src/engine/evidence';
import { objectFilesOfArchive, readObjectCalls } from '../../server/src/engine/goObject';
import {
  callSiteKey,
  compiledCodeDocument,
  enclosingFunction,
  functionTitle,
  packageNameOf,
  parseObjdump,
  symbolPattern,
  symbolPrefix,
  type CompiledCodeDocument,
} from '../../server/src/engine/compiledCode';
import { GoSourceFile } from '../../server/src/engine/sourceFile';
import type { PackageResult } from '../../server/src/engine/types';
import { compiledCodeAt } from '../../server/src/lsp/compiledCode';
import type { PackageResults, PackageState } from '../../server/src/lsp/packageRuns';
import { DEFAULT_SETTINGS, type CompiledCodeResult } from '../../server/src/protocol';

const root = path.resolve(__dirname, '../..');
const demo = readFileSync(path.join(root, 'test-fixtures/example/demo.go'), 'utf8');
const demoLines = demo.split('\n');
/** Where the recording's package was: its TEXT lines name /tmp/asmx/demo.go. */
const recordedDir = '/tmp/asmx';

function documentOf(name: string): CompiledCodeDocument {
  const output = readFileSync(path.join(root, `test-fixtures/objdump/go1.26.8-amd64-${name}.txt`), 'utf8');
  return compiledCodeDocument(parseObjdump(output), {
    title: name,
    packagePath: 'example.com/heapdemo',
    files: [path.join(recordedDir, 'demo.go'), path.join(recordedDir, 'demo_test.go')],
    sourceLine: (file, line) => (file === path.join(recordedDir, 'demo.go') ? (demoLines[line - 1] ?? null) : null),
  });
}

/** The document line a link of `doc` starts on, with the link's target. */
function linkAt(doc: CompiledCodeDocument, docLine: number): { file: string; fileLine: number; text: string } | undefined {
  const l = doc.links.find((k) => k.line === docLine);
  const lineText = doc.text.split('\n')[docLine] ?? '';
  return l && { file: l.file, fileLine: l.fileLine, text: lineText.slice(l.start, l.end) };
}

test('objdump output: functions, positions, call targets without the ABI suffix, other relocations', () => {
  const funcs = parseObjdump(readFileSync(path.join(root, 'test-fixtures/objdump/go1.26.8-amd64-Counter.txt'), 'utf8'));
  assert.deepEqual(
    funcs.map((f) => [f.symbol, f.file]),
    [
      ['example.com/heapdemo.Counter', '/tmp/asmx/demo.go'],
      ['example.com/heapdemo.Counter.func1', '/tmp/asmx/demo.go'],
    ],
  );
  const call = funcs[0]!.instructions.find((i) => i.callTarget === 'runtime.newobject');
  assert.deepEqual(call && { file: call.file, line: call.line, address: call.address, text: call.text }, { file: 'demo.go', line: 78, address: '0x888e', text: 'CALL 0x8893' });
  const lea = funcs[0]!.instructions.find((i) => i.address === '0x8887');
  assert.deepEqual(lea?.references, ['type:int']);
  assert.equal(parseObjdump('').length, 0);
});

test('the document: header, a source line above its instructions, allocator calls marked and linked to their line', () => {
  const doc = documentOf('NewPoint');
  const lines = doc.text.split('\n');
  assert.equal(lines[0], "// NewPoint (example.com/heapdemo): compiled code from the package's last compile");
  assert.equal(lines[1], '// Allocator calls: 1 (runtime.newobject at demo.go:16)');
  assert.equal(doc.allocatorCalls, 1);
  const call = lines.findIndex((l) => l.includes('CALL runtime.newobject'));
  assert.equal(lines[call], '\t0x828b\tCALL runtime.newobject  // allocates');
  assert.deepEqual(linkAt(doc, call), { file: '/tmp/asmx/demo.go', fileLine: 16, text: '0x828b' });
  // The source line heads the run of instructions the call is in, and links to it too.
  const head = call - [...lines.slice(0, call)].reverse().findIndex((l) => l.startsWith('// demo.go:')) - 1;
  assert.equal(lines[head], '// demo.go:16  p := Point{X: x, Y: y}');
  assert.deepEqual(linkAt(doc, head), { file: '/tmp/asmx/demo.go', fileLine: 16, text: 'demo.go:16' });
  // Every instruction has a link.
  assert.equal(doc.links.filter((l) => l.start === 1).length, lines.filter((l) => l.startsWith('\t0x')).length);
});

test('calls that may not allocate say on what it depends; inlined code of another package has no link', () => {
  const doc = documentOf('Join');
  const lines = doc.text.split('\n');
  const call = lines.findIndex((l) => l.includes('CALL runtime.concatstring3'));
  assert.match(lines[call]!, /\/\/ may allocate: not when the result is empty/);
  assert.equal(linkAt(doc, call)?.fileLine, 38);
  // Not an allocator: no mark.
  assert.ok(lines.some((l) => l.endsWith('CALL runtime.morestack_noctxt')));
  const inlined = lines.findIndex((l) => l.startsWith('// strings.go:'));
  assert.match(lines[inlined]!, /\(inlined from another package\)$/);
  assert.equal(linkAt(doc, inlined), undefined);
  assert.equal(linkAt(doc, inlined + 1), undefined);
});

test('a closure is listed after its function, under its own TEXT line', () => {
  const doc = documentOf('Counter');
  const lines = doc.text.split('\n');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('TEXT ')),
    ['TEXT example.com/heapdemo.Counter(SB) demo.go', 'TEXT example.com/heapdemo.Counter.func1(SB) demo.go'],
  );
  assert.equal(doc.allocatorCalls, 2);
  const c = lines.findIndex((l) => l === '// demo.go:80  c++');
  assert.ok(c > lines.indexOf('TEXT example.com/heapdemo.Counter.func1(SB) demo.go'));
});

test('the function under the cursor: functions, methods (pointer, value, generic), func literals, outside', () => {
  const src = [
    'package p',
    '',
    'var x = 1',
    'func F() func() { return func() { _ = 1 } }',
    'func (b *Buf) Write() {}',
    'func (t T) String() string { return "" }',
    'func (l *List[E]) Push(e E) {}',
    'func init() {}',
  ].join('\n');
  const root = GoSourceFile.parse(src).tree.rootNode;
  assert.equal(enclosingFunction(root, 2, 4), null);
  assert.equal(enclosingFunction(root, 0, 3), null);
  const lit = enclosingFunction(root, 3, 36);
  assert.deepEqual(lit, { name: 'F', receiver: null, line: 4 });
  const w = enclosingFunction(root, 4, 20)!;
  assert.equal(functionTitle(w), '(*Buf).Write');
  assert.equal(functionTitle(enclosingFunction(root, 5, 30)!), 'T.String');
  assert.deepEqual(enclosingFunction(root, 6, 25)?.receiver, { type: 'List', pointer: true });
  assert.equal(packageNameOf(root), 'p');

  const re = (p: string): RegExp => new RegExp(p);
  const f = re(symbolPattern('example.com/p', 'p', lit!));
  assert.ok(f.test('example.com/p.F') && f.test('example.com/p.F.func1') && f.test('example.com/p.F.func1.2') && f.test('example.com/p.F.gowrap3'));
  assert.ok(!f.test('example.com/p.FF') && !f.test('example.com/p.(*T).F') && !f.test('example.com/pp.F'));
  assert.ok(re(symbolPattern('example.com/p', 'p', w)).test('example.com/p.(*Buf).Write'));
  assert.ok(re(symbolPattern('example.com/p [example.com/p.test]', 'p', w)).test('example.com/p.(*Buf).Write'));
  assert.ok(re(symbolPattern('example.com/p', 'p', enclosingFunction(root, 5, 30)!)).test('example.com/p.T.String'));
  assert.ok(re(symbolPattern('example.com/p', 'p', enclosingFunction(root, 6, 25)!)).test('example.com/p.(*List[go.shape.int]).Push'));
  assert.ok(re(symbolPattern('example.com/p', 'p', enclosingFunction(root, 7, 13)!)).test('example.com/p.init.0'));
  // A main package's symbols are main.…; dots of the last path element are escaped in the object file.
  assert.ok(re(symbolPattern('example.com/cmd/tool', 'main', lit!)).test('main.F'));
  assert.equal(symbolPrefix('gopkg.in/yaml.v3'), 'gopkg.in/yaml%2ev3');
  assert.ok(re(symbolPattern('gopkg.in/yaml.v3', 'yaml', lit!)).test('gopkg.in/yaml%2ev3.F'));
});

test('the request says why there is no compiled code, without running go', async () => {
  const file = path.join(root, 'test-fixtures/example/demo.go');
  const inNewPoint = { line: demoLines.indexOf('func NewPoint(x, y int) *Point {') + 1, character: 2 };
  const results = (packages: PackageResult[]): PackageResults => ({
    packagePath: 'example.com/heapdemo',
    workingDir: path.dirname(file),
    output: '',
    files: [file],
    findings: [],
    raw: [],
    texts: new Map(),
    parsed: null,
    fixContexts: new Map(),
    packages,
    // Never run: every case below is decided before objdump.
    goBinary: '/nonexistent/go',
    goVersion: 'go1.26.8',
  });
  const state = (good: PackageResults | null, failed: PackageResults | null = null): PackageState => ({
    dir: path.dirname(file),
    good,
    failed,
    dirty: false,
    run: null,
    running: null,
    runId: 0,
    typingTimer: null,
  });
  const pkg: PackageResult = { importPath: 'example.com/heapdemo', dir: path.dirname(file), forTest: null, files: [file], error: null };
  const ask = (st: PackageState, position = inNewPoint, trusted = true): Promise<CompiledCodeResult> =>
    compiledCodeAt({ file, doc: undefined, position, st, settings: { ...DEFAULT_SETTINGS, trusted }, signal: new AbortController().signal });

  assert.match((await ask(state(results([pkg])), inNewPoint, false)).message ?? '', /not trusted/);
  assert.match((await ask(state(results([pkg])), { line: 0, character: 0 })).message ?? '', /not in a function/);
  assert.match((await ask(state(null))).message ?? '', /^No compiled code for NewPoint: the package has not been analysed yet\.$/);
  assert.match((await ask(state(null, results([pkg])))).message ?? '', /does not compile/);
  assert.match((await ask(state(results([{ ...pkg, files: [] }])))).message ?? '', /demo\.go was not part of the last compile/);
  assert.match((await ask(state(results([pkg])))).message ?? '', /go list wrote no compiled archive/);
  assert.match((await ask(state(results([{ ...pkg, exportFile: '/nonexistent/archive-d' }])))).message ?? '', /gone from the build cache/);
  const failed = await ask(state(results([{ ...pkg, error: 'demo.go:3:1: syntax error' }])));
  assert.equal(failed.function, 'NewPoint');
  assert.match(failed.message ?? '', /syntax error/);
});

test('an allocator call in code inlined from another package links to the call the user wrote', () => {
  // The recorded archive the objdump listing was made from, read as the evidence stage reads it.
  const recorded = path.join(root, 'test-fixtures/recorded/go1.26.8');
  const builtins = readFileSync(path.join(recorded, 'goobj-builtins.names'), 'utf8').trim().split('\n');
  const calls = objectFilesOfArchive(readFileSync(path.join(recorded, 'truth.a'))).flatMap((o) => readObjectCalls(o, { builtins, wanted: (t) => allocatorInfo(t) !== null }));
  const callSites = new Map(calls.flatMap((c) => creditCalls([c], '/goroot').map((a) => [callSiteKey(a.symbol, c.offset), a] as const)));
  const funcs = parseObjdump(readFileSync(path.join(root, 'test-fixtures/objdump/go1.26.8-amd64-truth-Builder.txt'), 'utf8'));
  const truthFile = funcs[0]!.file;
  const doc = compiledCodeDocument(funcs, { title: 'Builder', packagePath: 'example.com/truth', files: [truthFile], sourceLine: () => null, callSites });
  const lines = doc.text.split('\n');
  const call = lines.findIndex((l) => l.includes('CALL runtime.growslice'));
  assert.match(lines[call]!, /\/\/ may allocate: only when the capacity is too small for the new elements \(inlined, called at truth\.go:130\)$/);
  assert.deepEqual(linkAt(doc, call), { file: truthFile, fileLine: 130, text: lines[call]!.split('\t')[1] });
  const head = call - [...lines.slice(0, call)].reverse().findIndex((l) => l.startsWith('// ')) - 1;
  assert.equal(lines[head], '// builder.go:114 (inlined from another package)');
  assert.match(lines[1]!, /runtime\.growslice at truth\.go:130/);
  // Without the evidence the call is where objdump puts it, with no link.
  const bare = compiledCodeDocument(funcs, { title: 'Builder', packagePath: 'example.com/truth', files: [truthFile], sourceLine: () => null });
  assert.equal(linkAt(bare, call), undefined);
});

test('the header names the first eight allocator calls and counts the rest', () => {
  const instructions = Array.from({ length: 10 }, (_, i) => ({
    file: 'a.go',
    line: 10 + i,
    address: `0x${(16 * i).toString(16)}`,
    text: 'CALL 0x0',
    callTarget: 'runtime.newobject',
    callOffset: 16 * i + 1,
    references: [],
  }));
  const doc = compiledCodeDocument([{ symbol: 'example.com/p.F', file: '/w/a.go', instructions }], { title: 'F', packagePath: 'example.com/p', files: ['/w/a.go'], sourceLine: () => null });
  assert.equal(
    doc.text.split('\n')[1],
    `// Allocator calls: 10 (${instructions
      .slice(0, 8)
      .map((i) => `runtime.newobject at a.go:${i.line}`)
      .join(', ')}, 2 more)`,
  );
  assert.equal(doc.allocatorCalls, 10);
});
