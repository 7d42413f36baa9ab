// Mapping tests: Go fixtures under test-fixtures/markers/ carry `// want kind:"text" "message"`
// comments, like go/analysis's `// want "regexp"`. The real compiler runs on each fixture module
// through the pipeline (runPipeline); every marker must be matched by exactly one finding on its line covering
// exactly its text, and every finding of a kind shown by default must have a marker. `want-bug`
// marks a range the mapping gets wrong today: the right text is written down and reported as a
// TODO until the mapping is fixed. The syntax is documented in CONTRIBUTING.md, "Mapping tests".
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runPipeline } from '../../server/src/pipeline/index';
import { dropRepeats } from '../../server/src/engine/repeats';
import { allKinds } from '../../server/src/engine/kinds';
import { isKindShown } from '../../server/src/engine/present';

// ------------------------------------------------------------------------------------------
// The adapter: the only code here that knows the engine's types. A refactor of the engine
// changes this function, not the runner below.

/** What the runner needs of one finding: where it is, what it is and what it says. */
interface PlainFinding {
  file: string;
  /** 1-based lines and byte columns of the finding's range, end exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The line the compiler printed, when the finding is a compiler decision. */
  compilerLine: number | null;
  kind: string;
  message: string;
  shown: boolean;
}

/** Compiles every package of the module at `dir` as the tool does and returns its findings. */
async function findingsOfModule(dir: string): Promise<PlainFinding[]> {
  // With the fix stage: loop-variable captures and the other fix findings are findings too.
  const { raw } = await runPipeline({ compile: { cwd: dir, patterns: ['./...'], tests: false }, fixes: {} });
  // What `check` shows by default: each allocation once (the kinds hidden by default stay, marked).
  return dropRepeats(raw).map((f) => ({
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    compilerLine: f.compiler?.line ?? null,
    kind: f.kind,
    message: f.message,
    shown: isKindShown(f.kind, {}),
  }));
}

/** Whether a marker may name this kind. */
function isKnownKind(kind: string): boolean {
  return allKinds().some((k) => k.id === kind);
}

// ------------------------------------------------------------------------------------------
// Marker syntax.

/** One expectation of a marker comment. */
interface Marker {
  /** `want`: the mapping must be right; `want-bug`: a known wrong range, reported as a TODO. */
  mode: 'want' | 'want-bug';
  kind: string;
  /** The exact source text the finding's range must cover. */
  text: string;
  /** Must match the finding's message (searched, not anchored). */
  message: RegExp;
  line: number;
}

const MARKER_COMMENT = /(?:^|\s)\/\/\s*(want\S*)(.*)$/;
const MARKER_IN_TEXT = /[ \t]*\/\/[ \t]*want\S*[^\n]*$/gm;
const KIND = /^[a-z]+(?:\.[a-z]+)*/;

/** Reads a Go-style string at the start of `s`: "…" (escapes \\ \" \n \t) or `…` (raw). */
function readString(s: string): { value: string; rest: string } {
  const q = s[0];
  if (q === '`') {
    const end = s.indexOf('`', 1);
    if (end < 0) throw new Error('unterminated `string`');
    return { value: s.slice(1, end), rest: s.slice(end + 1) };
  }
  if (q !== '"') throw new Error(`expected a "string" or \`string\` at ${JSON.stringify(s.slice(0, 20))}`);
  let value = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return { value, rest: s.slice(i + 1) };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = s[++i];
    const decoded = e === 'n' ? '\n' : e === 't' ? '\t' : e === '"' || e === '\\' ? e : null;
    if (decoded === null) throw new Error(`unknown escape \\${e ?? ''}`);
    value += decoded;
  }
  throw new Error('unterminated "string"');
}

/**
 * The markers of one line's comment, or [] when it has none. Throws on a malformed marker: an
 * unknown word after `//` starting with `want`, no expectation, an unknown kind, a missing text or
 * message, a bad regexp.
 */
