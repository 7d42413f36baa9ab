// Unit tests of the fixes (no Go toolchain): which fixes are offered where, language-version
// rules, edit application, and the evidence-first severities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GoSourceFile } from '../../server/src/engine/sourceFile';
import { allFixes, kindInfo } from '../../server/src/engine/kinds';
import type { CompilerDecision, Finding } from '../../server/src/engine/types';
import { nonEscapingParams } from '../../server/src/fixes/callees';
import fc from 'fast-check';
import { LineIndex } from '../../server/src/engine/positions';
import { applyEdits, EditError, editsConflict, editsOverlap, findFixes } from '../../server/src/fixes/index';
import { chooseFixAll, fixesWorkspaceEdit } from '../../server/src/lsp/codeActions';
import { constraintGoVersion, fileLanguageVersion } from '../../server/src/fixes/languageVersion';
import { joinFindings } from '../../server/src/profile/join';
import type { MappedLine, MappedProfile } from '../../server/src/profile/mapping';

const FIXTURES = path.resolve(__dirname, '../../test-fixtures/fixes');

function fixesIn(text: string, module: string | null, opts: { loopvar?: boolean; findings?: Finding[]; upper?: boolean } = {}): Finding[] {
  return findFixes({
    file: '/x/a.go',
    source: GoSourceFile.parse(text),
    findings: opts.findings ?? [],
    goVersion: { module, goexperimentLoopvar: opts.loopvar ?? false },
    allowUpperBound: opts.upper,
  });
}

for (const mod of ['go121', 'go122']) {
  const dir = path.join(FIXTURES, mod);
  const goLine = /^go (\S+)$/m.exec(readFileSync(path.join(dir, 'go.mod'), 'utf8'))?.[1] ?? null;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'))) {
    test(`${mod}/${name}: fixes offered exactly at the // want markers`, () => {
      const text = readFileSync(path.join(dir, name), 'utf8');
      const want = text.split('\n').flatMap((l, i) => {
        const ids = /\/\/ want: ([\w\- ]+)$/.exec(l)?.[1];
        return ids !== undefined
          ? ids
              .trim()
              .split(/\s+/)
              .map((id) => `${i + 1} ${id}`)
          : [];
      });
      const got = fixesIn(text, goLine).flatMap((f) => f.fixes.map((x) => `${f.line} ${x.id}`));
      assert.deepEqual(got.sort(), want.sort());
    });
  }
}

const CAPTURE = `package p

func F(n int) []func() int {
	fs := make([]func() int, 0, n)
	for i := 0; i < n; i++ {
		fs = append(fs, func() int { return i })
	}
	return fs
}
`;

test('copy-loop-var follows the language version: go.mod line, //go:build override (floor go1.21), GOEXPERIMENT', () => {
  assert.equal(fixesIn(CAPTURE, '1.21').length, 1);
  assert.equal(fixesIn(CAPTURE, '1.22').length, 0);
  assert.equal(fixesIn(CAPTURE, null).length, 0, 'unknown version: never offered');
  assert.equal(fixesIn(CAPTURE, '1.21', { loopvar: true }).length, 0);
  assert.equal(fixesIn(`//go:build go1.22\n\n${CAPTURE}`, '1.21').length, 0);
  assert.equal(fixesIn(`//go:build go1.21 && linux\n\n${CAPTURE}`, '1.22').length, 1);
  assert.equal(fixesIn(`//go:build go1.18\n\n${CAPTURE}`, '1.22').length, 1, 'downgrade stops at go1.21, still old semantics');
  assert.deepEqual(constraintGoVersion('go1.21 || go1.22'), [1, 21]);
  assert.equal(constraintGoVersion('!go1.22'), null);
  assert.deepEqual(fileLanguageVersion('//go:build go1.19\n\npackage p\n', { module: '1.23', goexperimentLoopvar: false }).version, [1, 21]);
});

