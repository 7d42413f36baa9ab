import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allKinds, kindInfo, parseSeverity, registerKinds, severityAtLeast } from '../../server/src/engine/kinds';
import { presentFinding, presentFindings } from '../../server/src/engine/present';
import type { Finding } from '../../server/src/engine/types';
import { kindsDocMarkdown } from '../../scripts/gen-docs';
import { splitFlags, splitTags } from '../../server/src/cli/flags';

const FAMILIES = ['escape', 'noescape', 'leak', 'inline', 'capture', 'devirtualize', 'alloc', 'loopvar', 'prealloc', 'build', 'other'];

test('every kind id starts with one of the contract families, and ids are unique', () => {
  const ids = allKinds().map((k) => k.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(FAMILIES.includes(id.split('.')[0] as string), id);
});

test('a duplicate kind is refused', () => {
  assert.throws(() => registerKinds([{ ...kindInfo('escape.moved') }]), /duplicate finding kind escape\.moved/);
});

test('unknown kinds fall back to their family, then to other', () => {
  assert.equal(kindInfo('inline.something-new').id, 'other');
  assert.equal(kindInfo('build.whatever').id, 'build');
});

test('docs/KINDS.md is generated from the table and up to date', () => {
  const onDisk = readFileSync(path.join(__dirname, '..', '..', 'docs', 'KINDS.md'), 'utf8');
  assert.equal(onDisk, kindsDocMarkdown(), 'run: npm run docs');
});

test('severity names and ordering', () => {
  assert.equal(parseSeverity('info'), 'information');
  assert.equal(parseSeverity('WARN'), 'warning');
  assert.equal(parseSeverity('loud'), null);
  assert.ok(severityAtLeast('error', 'warning'));
  assert.ok(!severityAtLeast('hint', 'information'));
});

function finding(kind: string, alloc: Finding['alloc'] = null): Finding {
  return { file: '/m/a.go', line: 1, column: 1, endLine: 1, endColumn: 2, severity: kindInfo(kind).defaultSeverity, kind, message: kind, compiler: null, related: [], fixes: [], alloc, packagePath: 'm', decision: null };
}

test('presentation: defaults hide noescape and inlining, settings override by family and by kind', () => {
  const fs = ['escape.moved', 'noescape', 'inline.can', 'leak.param'].map((k) => finding(k));
  assert.deepEqual(presentFindings(fs, {}).map((f) => f.kind), ['escape.moved', 'leak.param']);
  assert.equal(presentFindings(fs, { all: true }).length, 4);
  const custom = presentFindings(fs, { kinds: { inline: { enabled: true }, 'leak.param': { enabled: false }, escape: { severity: 'warning' } } });
  assert.deepEqual(custom.map((f) => `${f.kind}:${f.severity}`), ['escape.moved:warning', 'inline.can:hint']);
});

test('presentation: compile errors cannot be hidden; presentFinding gives null for a hidden kind', () => {
  const off = { kinds: { build: { enabled: false }, noescape: { enabled: false } } };
  assert.equal(presentFinding(finding('build'), off)?.kind, 'build');
  assert.equal(presentFinding(finding('noescape'), off), null);
  assert.equal(presentFinding(finding('escape.moved'), { kinds: { escape: { severity: 'warning' } } })?.severity, 'warning');
});

test('presentation: a profile-derived severity is not overridden by the kind setting', () => {
  const hot = { ...finding('escape.moved', { bytes: 10, objects: 1, share: 0.5 }), severity: 'warning' as const };
  assert.equal(presentFindings([hot], { kinds: { escape: { severity: 'hint' } } })[0]?.severity, 'warning');
});

test('gcflags are split like the go command does (cmd/internal/quoted)', () => {
  assert.deepEqual(splitFlags('-m -l'), ['-m', '-l']);
  assert.deepEqual(splitFlags("  -m=2   '-d=ssa/check/on x' \"-l\""), ['-m=2', '-d=ssa/check/on x', '-l']);
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
  const { joinOptionValues } = require('../../server/src/cli/flags') as typeof import('../../server/src/cli/flags');
  assert.deepEqual(joinOptionValues(['--gcflags', '-m -l', '--all', './...'], ['gcflags']), ['--gcflags=-m -l', '--all', './...']);
  assert.deepEqual(joinOptionValues(['--', '--gcflags', 'x'], ['gcflags']), ['--', '--gcflags', 'x'], 'nothing after --');
  assert.deepEqual(joinOptionValues(['--gcflags'], ['gcflags']), ['--gcflags'], 'a missing value is left for parseArgs to report');
});