function parseMarkers(lineText: string, line: number): Marker[] {
  const m = MARKER_COMMENT.exec(lineText);
  if (!m) return [];
  let mode = m[1];
  if (mode !== 'want' && mode !== 'want-bug') throw new Error(`unknown marker //${mode} (want or want-bug)`);
  const out: Marker[] = [];
  let rest = m[2]!.trim();
  let sectionEntries = 0;
  while (rest !== '') {
    const word = /^(want(?:-bug)?)(?:\s|$)/.exec(rest);
    if (word) {
      if (sectionEntries === 0) throw new Error(`//${mode} has no expectation`);
      mode = word[1]!;
      sectionEntries = 0;
      rest = rest.slice(word[1]!.length).trim();
      continue;
    }
    const kind = KIND.exec(rest)?.[0];
    if (!kind || rest[kind.length] !== ':') throw new Error(`expected kind:"text" at ${JSON.stringify(rest.slice(0, 30))}`);
    if (!isKnownKind(kind)) throw new Error(`unknown kind ${kind}`);
    const text = readString(rest.slice(kind.length + 1));
    if (text.value === '') throw new Error(`${kind}: empty text`);
    if (!/^\s/.test(text.rest)) throw new Error(`${kind}:${JSON.stringify(text.value)} needs a "message regexp" after a space`);
    const msg = readString(text.rest.trimStart());
    if (msg.value === '') throw new Error(`${kind}: empty message regexp`);
    let message: RegExp;
    try {
      message = new RegExp(msg.value);
    } catch (e) {
      throw new Error(`${kind}: bad regexp ${JSON.stringify(msg.value)}: ${(e as Error).message}`, { cause: e });
    }
    if (msg.rest !== '' && !/^\s/.test(msg.rest)) throw new Error(`expected a space after the message regexp ${JSON.stringify(msg.value)}`);
    out.push({ mode: mode as Marker['mode'], kind, text: text.value, message, line });
    sectionEntries++;
    rest = msg.rest.trim();
  }
  if (sectionEntries === 0) throw new Error(`//${mode} has no expectation`);
  return out;
}

// ------------------------------------------------------------------------------------------
// The runner.

const markersRoot = path.resolve(__dirname, '../../test-fixtures/markers');

/** A fixture file: its bytes, its markers and the errors of its malformed markers. */
interface FixtureFile {
  file: string;
  rel: string;
  bytes: Buffer;
  /** Byte offset of each line's start (index 0 is line 1). */
  lineStarts: number[];
  markers: Marker[];
  /** Kind ids or families named by a `// marker kinds: a b` line: only those are checked; null: all shown kinds. */
  kinds: string[] | null;
  errors: string[];
}

function readFixture(file: string): FixtureFile {
  const bytes = readFileSync(file);
  const lineStarts = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lineStarts.push(i + 1);
  const rel = path.relative(markersRoot, file);
  const markers: Marker[] = [];
  const errors: string[] = [];
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((text, i) => {
      try {
        markers.push(...parseMarkers(text, i + 1));
      } catch (e) {
        errors.push(`${rel}:${i + 1}: ${(e as Error).message}`);
      }
    });
  const kinds = /^\/\/ marker kinds: (.+)$/m.exec(bytes.toString('utf8'))?.[1]?.trim().split(/\s+/) ?? null;
  return { file, rel, bytes, lineStarts, markers, kinds, errors };
}

/** Each fixture module (a directory with a go.mod) under test-fixtures/markers/, with its Go files. */
function fixtureModules(): Array<{ dir: string; files: FixtureFile[] }> {
  const goFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((e) => (e.isDirectory() ? goFiles(path.join(dir, e.name)) : e.name.endsWith('.go') ? [path.join(dir, e.name)] : []));
  return readdirSync(markersRoot)
    .sort()
    .map((name) => path.join(markersRoot, name))
    .filter((dir) => existsSync(path.join(dir, 'go.mod')))
    .map((dir) => ({ dir, files: goFiles(dir).map(readFixture) }));
}

/**
 * The source text a finding's range covers (1-based byte columns, end exclusive), without the
 * marker comments inside it: a closure's marker sits on its first line, inside its body.
 */
function coveredText(fx: FixtureFile, f: PlainFinding): string {
  const at = (line: number, column: number): number => (fx.lineStarts[line - 1] ?? fx.bytes.length) + column - 1;
  const text = fx.bytes.subarray(at(f.line, f.column), at(f.endLine, f.endColumn)).toString('utf8');
  return text.includes('\n') ? text.replace(MARKER_IN_TEXT, '') : text;
}

/** A marker that would pin this finding, for messages: what to paste when a finding is new. */
function suggestion(fx: FixtureFile, f: PlainFinding): string {
  const text = coveredText(fx, f);
  const quoted = text.includes('"') && !text.includes('`') && !text.includes('\n') ? `\`${text}\`` : JSON.stringify(text);
  return `${fx.rel}:${f.line}: ${f.kind}:${quoted} ${JSON.stringify(f.message)}`;
}

