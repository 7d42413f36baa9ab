// The protocol module and docs/LSP.md, which other editors' plugins are written from, stay in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as protocol from '../../server/src/protocol';

const doc = readFileSync(path.resolve(__dirname, '../../docs/LSP.md'), 'utf8');

/** Every custom request and notification the protocol module exports. */
const messages = Object.entries(protocol).flatMap(([name, value]) =>
  value !== null && typeof value === 'object' && 'method' in value && 'direction' in value ? [{ name, method: String(value.method), direction: String(value.direction) }] : [],
);

test('docs/LSP.md names every custom method with its direction', () => {
  assert.ok(messages.length >= 3, `found ${messages.map((m) => m.name).join(', ')}`);
  for (const m of messages) {
    assert.match(m.method, /^heapscope\//, m.name);
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${m.method}\` |`));
    assert.ok(row, `docs/LSP.md has no row for ${m.method} (${m.name})`);
    const arrow = m.direction === 'clientToServer' ? 'client → server' : 'server → client';
    assert.ok(row.includes(arrow), `${m.method} is ${arrow}`);
  }
  // And no method the module does not have.
  const documented = [...doc.matchAll(/`(heapscope\/[A-Za-z]+)`/g)].map((x) => x[1]);
  for (const d of documented)
    assert.ok(
      messages.some((m) => m.method === d),
      `${d} is documented but not in server/src/protocol`,
    );
});

test('docs/LSP.md names every command, code action kind, the diagnostic source and the renamed settings', () => {
  for (const id of Object.values(protocol.Commands)) assert.ok(doc.includes(`| \`${id}\` |`), id);
  assert.ok(doc.includes(`\`${protocol.FIX_ALL_KIND}\``));
  assert.ok(doc.includes(`source: "${protocol.DIAGNOSTIC_SOURCE}"`));
  assert.ok(doc.includes(`section \`${protocol.CONFIG_SECTION}\``));
  assert.ok(doc.includes(protocol.STALE_SUFFIX));
  // Wire fields the VS Code settings do not spell the same way must be listed.
  const vscodeKeys = Object.keys(JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')).contributes.configuration.properties).map((k) => k.slice('heapscope.'.length));
  for (const field of Object.keys(protocol.DEFAULT_SETTINGS)) {
    if (vscodeKeys.includes(field)) continue;
    assert.ok(doc.includes(`\`${field}\``), `the wire field ${field} is not named in docs/LSP.md`);
  }
});

test('settings: one definition of the sample types and thresholds, defaults never shared with a normalised object', () => {
  const s = protocol.normalizeSettings({ profileSampleType: 'inuse_objects', severityThresholds: { warning: 2, information: 0.2 }, typingDelayMs: -1 });
  assert.equal(s.profileSampleType, 'inuse_objects');
  assert.deepEqual(s.severityThresholds, { warning: protocol.DEFAULT_SEVERITY_THRESHOLDS.warning, information: 0.2 });
  assert.equal(s.typingDelayMs, protocol.DEFAULT_SETTINGS.typingDelayMs);
  assert.equal(protocol.normalizeSettings({ profileSampleType: 'cpu' }).profileSampleType, 'alloc_space');
  protocol.normalizeSettings(null).severityThresholds.warning = 1;
  assert.deepEqual(protocol.DEFAULT_SETTINGS.severityThresholds, protocol.DEFAULT_SEVERITY_THRESHOLDS);
  assert.deepEqual([...protocol.PROFILE_SAMPLE_TYPES].sort(), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
});

test('normalizeSettings: an answer without a boolean `trusted` keeps the previous value; without one, trusted', () => {
  const untrusted = protocol.normalizeSettings({ trusted: false });
  assert.equal(untrusted.trusted, false);
  assert.equal(protocol.normalizeSettings({ analyzeOn: 'typing' }, untrusted).trusted, false);
  assert.equal(protocol.normalizeSettings({ trusted: 'yes' }, untrusted).trusted, false);
  assert.equal(protocol.normalizeSettings({ trusted: true }, untrusted).trusted, true);
  assert.equal(protocol.normalizeSettings({}).trusted, true);
});
