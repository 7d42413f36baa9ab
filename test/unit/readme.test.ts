// The settings and commands tables in the README are the tables scripts/gen-docs.ts generates from package.json, so
// they cannot drift. Each table sits between `<!-- heapscope:settings-table -->` and
// `<!-- /heapscope:settings-table -->` (likewise `commands-table`); UPDATE_SNAPSHOTS=1 rewrites them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { commandsMarkdown, settingsMarkdown, withGeneratedKinds, type Manifest } from '../../scripts/gen-docs';

const root = path.resolve(__dirname, '..', '..');
const pkg = withGeneratedKinds(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest);
const DOCS = ['README.md'];

/** The first markdown table in a generated document (its header, rule and rows). */
function firstTable(md: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

const TABLES = {
  'settings-table': firstTable(settingsMarkdown(pkg)),
  'commands-table': firstTable(commandsMarkdown(pkg)),
};

/** Returns the text between a region's markers, or null when the document has no such region. */
function region(doc: string, name: string): string | null {
  const m = new RegExp(`<!-- heapscope:${name} -->\\n([\\s\\S]*?)\\n?<!-- /heapscope:${name} -->`).exec(doc);
  return m ? m[1]!.trim() : null;
}

function withRegion(doc: string, name: string, body: string): string {
  return doc.replace(new RegExp(`(<!-- heapscope:${name} -->\\n)[\\s\\S]*?(\\n?<!-- /heapscope:${name} -->)`), (_m, a: string, b: string) => `${a}${body}\n${b.replace(/^\n/, '')}`);
}

test('the generated tables list every contributed setting and command', () => {
  for (const id of Object.keys(pkg.contributes.configuration.properties)) assert.ok(TABLES['settings-table'].includes(`\`${id}\``), id);
  for (const c of pkg.contributes.commands) assert.ok(TABLES['commands-table'].includes(`\`${c.command}\``), c.command);
});

test('the README has both tables', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const name of Object.keys(TABLES)) assert.notEqual(region(readme, name), null, `README.md has <!-- heapscope:${name} -->`);
});

for (const rel of DOCS) {
  test(`${rel}: settings and commands tables match package.json`, { skip: existsSync(path.join(root, rel)) ? false : `${rel} does not exist` }, () => {
    const file = path.join(root, rel);
    let doc = readFileSync(file, 'utf8');
    const stale: string[] = [];
    for (const [name, table] of Object.entries(TABLES)) {
      const have = region(doc, name);
      if (have === null || have === table) continue;
      stale.push(name);
      doc = withRegion(doc, name, table);
    }
    if (stale.length > 0 && process.env.UPDATE_SNAPSHOTS === '1') {
      writeFileSync(file, doc);
      return;
    }
    assert.deepEqual(stale, [], `${rel}: out of date with package.json (run with UPDATE_SNAPSHOTS=1 to rewrite)`);
  });
}
