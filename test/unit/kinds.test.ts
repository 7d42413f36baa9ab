import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allFixes, allKinds, buildRegistry, FIX_TABLE, KIND_TABLE, kindInfo, parseSeverity, severityAtLeast, type KindEntry } from '../../server/src/engine/kinds';
import { presentFinding, presentFindings } from '../../server/src/engine/present';
import type { Finding } from '../../server/src/engine/types';
import { fixesDocMarkdown, fixesTableMarkdown, kindsDocMarkdown } from '../../scripts/gen-docs';
import { joinOptionValues, splitFlags, splitTags } from '../../server/src/cli/flags';

const FAMILIES = ['escape', 'noescape', 'leak', 'inline', 'capture', 'devirtualize', 'alloc', 'loopvar', 'prealloc', 'build', 'other'];

test('every kind id starts with one of the contract families, and ids are unique', () => {
  const ids = allKinds().map((k) => k.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(FAMILIES.includes(id.split('.')[0] as string), id);
});

test('the registry refuses a duplicate kind or fix, a kind outside its family, a weighed correctness kind, a fix of an unknown kind', () => {
  assert.doesNotThrow(() => buildRegistry(KIND_TABLE, FIX_TABLE));
  assert.throws(() => buildRegistry([...KIND_TABLE, { ...KIND_TABLE[0] }], FIX_TABLE), /duplicate finding kind escape\.moved/);
  assert.throws(() => buildRegistry(KIND_TABLE, [...FIX_TABLE, { ...FIX_TABLE[1] }]), /duplicate fix id prealloc-slice/);
  const misfiled: KindEntry = { ...KIND_TABLE[0], id: 'leak.moved' };
  assert.throws(() => buildRegistry([misfiled], []), /kind leak\.moved is not in family escape/);
  const weighed: KindEntry = { ...KIND_TABLE[0], correctness: true };
  assert.throws(() => buildRegistry([weighed], []), /correctness kind escape\.moved cannot be weighed/);
  assert.throws(() => buildRegistry(KIND_TABLE.slice(0, 3), FIX_TABLE), /fix copy-loop-var names unknown kind loopvar\.capture/);
});

test("the registry lists all 32 kinds: the compiler kinds with a node shape, build, alloc.site, the compiled code's kinds and the fix kinds with their fixes", () => {
  const kinds = allKinds();
  assert.equal(kinds.length, 32);
  const bySource = (source: string) => kinds.filter((k) => k.source === source).map((k) => k.id);
  assert.equal(bySource('compiler').length, 19);
  assert.deepEqual(bySource('build'), ['build']);
  assert.deepEqual(bySource('profile'), ['alloc.site']);
  assert.deepEqual(bySource('code'), ['escape.free', 'alloc.growslice', 'alloc.concat', 'alloc.convert', 'alloc.bytes', 'alloc.map', 'alloc.object']);
  assert.deepEqual(bySource('fix'), ['loopvar.capture', 'prealloc.slice', 'prealloc.map', 'alloc.sprintf']);
  for (const k of kinds) {
    assert.equal(k.shape !== null, k.source === 'compiler', k.id);
    assert.equal(k.fixes.length > 0, k.source === 'fix', k.id);
    assert.equal(k.docsAnchor, k.id.replace(/\./g, '-'));
  }
  assert.equal(kindInfo('escape.heap').shape, 'bySubject');
  assert.equal(kindInfo('noescape').shape, 'bySubject');
  assert.equal(kindInfo('other').shape, 'token');
  assert.deepEqual(kindInfo('loopvar.capture').fixes, ['copy-loop-var']);
  assert.deepEqual(
    allFixes().map((f) => f.kind),
    ['loopvar.capture', 'prealloc.slice', 'prealloc.map', 'alloc.sprintf'],
  );
});

test('heap allocations, profile weighing and correctness as the status bar and the profile join read them', () => {
  const ids = (pick: (k: ReturnType<typeof kindInfo>) => boolean) =>
    allKinds()
      .filter(pick)
      .map((k) => k.id);
  assert.deepEqual(
    ids((k) => k.heap),
    ['escape.moved', 'escape.heap', 'escape.closure', 'loopvar.heap', 'alloc.growslice', 'alloc.concat', 'alloc.convert', 'alloc.bytes', 'alloc.map', 'alloc.object'],
  );
  // The allocation families (escape, alloc, loopvar, prealloc) follow the profile; loopvar.capture is a bug, not a cost.
  assert.deepEqual(
    ids((k) => k.weighedByProfile),
    [
      'escape.moved',
      'escape.heap',
      'escape.closure',
      'loopvar.heap',
      'loopvar.stack',
      'alloc.site',
      'alloc.growslice',
      'alloc.concat',
      'alloc.convert',
      'alloc.bytes',
      'alloc.map',
      'alloc.object',
      'prealloc.slice',
      'prealloc.map',
      'alloc.sprintf',
    ],
  );
  assert.deepEqual(
    ids((k) => k.correctness),
    ['loopvar.capture'],
  );
});

test('the registry is pure data: kinds.ts imports only types, so the VS Code client can bundle it', () => {
  const src = readFileSync(path.join(__dirname, '..', '..', 'server', 'src', 'engine', 'kinds.ts'), 'utf8');
  const imports = src.split('\n').filter((l) => /^\s*(import|export .* from)\b/.test(l) || /\brequire\(/.test(l));
  assert.ok(imports.length > 0);
  for (const line of imports) assert.match(line, /^import type /, line);
});

test('unknown kinds fall back to their family, then to other', () => {
  assert.equal(kindInfo('inline.something-new').id, 'other');
  assert.equal(kindInfo('build.whatever').id, 'build');
});

test('docs/KINDS.md is generated from the table and up to date', () => {
  const onDisk = readFileSync(path.join(__dirname, '..', '..', 'docs', 'KINDS.md'), 'utf8');
  assert.equal(onDisk, kindsDocMarkdown(), 'run: npm run docs');
});

test('docs/FIXES.md: its fixes table is generated from the registry and up to date, and every fix has a section', () => {
  const onDisk = readFileSync(path.join(__dirname, '..', '..', 'docs', 'FIXES.md'), 'utf8');
  assert.equal(onDisk, fixesDocMarkdown(onDisk), 'run: npm run docs');
  for (const f of allFixes()) {
    assert.ok(onDisk.includes(`| [\`${f.id}\`](#${f.docsAnchor}) | ${f.title} | [\`${f.kind}\`](KINDS.md#`), f.id);
    // The table's links and fixDocsUrl point at the fix's hand-written section.
    assert.ok(onDisk.includes(`\n## ${f.docsAnchor}\n`), f.id);
  }
  // Regenerating replaces only the region between the markers, from the given table.
  const doc = 'intro\n<!-- heapscope:fixes-table -->\nold\n<!-- /heapscope:fixes-table -->\nrest\n';
  assert.equal(fixesDocMarkdown(doc, allFixes().slice(0, 1)), `intro\n<!-- heapscope:fixes-table -->\n${fixesTableMarkdown(allFixes().slice(0, 1))}\n<!-- /heapscope:fixes-table -->\nrest\n`);
  assert.equal(fixesTableMarkdown(allFixes().slice(0, 1)).split('\n').length, 3);
  assert.throws(() => fixesDocMarkdown('no markers'), /no <!-- heapscope:fixes-table -->/);
});

test('severity names and ordering', () => {
  assert.equal(parseSeverity('info'), 'information');
  assert.equal(parseSeverity('WARN'), 'warning');
  assert.equal(parseSeverity('loud'), null);
  assert.ok(severityAtLeast('error', 'warning'));
  assert.ok(!severityAtLeast('hint', 'information'));
});

function finding(kind: string, alloc: Finding['alloc'] = null): Finding {
  return {
    file: '/m/a.go',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    severity: kindInfo(kind).defaultSeverity,
    kind,
    message: kind,
    compiler: null,
    related: [],
    fixes: [],
    alloc,
    packagePath: 'm',
    decision: null,
  };
}

test('presentation: defaults hide noescape and inlining, settings override by family and by kind', () => {
  const fs = ['escape.moved', 'noescape', 'inline.can', 'leak.param'].map((k) => finding(k));
  assert.deepEqual(
    presentFindings(fs, {}).map((f) => f.kind),
    ['escape.moved', 'leak.param'],
  );
  assert.equal(presentFindings(fs, { all: true }).length, 4);
  const custom = presentFindings(fs, { kinds: { inline: { enabled: true }, 'leak.param': { enabled: false }, escape: { severity: 'warning' } } });
  assert.deepEqual(
    custom.map((f) => `${f.kind}:${f.severity}`),
    ['escape.moved:warning', 'inline.can:hint'],
  );
});

test('presentation: compile errors cannot be hidden; presentFinding gives null for a hidden kind', () => {
  const off = { kinds: { build: { enabled: false }, noescape: { enabled: false } } };
  assert.equal(presentFinding(finding('build'), off)?.kind, 'build');
  assert.equal(presentFinding(finding('noescape'), off), null);
  assert.equal(presentFinding(finding('escape.moved'), { kinds: { escape: { severity: 'warning' } } })?.severity, 'warning');
});

test("presentation: decisions outside the user's code (GOROOT, module cache, <autogenerated>) are shown only with all", () => {
  const at = (file: string): Finding => ({ ...finding('escape.heap'), file });
  const fs = [at('/m/a.go'), at('/usr/local/go/src/net/http/server.go'), at('<autogenerated>')];
  const isUserCode = (file: string): boolean => file.startsWith('/m/');
  assert.deepEqual(
    presentFindings(fs, { isUserCode }).map((f) => f.file),
    ['/m/a.go'],
  );
  assert.equal(presentFindings(fs, { isUserCode, all: true }).length, 3);
  assert.equal(presentFindings(fs, {}).length, 3);
});

test('presentation: a profile-derived severity is not overridden by the kind setting', () => {
  const hot = { ...finding('escape.moved', { bytes: 10, objects: 1, share: 0.5 }), severity: 'warning' as const };
  assert.equal(presentFindings([hot], { kinds: { escape: { severity: 'hint' } } })[0]?.severity, 'warning');
});

test('gcflags are split like the go command does (cmd/internal/quoted)', () => {
  assert.deepEqual(splitFlags('-m -l'), ['-m', '-l']);
  assert.deepEqual(splitFlags('  -m=2   \'-d=ssa/check/on x\' "-l"'), ['-m=2', '-d=ssa/check/on x', '-l']);
  // A quote only starts a field at its beginning, as in Go.
  assert.deepEqual(splitFlags("-d='a"), ["-d='a"]);
  assert.throws(() => splitFlags("'-m"), /unterminated/);
  assert.deepEqual(splitFlags(''), []);
});

test('--tags takes commas or spaces, as go build -tags does', () => {
  assert.deepEqual(splitTags('a,b c,,'), ['a', 'b', 'c']);
  assert.deepEqual(splitTags(''), []);
  assert.equal(splitTags(undefined), undefined);
});

test('option values that start with a dash are joined to their option', () => {
  assert.deepEqual(joinOptionValues(['--gcflags', '-m -l', '--all', './...'], ['gcflags']), ['--gcflags=-m -l', '--all', './...']);
  assert.deepEqual(joinOptionValues(['--', '--gcflags', 'x'], ['gcflags']), ['--', '--gcflags', 'x'], 'nothing after --');
  assert.deepEqual(joinOptionValues(['--gcflags'], ['gcflags']), ['--gcflags'], 'a missing value is left for parseArgs to report');
});