/** The markers and findings of one file, checked: a list of failures (empty when all hold). */
function checkFile(fx: FixtureFile, findings: PlainFinding[]): string[] {
  const failures: string[] = [];
  const claimedBy = new Map<PlainFinding, Marker>();
  const groups = new Map<string, Marker[]>();
  for (const m of fx.markers) {
    const key = `${m.mode}|${m.line}|${m.kind}|${m.text}|${m.message.source}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    const m = group[0]!;
    const label = `${fx.rel}:${m.line}: //${m.mode} ${m.kind}:${JSON.stringify(m.text)} ${JSON.stringify(m.message.source)}`;
    // A want-bug finding may sit on the wrong line: it is found by the compiler's line too.
    const onLine = findings.filter((f) => f.line === m.line || (m.mode === 'want-bug' && f.compilerLine === m.line));
    const candidates = onLine.filter((f) => f.kind === m.kind && m.message.test(f.message));
    const matched = m.mode === 'want' ? candidates.filter((f) => coveredText(fx, f) === m.text) : candidates;
    if (matched.length !== group.length) {
      const here = onLine.map((f) => `\n    ${suggestion(fx, f)}`).join('') || '\n    (no finding on this line)';
      failures.push(`${label}: ${matched.length} matching finding(s), want ${group.length}; findings on the line:${here}`);
    }
    for (const f of matched) {
      const other = claimedBy.get(f);
      if (other)
        failures.push(
          `${label}: the finding ${suggestion(fx, f)} is also matched by ${other.kind}:${JSON.stringify(other.text)} ${JSON.stringify(other.message.source)}; make the regexps tell them apart`,
        );
      claimedBy.set(f, m);
      if (m.mode === 'want-bug' && coveredText(fx, f) === m.text) failures.push(`${label}: the mapping is right now: change want-bug to want`);
    }
  }
  const checked = (kind: string): boolean => fx.kinds === null || fx.kinds.some((k) => kind === k || kind.startsWith(`${k}.`));
  for (const f of findings) {
    if (f.shown && checked(f.kind) && !claimedBy.has(f)) failures.push(`unexpected finding (add a marker): ${suggestion(fx, f)}`);
  }
  return failures;
}

const modules = fixtureModules();
const allFiles = modules.flatMap((m) => m.files);
const findingsByModule = new Map<string, Promise<PlainFinding[]>>();

/** The findings of a module, compiled once for all the tests of this file. */
function findingsOf(dir: string): Promise<PlainFinding[]> {
  let p = findingsByModule.get(dir);
  if (!p) findingsByModule.set(dir, (p = findingsOfModule(dir)));
  return p;
}

test('marker syntax: well-formed markers parse; malformed ones are errors', () => {
  assert.deepEqual(
    parseMarkers('\tx := f() // want escape.moved:"x" "moved" want-bug escape.heap:`a "b"` `c\\.d` escape.heap:"e\\n\\tf" "g"', 7).map((m) => [m.mode, m.kind, m.text, m.message.source, m.line]),
    [
      ['want', 'escape.moved', 'x', 'moved', 7],
      ['want-bug', 'escape.heap', 'a "b"', 'c\\.d', 7],
      ['want-bug', 'escape.heap', 'e\n\tf', 'g', 7],
    ],
  );
  assert.deepEqual(parseMarkers('\tx := 1 // a comment that wants nothing', 1), []);
  const malformed: Array<[string, RegExp]> = [
    ['x // want', /no expectation/],
    ['x // want escape.moved:"x" "m" want-bug', /no expectation/],
    ['x // wants escape.moved:"x" "m"', /unknown marker/],
    ['x // want escape.moved "x" "m"', /expected kind:"text"/],
    ['x // want escape.movd:"x" "m"', /unknown kind/],
    ['x // want escape.moved:"x"', /needs a "message regexp"/],
    ['x // want escape.moved:"x" "m(" ', /bad regexp/],
    ['x // want escape.moved:"x "m"', /needs a "message regexp"|expected a "string"/],
    ['x // want escape.moved:"x" "m', /unterminated/],
    ['x // want escape.moved:"\\q" "m"', /unknown escape/],
    ['x // want escape.moved:"" "m"', /empty text/],
    ['x // want escape.moved:"x" "m"junk', /expected a space/],
  ];
  for (const [line, err] of malformed) assert.throws(() => parseMarkers(line, 1), err, line);
});

test('marker fixtures: every marker is well-formed', () => {
  assert.ok(modules.length > 0 && allFiles.length > 0, `no fixture module under ${markersRoot}`);
  assert.deepEqual(
    allFiles.flatMap((f) => f.errors),
    [],
  );
});

for (const mod of modules) {
  for (const fx of mod.files) {
    test(`${fx.rel}: each marker matches one finding covering its text; no shown finding lacks a marker`, async () => {
      const findings = (await findingsOf(mod.dir)).filter((f) => f.file === fx.file);
      assert.ok(
        fx.markers.some((m) => m.mode === 'want'),
        `${fx.rel} has no // want marker`,
      );
      const failures = checkFile(fx, findings);
      assert.equal(failures.length, 0, failures.join('\n'));
    });
    for (const m of fx.markers.filter((x) => x.mode === 'want-bug')) {
      const name = `${fx.rel}:${m.line}: ${m.kind} ${JSON.stringify(m.message.source)} should cover ${JSON.stringify(m.text)}`;
      test(name, { todo: 'known mapping bug (a want-bug marker)' }, async () => {
        const findings = (await findingsOf(mod.dir)).filter((f) => f.file === fx.file && (f.line === m.line || f.compilerLine === m.line));
        const got = findings.filter((f) => f.kind === m.kind && m.message.test(f.message)).map((f) => coveredText(fx, f));
        assert.deepEqual(got, [m.text], `today it covers ${got.map((t) => JSON.stringify(t)).join(', ') || 'nothing'}`);
      });
    }
  }
}
