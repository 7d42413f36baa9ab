// Tests of syntaxes/heapscope-asm.tmLanguage.json on the "Show Compiled Code" documents made from
// real objdump output (test-fixtures/objdump), tokenised the way VS Code does: vscode-textmate
// over the Oniguruma regex engine (vscode-oniguruma's WebAssembly build).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { INITIAL, type IGrammar } from 'vscode-textmate';
import { compiledCodeDocument, parseObjdump } from '../../server/src/engine/compiledCode';
import { loadTextMateGrammar } from '../helpers/textmate';

const root = path.resolve(__dirname, '..', '..');
let textmate: IGrammar | null = null;

before(async () => {
  textmate = await loadTextMateGrammar('heapscope-asm.tmLanguage.json');
  assert.ok(textmate, 'the grammar loads');
});

/** The scopes of the first token that covers `part` of `line`. */
function scopesOf(line: string, part: string): string[] {
  assert.ok(textmate);
  const at = line.indexOf(part);
  assert.ok(at >= 0, `"${part}" in ${line}`);
  const t = textmate.tokenizeLine(line, INITIAL).tokens.find((k) => k.startIndex <= at && k.endIndex > at);
  return t?.scopes ?? [];
}

function has(line: string, part: string, scope: string): boolean {
  return scopesOf(line, part).some((s) => s === scope || s.startsWith(scope + '.'));
}

/** Every line of the documents of the recorded listings. */
const documents = readdirSync(path.join(root, 'test-fixtures/objdump'))
  .filter((f) => f.endsWith('.txt'))
  .map((f) =>
    compiledCodeDocument(parseObjdump(readFileSync(path.join(root, 'test-fixtures/objdump', f), 'utf8')), {
      title: f,
      packagePath: 'example.com/heapdemo',
      files: ['/tmp/asmx/demo.go'],
      sourceLine: () => 'x := 1',
    }).text.split('\n'),
  );

test('allocator calls are highlighted as allocations, other calls are not', () => {
  const lines = documents.flat();
  const allocating = lines.filter((l) => /\/\/ (allocates|may allocate)/.test(l));
  assert.ok(allocating.length >= 4, 'newobject and concatstring3 calls in the recordings');
  for (const l of allocating) {
    const target = /CALL (\S+)/.exec(l)![1]!;
    assert.ok(has(l, target, 'markup.deleted'), `${target} is highlighted in: ${l}`);
    assert.ok(has(l, '// ', 'markup.deleted'), `the mark is highlighted in: ${l}`);
    assert.ok(has(l, '0x', 'constant.numeric.address'), l);
  }
  const other = lines.find((l) => l.endsWith('CALL runtime.morestack_noctxt'));
  assert.ok(other);
  assert.ok(!has(other, 'runtime.morestack_noctxt', 'markup.deleted'), 'morestack is no allocation');
  assert.ok(has(other, 'CALL', 'keyword.other.mnemonic'));
});

test('every line of the recorded documents gets a scope of its kind', () => {
  for (const l of documents.flat()) {
    if (l === '') continue;
    if (l.startsWith('TEXT ')) {
      assert.ok(has(l, 'example.com/', 'entity.name.function'), l);
      assert.ok(has(l, l.split(' ').pop()!, 'entity.name.filename'), l);
    } else if (/^\/\/ \S+\.go:\d+/.test(l)) {
      assert.ok(has(l, '.go', 'entity.name.filename'), l);
      assert.ok(has(l, ':', 'punctuation.separator.position'), l);
    } else if (l.startsWith('//')) {
      assert.ok(has(l, '//', 'comment.line.double-slash'), l);
    } else {
      assert.match(l, /^\t0x[0-9a-f]+\t[A-Z]/, 'an instruction');
      assert.ok(has(l, '0x', 'constant.numeric.address'), l);
      assert.ok(has(l, l.split('\t')[2]!.split(' ')[0]!, 'keyword'), l);
    }
  }
});

test('a generic instantiation with spaces in its shape is one function name', () => {
  const l = 'TEXT example.com/p.F[go.shape.struct { X int }](SB) p.go';
  assert.ok(has(l, 'struct { X', 'entity.name.function'), l);
  assert.ok(has(l, 'p.go', 'entity.name.filename'), l);
});
