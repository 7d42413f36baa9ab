// Tests of syntaxes/go-compiler-output.tmLanguage.json against real -m=2 output of Go 1.21–1.26
// (test-fixtures/recorded).
//
// vscode-textmate and vscode-oniguruma (what VS Code tokenises with) are not installed here, so a
// small tokeniser below follows vscode-textmate's rules for the subset of TextMate this grammar
// uses: `match`, `begin`/`end` on one line, `captures`/`beginCaptures` with nested `patterns`,
// `include` of `#repository` entries; at each position the leftmost match wins and ties go to
// the end pattern, then to the earlier rule; captures with patterns are re-tokenised within the
// capture, where `$` matches at the capture's end and `\G` never matches.
// Regexes run as JavaScript RegExps. Oniguruma and JS agree on everything the grammar uses
// (groups, classes, lazy quantifiers, `\s \S \d \b`, `^ $` on one line); `\G` — "where the last
// match ended", Oniguruma only — is supported only as a leading anchor and mapped to a sticky
// (`y`) search at that position. The structural test rejects Oniguruma-only syntax (`\h`, `\A`,
// `\z`, `(?>…)`, possessive quantifiers, inline flags, `\p{…}`, `\x{…}`) so the two engines
// cannot silently diverge. A test with the real tokeniser needs `vscode-textmate` and
// `vscode-oniguruma` as devDependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyDecision } from '../../server/src/engine/compilerOutput';

interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  contentName?: string;
  captures?: Record<string, Rule>;
  beginCaptures?: Record<string, Rule>;
  endCaptures?: Record<string, Rule>;
  patterns?: Rule[];
  comment?: string;
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const root = path.resolve(__dirname, '..', '..');
const grammar = JSON.parse(readFileSync(path.join(root, 'syntaxes/go-compiler-output.tmLanguage.json'), 'utf8')) as Grammar;
const SUFFIX = '.go-compiler-output';

// ---------- a small vscode-textmate-like tokeniser ----------

interface Compiled {
  re: RegExp;
  anchored: boolean;
}
const compiledCache = new Map<string, Compiled>();