test('copy-loop-var edit inserts gofmt-indented copies as the first statement', () => {
  const [f] = fixesIn(CAPTURE, '1.21');
  assert.ok(f);
  assert.equal(f.kind, 'loopvar.capture');
  assert.equal(f.severity, 'warning');
  const [fix] = f.fixes;
  assert.ok(fix);
  const out = applyEdits(CAPTURE, fix.edits);
  assert.match(out, /for i := 0; i < n; i\+\+ \{\n\t\ti := i\n\t\tfs = append/);
});

/** A compiler decision at a position of /x/a.go, as the fix stage receives it. */
function decision(kind: 'noescape' | 'escape.closure', line: number, column: number, subject: string): CompilerDecision {
  const text = kind === 'noescape' ? `${subject} does not escape` : `${subject} escapes to heap`;
  return { kind, pos: { file: '/x/a.go', line, column }, text, details: { subject }, explanations: [], packagePath: 'p' };
}

test('copy-loop-var with compiler evidence: a passed-on closure is a "may" hint unless the compiler says it does not escape', () => {
  const text = `package p

func apply(f func()) { f() }

func G(xs []int) {
	for _, x := range xs {
		apply(func() { _ = x })
	}
}
`;
  const input = (decisions: CompilerDecision[], params?: ReturnType<typeof nonEscapingParams>) =>
    findFixes({ file: '/x/a.go', source: GoSourceFile.parse(text), findings: [], decisions, nonEscapingParams: params, goVersion: { module: '1.21', goexperimentLoopvar: false } });
  const [hint] = input([]);
  assert.ok(hint, 'without compiler output: a hint');
  assert.equal(hint.severity, 'hint');
  assert.match(hint.message, /^A closure passed to apply captures loop variable `x`.*may see a later iteration's value if apply keeps it past the iteration$/);
  assert.equal(hint.fixes[0]?.uncertain, true);
  assert.equal(input([decision('escape.closure', 7, 9, 'func literal')])[0]?.severity, 'hint', 'escapes: still only a hint');
  assert.deepEqual(input([decision('noescape', 7, 9, 'func literal')]), [], '"func literal does not escape" at the literal');
  // apply inlined: nothing at the literal, but its parameter does not escape.
  const source = GoSourceFile.parse(text);
  assert.deepEqual(input([], nonEscapingParams([{ source, decisions: [decision('noescape', 3, 12, 'f')] }])), []);
  assert.equal(input([], nonEscapingParams([{ source, decisions: [] }])).length, 1);
});

test('fix-all leaves the fix of a "may" hint, as heapscope fix does without --include-uncertain', () => {
  const edit = (line: number) => ({ file: '/x/a.go', line, column: 1, endLine: line, endColumn: 1, newText: 'x' });
  const fixes = { sure: [{ id: 'copy-loop-var', title: 't', edits: [edit(1)] }], may: [{ id: 'copy-loop-var', title: 't', edits: [edit(2)], uncertain: true }] };
  assert.deepEqual(
    chooseFixAll(['sure', 'may'], (k) => fixes[k as keyof typeof fixes]),
    fixes.sure,
  );
});

test('copy-loop-var: nested closures follow the closure around them; go, defer in the loop body and outer stores are warnings', () => {
  const cases: Array<[string, string | null]> = [
    ['go func() { use(x) }()', 'warning'],
    ['defer func() { use(x) }()', 'warning'],
    ['func() { defer func() { use(x) }() }()', null],
    ['func() { go func() { use(x) }() }()', 'warning'],
    ['sink = append(sink, func() { use(x) })', 'warning'],
    ['ch <- func() { use(x) }', 'warning'],
    ['t.Run("", func(t *testing.T) { defer func() { use(x) }() })', null],
    ['t.Run("", func(t *testing.T) { t.Parallel(); use(x) })', 'warning'],
    ['b.RunParallel(func(pb *testing.PB) { use(x) })', null],
    ['t.Run("", func(t *testing.T) { sink = append(sink, func() { use(x) }) })', 'warning'],
    ['f := func() { use(x) }; f()', 'hint'],
  ];
  for (const [stmt, want] of cases) {
    const text = `package p

import "testing"

var sink []func()

func use(int) {}

func G(t *testing.T, b *testing.B, ch chan func(), xs []int) {
	for _, x := range xs {
		${stmt}
	}
}
`;
    const got = fixesIn(text, '1.21');
    assert.deepEqual(
      got.map((f) => f.severity),
      want ? [want] : [],
      stmt,
    );
  }
});

test('prealloc-slice keeps nil-ness: var s []T gets a guarded make before the loop', () => {
  const text = `package p

func Sq(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
`;
  const [f] = fixesIn(text, '1.21');
  assert.ok(f);
  assert.equal(f.severity, 'hint');
  const [fix] = f.fixes;
  assert.ok(fix);
  assert.equal(applyEdits(text, fix.edits), text.replace('\tfor _, x', '\tif len(xs) > 0 {\n\t\tout = make([]int, 0, len(xs))\n\t}\n\tfor _, x'));
  // Conditional append: only with the upper-bound setting, and never for a nil slice.
  const cond = text.replace('out = append(out, x*x)', 'if x > 0 {\n\t\t\tout = append(out, x*x)\n\t\t}');
  assert.equal(fixesIn(cond, '1.21').length, 0);
  assert.equal(fixesIn(cond, '1.21', { upper: true }).length, 0);
  const condEmpty = cond.replace('var out []int', 'out := []int{}');
  assert.equal(fixesIn(condEmpty, '1.21').length, 0);
  assert.equal(fixesIn(condEmpty, '1.21', { upper: true }).length, 1);
});

test('a profile cost on the same line promotes prealloc hints (≥5% warning, ≥1% information)', () => {
  // Fixes are found before a profile is joined (check, fix and the server alike): the promotion is joinFindings'.
  const text = `package p

func Sq(xs []int) []int {
	out := []int{}
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}
`;
  const found = fixesIn(text, '1.21');
  assert.equal(found[0]?.severity, 'hint', 'a hint without a profile');
  const withShare = (share: number): Finding[] => {
    const cost = { bytes: share * 1000, objects: share * 1000 };
    const line: MappedLine = {
      file: '/x/a.go',
      line: 6,
      column: 3,
      endColumn: 23,
      function: 'p.Sq',
      profileFile: 'a.go',
      packagePath: 'p',
      flat: cost,
      cum: cost,
      inlined: { bytes: 0, objects: 0 },
      paths: [],
    };
    const allocations = [{ ...cost, frames: [{ function: 'p.Sq', file: '/x/a.go', line: 6, placed: true }] }];
    const profile: MappedProfile = { sampleType: 'alloc_space', total: { bytes: 1000, objects: 1000 }, mapped: cost, unmapped: [], lines: [line], allocations };
    return joinFindings(found, profile);
  };
  assert.equal(withShare(0.2)[0]?.severity, 'warning');
  assert.equal(withShare(0.02)[0]?.severity, 'information');
  assert.equal(withShare(0.001)[0]?.severity, 'hint');
});

test('applyEdits validates: overlapping and out-of-range edits throw, identical duplicates apply once', () => {
  const e = (line: number, column: number, endLine: number, endColumn: number, newText: string) => ({ file: 'f', line, column, endLine, endColumn, newText });
  assert.equal(applyEdits('héllo\nworld\n', [e(1, 4, 1, 6, 'LL'), e(2, 1, 2, 1, '>')]), 'héLLo\n>world\n');
  assert.throws(() => applyEdits('hello\n', [e(1, 1, 1, 4, 'a'), e(1, 3, 1, 5, 'b')]), EditError);
  assert.throws(() => applyEdits('hello\n', [e(1, 9, 1, 9, 'a')]), EditError);
  assert.throws(() => applyEdits('hello\n', [e(7, 1, 7, 1, 'a')]), EditError);
  assert.equal(applyEdits('ab', [e(1, 2, 1, 2, 'X'), e(1, 2, 1, 2, 'X')]), 'aXb');
});

test('editsOverlap: fix-all, the workspace edit and applyEdits refuse the same pairs of edits', () => {
  const text = 'abc\ndef\n';
  const lines = new LineIndex(text);
  // Every valid position of the text, in order: (1,1)…(1,4), (2,1)…(2,4), (3,1).
  const positions: Array<[line: number, column: number]> = [
    [1, 1],
    [1, 2],
    [1, 3],
    [1, 4],
    [2, 1],
    [2, 2],
    [2, 3],
    [2, 4],
    [3, 1],
  ];
  const position = (k: number): [line: number, column: number] => {
    const p = positions[k];
    assert.ok(p, `position ${k}`);
    return p;
  };
  const e = (line: number, column: number, endLine: number, endColumn: number, newText: string) => ({ file: '/x/a.go', line, column, endLine, endColumn, newText });
  const edit = fc.tuple(fc.nat(positions.length - 1), fc.nat(positions.length - 1), fc.constantFrom('', 'X')).map(([i, j, newText]) => {
    const [line, column] = position(Math.min(i, j));
    const [endLine, endColumn] = position(Math.max(i, j));
    return e(line, column, endLine, endColumn, newText);
  });
  fc.assert(
    fc.property(edit, edit, (x, y) => {
      let applies = true;
      try {
        applyEdits(text, [x, y]);
      } catch (e) {
        assert.ok(e instanceof EditError);
        applies = false;
      }
      assert.equal(editsOverlap(x, y), !applies);
      assert.equal(editsOverlap(y, x), !applies);
      assert.equal(editsConflict([x], [y]), !applies);
      const fixes = [
        { id: 'a', title: 'a', edits: [x] },
        { id: 'b', title: 'b', edits: [y] },
      ];
      assert.equal(fixesWorkspaceEdit(fixes, () => lines) === null, !applies);
      assert.equal(chooseFixAll(['a', 'b'], (key) => fixes.filter((f) => f.id === key)).length, applies ? 2 : 1);
    }),
    {
      numRuns: 500,
      // Two insertions at one point, the same one twice, touching edits, a deletion around an insertion.
      examples: [
        [e(2, 2, 2, 2, 'X'), e(2, 2, 2, 2, '')],
        [e(2, 2, 2, 2, 'X'), e(2, 2, 2, 2, 'X')],
        [e(1, 1, 1, 3, ''), e(1, 3, 2, 1, 'X')],
        [e(1, 2, 2, 2, ''), e(1, 4, 1, 4, 'X')],
      ],
    },
  );
  // Edits of different files never overlap.
  assert.equal(editsOverlap(e(1, 1, 1, 3, ''), { ...e(1, 1, 1, 3, ''), file: '/x/b.go' }), false);
});

test('the fix table and kinds: ids in apply order, each fix listed by its kind, severity and correctness from the kind', () => {
  assert.deepEqual(
    allFixes().map((f) => f.id),
    ['copy-loop-var', 'prealloc-slice', 'prealloc-map', 'sprintf-itoa'],
  );
  for (const f of allFixes()) {
    const kind = kindInfo(f.kind);
    assert.equal(kind.id, f.kind);
    assert.deepEqual(kind.fixes, [f.id]);
    assert.equal(f.defaultSeverity, kind.defaultSeverity);
    assert.equal(f.correctness, kind.correctness);
  }
  assert.equal(allFixes().find((f) => f.id === 'copy-loop-var')?.correctness, true);
  assert.equal(allFixes().find((f) => f.id === 'copy-loop-var')?.defaultSeverity, 'warning');
});

/** The ids and edited texts of the fixes offered in `text`. */
function fixedTexts(text: string, opts: { packageNames?: string[]; upper?: boolean } = {}): Array<{ id: string; text: string }> {
  const found = findFixes({
    file: '/x/a.go',
    source: GoSourceFile.parse(text),
    findings: [],
    goVersion: { module: '1.22', goexperimentLoopvar: false },
    allowUpperBound: opts.upper,
    packageNames: opts.packageNames ? new Set(opts.packageNames) : undefined,
  });
  return found.flatMap((f) => f.fixes.map((x) => ({ id: x.id, text: applyEdits(text, x.edits) })));
}

test('prealloc capacity safety: an arbitrary count is reserved only when the loop runs to its end (#14.1)', () => {
  // The case: n = 1<<40 and f panics at i == 2 (recovered by the caller). Reserving n up
  // front made the program die out of memory; the original allocated a few elements.
  const repeat = `package p

func Repeat(n int, f func(int) int) []int {
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, f(i))
	}
	return out
}
`;
  assert.deepEqual(fixedTexts(repeat), []);
  assert.deepEqual(fixedTexts(repeat.replace('for i := 0; i < n; i++ {', 'for i := range n {')), []);
  // Nothing in the body can panic and nothing else is in it: the original grows to n anyway.
  assert.equal(fixedTexts(repeat.replace('f(i)', 'i*2')).length, 1);
  assert.deepEqual(fixedTexts(repeat.replace('f(i)', 'i/2')), [], 'division can panic');
  assert.deepEqual(fixedTexts(repeat.replace('out = append(out, f(i))', 'g()\n\t\tout = append(out, i)').replace('f func(int) int', 'g func()')), [], 'another statement can panic');
  // The length of something that exists bounds the capacity, whatever the body does.
  const ranged = repeat.replace('n int, f', 'xs []string, f').replace('for i := 0; i < n; i++ {', 'for i := range xs {');
  assert.equal(fixedTexts(ranged).length, 1);
  assert.equal(fixedTexts(repeat.replace('n int, f', 'xs []string, f').replace('i < n', 'i < len(xs)')).length, 1);
  // Except where the elements take no memory: a []struct{} of length 1<<40 costs nothing.
  assert.deepEqual(fixedTexts(ranged.replace('xs []string', 'xs []struct{}')), []);
  // A small constant is bounded; a large one is not.
  assert.equal(fixedTexts(repeat.replace('i < n', 'i < 16')).length, 1);
  assert.deepEqual(fixedTexts(repeat.replace('i < n', 'i < 1099511627776')), []);
  // Maps: a key of a basic type hashes without panicking; an interface key may not.
  const mapN = `package p

func Index(n int) map[int]int {
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return m
}
`;
  assert.deepEqual(fixedTexts(mapN), [], 'the count may be negative: in place it would panic, a second make adds an allocation');
  const mapU = mapN.replace('n int', 'n uint').replace('i := 0', 'i := uint(0)');
  assert.deepEqual(fixedTexts(mapU), [], 'not a counted loop the syntax knows (i starts as a conversion)');
});

test('prealloc uses only the builtin len and make, never a shadowing declaration (#14.2)', () => {
  const text = `package p

func Sq(xs []int) []int {
	out := []int{}
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
`;
  assert.equal(fixedTexts(text).length, 1);
  const local = text.replace('\tout := []int{}', '\tlen := func([]int) int { return 1 << 40 }\n\t_ = len\n\tout := []int{}');
  assert.deepEqual(fixedTexts(local), [], 'a local len');
  assert.deepEqual(fixedTexts(text.replace('func Sq(xs []int) []int', 'func Sq(xs []int, make func()) []int')), [], 'a parameter called make');
  assert.deepEqual(fixedTexts(text.replace('func Sq(xs []int) []int', 'func Sq(xs []int) (out2 []int, len int)')), [], 'a named result called len');
  assert.deepEqual(fixedTexts(`${text}\nfunc len(xs []int) int { return 1 << 40 }\n`), [], 'a package-level func len in this file');
  assert.deepEqual(fixedTexts(text, { packageNames: ['len'] }), [], 'a package-level len in another file of the package');
  assert.deepEqual(fixedTexts(text, { packageNames: ['make'] }), [], 'a package-level make in another file of the package');
  assert.equal(fixedTexts(text, { packageNames: ['other'] }).length, 1);
});

test('sprintf-itoa refuses a package-level strconv in another file of the package (#14.3)', () => {
  const text = `package p

import "fmt"

func L(n int) string {
	return fmt.Sprintf("%d", n)
}
`;
  assert.equal(fixedTexts(text).length, 1);
  assert.deepEqual(fixedTexts(text, { packageNames: ['strconv'] }), []);
});

test('prealloc never adds an allocation: in place with statements between, no second make for a map (#13.3)', () => {
  const mapBetween = `package p

func Index(xs []string) map[string]int {
	m := make(map[string]int)
	println("between")
	for i, x := range xs {
		m[x] = i
	}
	return m
}
`;
  const [fixed] = fixedTexts(mapBetween);
  assert.equal(fixed?.text, mapBetween.replace('make(map[string]int)', 'make(map[string]int, len(xs))'));
  assert.deepEqual(
    fixedTexts(mapBetween.replace('map[string]int)\n', 'map[string]int{}\n').replace('make(map[string]int{}', 'map[string]int{}').replace('\tprintln("between")', '\txs = xs[1:]')),
    [],
    'xs changes between the declaration and the loop: len(xs) there would be another count',
  );
  const literal = mapBetween.replace('make(map[string]int)\n', 'map[string]int{}\n');
  assert.equal(fixedTexts(literal)[0]?.text, mapBetween.replace('make(map[string]int)', 'make(map[string]int, len(xs))'));
  // A map ranged over can change between the declaration and the loop: no in-place count, and a
  // second make would be a second allocation.
  const overMap = mapBetween.replace('xs []string', 'xs map[string]int').replace('m[x] = i', 'm[i] = x');
  assert.deepEqual(fixedTexts(overMap), []);
  // xs declared after the declaration: len(xs) cannot go there, and a map gets no second make.
  const later = mapBetween.replace('func Index(xs []string)', 'func Index(ys []string)').replace('\tprintln("between")', '\txs := ys[1:]');
  assert.deepEqual(fixedTexts(later), []);
  // A slice: in place when the count is known at the declaration.
  const slice = `package p

func Sq(xs []int) []int {
	out := []int{}
	println("between")
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
`;
  assert.equal(fixedTexts(slice)[0]?.text, slice.replace('out := []int{}', 'out := make([]int, 0, len(xs))'));
});

test('prealloc-slice: a closure declared between a nil slice and its loop (a deferred recover) blocks the guard', () => {
  // Between the guard and the first append the slice is non-nil and empty; a panic there is seen.
  const text = `package p

func Sq(xs []int, f func(int) int) (res []int) {
	var out []int
	defer func() {
		if recover() != nil {
			res = out
		}
	}()
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
`;
  assert.deepEqual(fixedTexts(text), []);
  assert.equal(fixedTexts(text.replace('res = out', 'res = nil')).length, 1);
});