const ONIGURUMA_ONLY: [RegExp, string][] = [
  [/\\[hHAzZK]/, 'Oniguruma-only escape'],
  [/\(\?>/, 'atomic group'],
  [/(?<!\\)[*+?}]\+/, 'possessive quantifier'],
  [/\(\?[imx-]+\)/, 'inline flags'],
  [/\(\?[imx-]+:/, 'scoped flags'],
  [/\\p\{/, 'Unicode property (needs the u flag in JS)'],
  [/\\x\{/, 'braced hex escape'],
];

function compile(src: string): Compiled {
  const hit = compiledCache.get(src);
  if (hit) return hit;
  for (const [re, what] of ONIGURUMA_ONLY) if (re.test(src)) throw new Error(`${what} in ${src}`);
  const anchored = src.startsWith('\\G');
  const body = anchored ? src.slice(2) : src;
  if (body.includes('\\G')) throw new Error(`\\G is only supported as a leading anchor: ${src}`);
  const c = { re: new RegExp(body, anchored ? 'dy' : 'dg'), anchored };
  compiledCache.set(src, c);
  return c;
}

function exec(src: string, text: string, pos: number, anchor: number): RegExpExecArray | null {
  const { re, anchored } = compile(src);
  if (anchored && pos !== anchor) return null;
  re.lastIndex = pos;
  return re.exec(text);
}

/** The match/begin rules a pattern list stands for, with includes resolved (external grammars are skipped). */
function flatten(patterns: readonly Rule[], out: Rule[] = []): Rule[] {
  for (const p of patterns) {
    if (p.include !== undefined) {
      if (p.include === '$self') flatten(grammar.patterns, out);
      else if (p.include.startsWith('#')) {
        const r = grammar.repository[p.include.slice(1)];
        if (!r) throw new Error(`unknown include ${p.include}`);
        flatten([r], out);
      }
      // Other grammars (source.go) are not available here.
    } else if (p.match !== undefined || p.begin !== undefined) out.push(p);
    else if (p.patterns) flatten(p.patterns, out);
  }
  return out;
}

type Painter = (from: number, to: number, scopes: readonly string[]) => void;

function withName(scopes: readonly string[], name: string | undefined): string[] {
  return name ? [...scopes, ...name.split(' ')] : [...scopes];
}

function applyCaptures(m: RegExpExecArray, captures: Record<string, Rule> | undefined, scopes: readonly string[], text: string, paint: Painter): void {
  if (!captures || !m.indices) return;
  const painted: { start: number; end: number; scopes: string[] }[] = [];
  for (let i = 0; i < m.indices.length; i++) {
    const c = captures[String(i)];
    const span = m.indices[i];
    if (!c || !span || span[0] === span[1]) continue;
    const [start, end] = span;
    // A capture inside an earlier (enclosing) capture inherits that capture's scopes.
    const outer = painted.filter((p) => p.start <= start && end <= p.end).pop();
    const capScopes = withName(outer ? outer.scopes : scopes, c.name);
    paint(start, end, capScopes);
    painted.push({ start, end, scopes: capScopes });
    if (c.patterns) scan(text.slice(0, end), start, c.patterns, capScopes, -1, undefined, paint);
  }
}

/** Tokenises text[pos..] with the patterns; returns where the region ends (after `end`, or the text's end). */
function scan(text: string, pos: number, patterns: readonly Rule[], scopes: readonly string[], anchor: number, end: string | undefined, paint: Painter): number {
  const rules = flatten(patterns);
  for (;;) {
    let best: { m: RegExpExecArray; rule: Rule | null } | null = null;
    if (end !== undefined) {
      const m = exec(end, text, pos, anchor);
      if (m) best = { m, rule: null };
    }
    if (pos < text.length || end === undefined) {
      for (const rule of rules) {
        const m = exec((rule.match ?? rule.begin) as string, text, pos, anchor);
        if (m && (best === null || m.index < best.m.index)) best = { m, rule };
      }
    }
    if (best === null) {
      paint(pos, text.length, scopes);
      return text.length;
    }
    const { m, rule } = best;
    const mEnd = m.index + m[0].length;
    paint(pos, m.index, scopes);
    if (rule === null) return mEnd;
    const ruleScopes = withName(scopes, rule.name);
    paint(m.index, mEnd, ruleScopes);
    if (rule.match !== undefined) {
      applyCaptures(m, rule.captures, ruleScopes, text, paint);
      if (mEnd === pos) {
        if (pos >= text.length) return text.length;
        paint(pos, pos + 1, scopes);
        pos++;
      } else pos = mEnd;
    } else {
      applyCaptures(m, rule.beginCaptures ?? rule.captures, ruleScopes, text, paint);
      const inner = withName(ruleScopes, rule.contentName);
      const after = scan(text, mEnd, rule.patterns ?? [], inner, mEnd, rule.end, paint);
      pos = after;
    }
    if (pos >= text.length && end === undefined) return text.length;
  }
}

interface Token {
  text: string;
  scopes: string[];
}

/** Tokenises one line: runs of characters with the same scopes. */
function tokenizeLine(line: string): Token[] {
  const scopes: string[][] = Array.from({ length: line.length }, () => [grammar.scopeName]);
  const paint: Painter = (from, to, s) => {
    for (let i = from; i < to; i++) scopes[i] = [...s];
  };
  scan(line, 0, grammar.patterns, [grammar.scopeName], -1, undefined, paint);
  const tokens: Token[] = [];
  for (let i = 0; i < line.length; i++) {
    const last = tokens[tokens.length - 1];
    const s = scopes[i] as string[];
    if (last && last.scopes.join(' ') === s.join(' ')) last.text += line[i];
    else tokens.push({ text: line[i] as string, scopes: s });
  }
  return tokens;
}

/** The scopes of the characters of `part` (first found after `after`); throws unless they are all alike. */
function scopesOf(line: string, part: string, after = ''): string[] {
  const from = after === '' ? 0 : line.indexOf(after) + after.length;
  assert.ok(after === '' || from >= after.length, `"${after}" in ${line}`);
  const at = line.indexOf(part, from);
  assert.ok(at >= 0, `"${part}" in ${line}`);
  const tokens = tokenizeLine(line);
  let offset = 0;
  let found: string[] | null = null;
  for (const t of tokens) {
    const tEnd = offset + t.text.length;
    if (tEnd > at && offset < at + part.length) {
      const s = t.scopes.join(' ');
      if (found !== null && found.join(' ') !== s) throw new Error(`"${part}" spans tokens with different scopes in ${line}`);
      found = t.scopes;
    }
    offset = tEnd;
  }
  return found ?? [];
}

/** Asserts that `part` of `line` (first found after `after`) has a scope starting with `scope` (dotted prefix). */
function assertScope(line: string, part: string, scope: string, after = ''): void {
  const s = scopesOf(line, part, after);
  assert.ok(
    s.some((x) => x === scope + SUFFIX || x.startsWith(scope + '.') || x === scope),
    `"${part}" should be ${scope}, is [${s.join(', ')}] in: ${line}`,
  );
}

function lineScopes(line: string): Set<string> {
  return new Set(tokenizeLine(line).flatMap((t) => t.scopes));
}

// ---------- fixtures ----------

const recordedDir = path.join(root, 'test-fixtures/recorded');
const recorded: { version: string; file: string; lines: string[] }[] = [];
for (const version of readdirSync(recordedDir).sort()) {
  for (const file of readdirSync(path.join(recordedDir, version)).sort()) {
    if (!file.endsWith('.txt')) continue;
    const lines = readFileSync(path.join(recordedDir, version, file), 'utf8').split('\n').filter((l) => l !== '');
    recorded.push({ version, file, lines });
  }
}
const POSITION = /^(?:<autogenerated>|(?:[A-Za-z]:[\\/])?[^:\s][^:]*?):\d+(?::\d+)?: ?/;

// ---------- tests ----------

test('the grammar is well formed: includes resolve, regexes are portable, scopes are namespaced', () => {
  assert.equal(grammar.scopeName, 'source.go-compiler-output');
  const seen: string[] = [];
  const visit = (r: Rule, where: string): void => {
    if (r.include !== undefined && r.include.startsWith('#')) assert.ok(grammar.repository[r.include.slice(1)], `${where}: ${r.include}`);
    if (r.include !== undefined && !r.include.startsWith('#')) assert.equal(r.include, 'source.go', `${where}: only the Go grammar is embedded`);
    for (const src of [r.match, r.begin, r.end]) {
      if (src === undefined) continue;
      const groups = new RegExp(`${src.replace(/^\\G/, '')}|`).exec('')?.length ?? 1;
      for (const caps of [r.captures, r.beginCaptures, r.endCaptures]) {
        for (const k of Object.keys(caps ?? {})) if (src !== r.end || caps === r.endCaptures) assert.ok(Number(k) < groups || caps === r.endCaptures, `${where}: capture ${k} of ${groups - 1} groups`);
      }
      compile(src);
      seen.push(src);
    }
    for (const name of [r.name, r.contentName]) {
      if (name !== undefined) for (const n of name.split(' ')) assert.ok(n.endsWith(SUFFIX), `${where}: scope ${n}`);
    }
    for (const caps of [r.captures, r.beginCaptures, r.endCaptures]) for (const [k, c] of Object.entries(caps ?? {})) visit(c, `${where}.${k}`);
    for (const [i, p] of (r.patterns ?? []).entries()) visit(p, `${where}[${i}]`);
  };
  grammar.patterns.forEach((p, i) => visit(p, `patterns[${i}]`));
  for (const [k, r] of Object.entries(grammar.repository)) visit(r, k);
  assert.ok(seen.length > 20);
  // The portability check itself works.
  assert.throws(() => compile('\\h+'), /Oniguruma-only/);
  assert.throws(() => compile('a++'), /possessive/);
  assert.throws(() => compile('a\\Gb'), /leading anchor/);
});

test('every compiler line of Go 1.21–1.26 gets a position and a highlighted kind', () => {
  let checked = 0;
  const unhighlighted: string[] = [];
  for (const { version, file, lines } of recorded) {
    for (const line of lines) {
      const scopes = lineScopes(line);
      if (line.startsWith('# ')) {
        assert.ok(scopes.has('markup.heading.package' + SUFFIX), line);
        continue;
      }
      if (!POSITION.test(line)) continue;
      checked++;
      assert.ok(scopes.has('meta.compiler-line' + SUFFIX), `${version}/${file}: ${line}`);
      assert.ok(scopes.has('constant.numeric.line' + SUFFIX), `${version}/${file}: ${line}`);
      const kinds = [...scopes].filter((s) => /^(markup\.(deleted|inserted)|keyword\.other)\./.test(s));
      if (kinds.length === 0) unhighlighted.push(`${version}/${file}: ${line}`);
    }
  }
  assert.ok(checked > 5000, `checked ${checked} lines`);
  assert.deepEqual(unhighlighted.slice(0, 10), []);
});

// What scope the grammar gives the phrase of each decision kind the engine recognises.
const KIND_SCOPE: Record<string, string> = {
  'escape.moved': 'markup.deleted.heap.moved',
  'escape.heap': 'markup.deleted.heap.escapes',
  'escape.closure': 'markup.deleted.heap.escapes',
  'leak.param': 'markup.deleted.heap.leak',
  'leak.content': 'markup.deleted.heap.leak',
  'leak.result': 'markup.deleted.heap.leak',
  'leak.closure': 'markup.deleted.heap.leak',
  noescape: 'markup.inserted.stack.noescape',
  'noescape.zerocopy': 'markup.inserted.stack.zerocopy',
  'capture.ref': 'keyword.other.capture.ref',
  'capture.value': 'keyword.other.capture.value',
  'inline.can': 'keyword.other.inline.can',
  'inline.cannot': 'keyword.other.inline.cannot',
  'inline.call': 'keyword.other.inline.call',
  devirtualize: 'keyword.other.devirtualize',
  'loopvar.heap': 'markup.deleted.heap.loopvar',
  'loopvar.stack': 'markup.inserted.stack.loopvar',
  'other.keptalive': 'keyword.other.kept-alive',
};

test('the grammar agrees with the engine on the kind of every summary line', () => {
  const seenKinds = new Set<string>();
  let explanation = 0;
  for (const { version, file, lines } of recorded) {
    for (const line of lines) {
      const pos = POSITION.exec(line);
      if (!pos) continue;
      const message = line.slice(pos[0].length);
      const scopes = lineScopes(line);
      const where = `${version}/${file}: ${line}`;
      if (/^\s+flow: /.test(message)) {
        assert.ok(scopes.has('keyword.other.flow' + SUFFIX) && scopes.has('keyword.operator.flow' + SUFFIX), where);
        explanation++;
        continue;
      }
      if (/^\s+from /.test(message)) {
        assert.ok(scopes.has('keyword.other.from' + SUFFIX) && scopes.has('string.unquoted.reason' + SUFFIX), where);
        if (message.includes(') at ')) assert.ok(scopes.has('keyword.other.at' + SUFFIX) && scopes.has('meta.position' + SUFFIX), where);
        explanation++;
        continue;
      }
      const { kind } = classifyDecision(message);
      if (kind === 'other') continue; // explanation headers (`… escapes to heap in f:`) and unknown text
      const want = KIND_SCOPE[kind];
      assert.ok(want, `no expected scope for kind ${kind}`);
      assert.ok(scopes.has(want + SUFFIX), `${where}\n  kind ${kind} wants ${want}, got ${[...scopes].join(' ')}`);
      seenKinds.add(kind);
    }
  }
  assert.ok(explanation > 3000);
  // The fixtures cover most kinds; the rest are checked on hand-written lines below.
  for (const k of ['escape.moved', 'escape.heap', 'escape.closure', 'leak.param', 'leak.result', 'noescape', 'capture.ref', 'capture.value', 'inline.can', 'inline.cannot', 'inline.call', 'devirtualize', 'loopvar.stack']) {
    assert.ok(seenKinds.has(k), `fixtures contain ${k}`);
  }
});

test('positions: file, line and column, relative, absolute, Windows, without column, autogenerated', () => {
  const l = './families.go:18:2: moved to heap: p';
  assertScope(l, './families.go', 'entity.name.filename');
  assertScope(l, '18', 'constant.numeric.line');
  assertScope(l, '2', 'constant.numeric.column', ':18:');
  assertScope(l, 'moved to heap', 'markup.deleted.heap.moved');
  assertScope(l, 'p', 'variable.other.subject', 'heap: ');

  const abs = '/usr/local/go/src/sync/atomic/type.go:58:6: can inline atomic.(*Pointer[os.dirInfo]).Load with cost 9 as: method(*atomic.Pointer[os.dirInfo]) func() *os.dirInfo { return nil }';
  assertScope(abs, '/usr/local/go/src/sync/atomic/type.go', 'entity.name.filename');
  assertScope(abs, 'atomic.(*Pointer[os.dirInfo]).Load', 'entity.name.function');
  assertScope(abs, '9', 'constant.numeric.cost', 'with cost ');
  assertScope(abs, 'method(*atomic.Pointer', 'meta.embedded.inline-body');

  const win = 'C:\\src\\demo\\demo.go:7:9: &Point{...} escapes to heap';
  assertScope(win, 'C:\\src\\demo\\demo.go', 'entity.name.filename');
  assertScope(win, '7', 'constant.numeric.line');
  assertScope(win, 'escapes to heap', 'markup.deleted.heap.escapes');
  assertScope(win, '&Point{...}', 'variable.other.subject');

  const noCol = './big.go:12: leaking param: p';
  assertScope(noCol, '12', 'constant.numeric.line');
  assert.ok(!lineScopes(noCol).has('constant.numeric.column' + SUFFIX));
  assertScope(noCol, 'leaking param', 'markup.deleted.heap.leak');

  const auto = '<autogenerated>:1: cannot inline type..eq.example.com/families.Outer: marked go:noinline';
  assertScope(auto, '<autogenerated>', 'support.constant.autogenerated');
  assertScope(auto, 'type..eq.example.com/families.Outer', 'entity.name.function');
  assertScope(auto, 'go:noinline', 'keyword.other.directive');
});

test('package headers, with and without a test variant', () => {
  assertScope('# example.com/heapdemo', 'example.com/heapdemo', 'entity.name.namespace.package');
  const v = '# example.com/heapdemo [example.com/heapdemo.test]';
  assertScope(v, '#', 'punctuation.definition.heading');
  assertScope(v, 'example.com/heapdemo.test', 'entity.name.namespace.variant');
  // A `#` inside a message is not a header.
  assert.ok(!lineScopes('./a.go:1:2: x escapes to heap # not a header').has('markup.heading.package' + SUFFIX));
});

test('explanation blocks: headers, flow (= and ←) and from … (reason) at pos', () => {
  const h = './families.go:24:13: make([]byte, n) escapes to heap in MakeDyn:';
  assertScope(h, 'make([]byte, n)', 'variable.other.subject');
  assertScope(h, 'escapes to heap', 'markup.deleted.heap.escapes');
  assertScope(h, 'MakeDyn', 'entity.name.function');

  const old = './families.go:18:2:   flow: ~r0 = &p:';
  assertScope(old, 'flow', 'keyword.other.flow');
  assertScope(old, '~r0', 'variable.language.result');
  assertScope(old, '=', 'keyword.operator.flow');
  assertScope(old, '&p', 'variable.other.flow.source');

  const arrow = './families.go:24:13:   flow: {heap} ← &{storage for make([]byte, n)}:';
  assertScope(arrow, '{heap}', 'variable.language.location');
  assertScope(arrow, '←', 'keyword.operator.flow');
  assertScope(arrow, '{storage for', 'variable.language.storage');

  const from = './families.go:24:13:     from make([]byte, n) (non-constant size) at ./families.go:24:13';
  assertScope(from, 'from', 'keyword.other.from');
  assertScope(from, 'make([]byte, n)', 'variable.other.expression');
  assertScope(from, 'non-constant size', 'string.unquoted.reason');
  assertScope(from, 'at', 'keyword.other.at', '(non-constant size) ');
  assertScope(from, './families.go', 'entity.name.filename', ' at ');
  assertScope(from, '24', 'constant.numeric.line', ' at ');
  assertScope(from, '13', 'constant.numeric.column', ' at ./families.go:24:');

  const param = './families.go:70:16: parameter p leaks to {heap} for LeakParam with derefs=0:';
  assertScope(param, 'leaks to', 'markup.deleted.heap.leak');
  assertScope(param, 'p', 'variable.parameter', 'parameter ');
  assertScope(param, 'LeakParam', 'entity.name.function');
  assertScope(param, '0', 'constant.numeric.derefs', 'derefs=');
});

test('other summaries: leaks, inlining, captures, devirtualizing, loop variables, b.Loop', () => {
  const r = './families.go:80:17: leaking param: p to result ~r0 level=0';
  assertScope(r, 'to result', 'keyword.other.to-result');
  assertScope(r, '~r0', 'variable.language.result');
  assertScope(r, 'leaking param', 'markup.deleted.heap.leak');
  assertScope(r, '0', 'constant.numeric.level', 'level=');
  const c = './families.go:227:6: cannot inline Writer: function too complex: cost 129 exceeds budget 80';
  assertScope(c, 'cannot inline', 'keyword.other.inline.cannot');
  assertScope(c, '129', 'constant.numeric.cost');
  assertScope(c, '80', 'constant.numeric.budget', 'budget ');
  const into = './x_test.go:9:12: cannot inline Recursive into BenchmarkLoop: repeated recursive cycle';
  assertScope(into, 'Recursive', 'entity.name.function');
  assertScope(into, 'BenchmarkLoop', 'entity.name.function.caller');
  assertScope(into, 'repeated recursive cycle', 'string.unquoted.reason');
  const cap = './families.go:173:3: Goroutines capturing by ref: mu (addr=true assign=false width=8)';
  assertScope(cap, 'Goroutines', 'entity.name.function');
  assertScope(cap, 'ref', 'keyword.other.capture.ref');
  assertScope(cap, 'addr', 'variable.other.property');
  assertScope(cap, 'true', 'constant.language.boolean');
  assertScope(cap, '8', 'constant.numeric', 'width=');
  const dv = './families.go:107:16: devirtualizing sh.Area to Square';
  assertScope(dv, 'sh.Area', 'variable.other.subject');
  assertScope(dv, 'Square', 'entity.name.type');
  assertScope('./loopvar.go:11:6: loop variable i now per-iteration, heap-allocated', 'heap-allocated', 'markup.deleted.heap.loopvar');
  assertScope('./loopvar.go:11:6: loop variable i now per-iteration, stack-allocated', 'stack-allocated', 'markup.inserted.stack.loopvar');
  assertScope('./bloop_test.go:14:5: example.com/families.x will be kept alive', 'will be kept alive', 'keyword.other.kept-alive');
  assertScope('./a.go:3:9: zero-copy string->[]byte conversion', 'zero-copy string->[]byte conversion', 'markup.inserted.stack.zerocopy');
  assertScope('./a.go:3:9: ... argument does not escape', 'does not escape', 'markup.inserted.stack.noescape');
});

test('a phrase inside an expression does not start a kind, and compile errors stay plain', () => {
  // \G anchoring: "escapes to heap" inside an inline body is not a summary.
  const l = './a.go:3:6: can inline f with cost 3 as: func() { s := "escapes to heap"; _ = s }';
  assert.ok(!lineScopes(l).has('markup.deleted.heap.escapes' + SUFFIX));
  const err = './a.go:5:2: undefined: foo';
  const s = lineScopes(err);
  assert.ok(s.has('meta.compiler-line' + SUFFIX) && s.has('constant.numeric.column' + SUFFIX));
  assert.ok(![...s].some((x) => /^(markup\.(deleted|inserted)|keyword\.other)\./.test(x)), [...s].join(' '));
  // Text that is not compiler output at all.
  assert.deepEqual(tokenizeLine('go: downloading example.com/x v1.0.0').map((t) => t.scopes), [[grammar.scopeName]]);
});
