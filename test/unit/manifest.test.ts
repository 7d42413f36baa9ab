// The extension manifest follows the project's conventions (one `heapscope.` prefix, a scope and
// a markdownDescription on every setting, category "Heapscope" on every command), and the
// generated docs and the `heapscope.kinds` schema are in step with package.json and kinds.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allKinds } from '../../server/src/engine/kinds';
import { CONFIG_SECTION, Commands, DEFAULT_SETTINGS } from '../../server/src/protocol';
import { SERVER_SETTING_KEYS } from '../../client/src/settings';
import { OUTPUT_LANGUAGE_ID } from '../../client/src/compilerOutputDocument';
import { ASM_LANGUAGE_ID } from '../../client/src/compiledCodeDocument';
import { commandsMarkdown, generatedFiles, kindsSettingSchema, settingsMarkdown, withGeneratedKinds, type Manifest } from '../../scripts/gen-docs';

const root = path.resolve(__dirname, '..', '..');
interface Package extends Manifest {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean; description?: string; restrictedConfigurations?: string[] } };
  contributes: Manifest['contributes'] & {
    languages: { id: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
  };
}
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Package;
const settings = pkg.contributes.configuration.properties;
const VALID_SCOPES = ['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'];

test('every setting is under heapscope. with a valid scope and a markdownDescription', () => {
  const ids = Object.keys(settings);
  assert.ok(ids.length >= 8);
  for (const [id, s] of Object.entries(settings)) {
    assert.match(id, /^heapscope\.[a-z][A-Za-z.]*$/, id);
    assert.ok(s.scope && VALID_SCOPES.includes(s.scope), `${id} scope ${String(s.scope)}`);
    assert.ok(typeof s.markdownDescription === 'string' && s.markdownDescription.length > 20, `${id} markdownDescription`);
    assert.ok(s.default !== undefined, `${id} default`);
    if (s.enum && s.markdownEnumDescriptions) assert.equal(s.markdownEnumDescriptions.length, s.enum.length, id);
  }
});

test('every setting the server reads is contributed, with the server default', () => {
  for (const [key, wire] of Object.entries(SERVER_SETTING_KEYS)) {
    const s = settings[`${CONFIG_SECTION}.${key}`];
    assert.ok(s, `heapscope.${key} is contributed`);
    assert.deepEqual(s.default, DEFAULT_SETTINGS[wire], `default of heapscope.${key}`);
  }
  // trace.server is read by vscode-languageclient for the client id 'heapscope'.
  assert.deepEqual(settings['heapscope.trace.server']?.enum, ['off', 'messages', 'verbose']);
});

test('every command is heapscope.* with category Heapscope, and the server command is contributed', () => {
  const ids = pkg.contributes.commands.map((c) => c.command);
  assert.equal(new Set(ids).size, ids.length, 'no duplicate command ids');
  for (const c of pkg.contributes.commands) {
    assert.match(c.command, /^heapscope\.[a-zA-Z]+$/);
    assert.equal(c.category, 'Heapscope', c.command);
    assert.ok(c.title.length > 0 && !c.title.startsWith('Heapscope'), `${c.command} title does not repeat the category`);
  }
  assert.ok(ids.includes(Commands.analyzePackage));
  for (const m of pkg.contributes.menus?.commandPalette ?? []) assert.ok(ids.includes(m.command), m.command);
});

test('the client source registers every contributed command except the server one', () => {
  const source = readFileSync(path.join(root, 'client/src/extension.ts'), 'utf8');
  for (const c of pkg.contributes.commands) {
    if (c.command === Commands.analyzePackage) continue; // vscode-languageclient registers the server's commands
    assert.ok(source.includes(`'${c.command}'`), `${c.command} appears in extension.ts`);
  }
  assert.ok(!source.includes(`'${Commands.analyzePackage}'`), 'registering the server command twice fails at run time');
});

test('activation, entry point, workspace trust and grammar are declared', () => {
  assert.ok(pkg.activationEvents.includes('onLanguage:go'));
  assert.ok(pkg.activationEvents.includes('workspaceContains:**/go.mod'));
  assert.equal(pkg.main, 'dist/client.js');
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok((pkg.capabilities.untrustedWorkspaces.description ?? '').includes('go'));
  for (const r of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []) assert.ok(settings[r], r);
  // A cloned repository's settings must not make an untrusted window read any file it names (issue 14 item 7).
  assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations?.includes('heapscope.profiles'), 'heapscope.profiles is restricted');
  for (const id of [OUTPUT_LANGUAGE_ID, ASM_LANGUAGE_ID]) {
    assert.ok(pkg.contributes.languages.some((l) => l.id === id));
    const grammar = pkg.contributes.grammars.find((g) => g.language === id);
    assert.ok(grammar, id);
    const json = JSON.parse(readFileSync(path.join(root, grammar.path), 'utf8')) as { scopeName: string };
    assert.equal(json.scopeName, grammar.scopeName);
  }
});

test('heapscope.kinds lists every kind and family of the kinds table', () => {
  const kinds = settings['heapscope.kinds'];
  assert.ok(kinds?.properties);
  for (const k of allKinds()) {
    assert.ok(k.id in kinds.properties, k.id);
    assert.ok(k.family in kinds.properties, k.family);
    assert.ok(kinds.markdownDescription?.includes(`| \`${k.id}\` | ${k.title} | ${k.shownByDefault ? 'yes' : 'no'} | ${k.defaultSeverity} |`), k.id);
  }
  assert.deepEqual(kinds.properties, kindsSettingSchema().properties);
  // Exactly the registry's families and kinds, nothing more: all 32 kinds, the fix kinds included.
  const families = [...new Set(allKinds().map((k) => k.family))];
  // (A family and a kind may share a key: `noescape`, `devirtualize`, `build`, `other`.)
  assert.deepEqual(Object.keys(kinds.properties).sort(), [...new Set([...families, ...allKinds().map((k) => k.id)])].sort());
  assert.equal(allKinds().length, 32);
  for (const id of ['loopvar.capture', 'prealloc.slice', 'prealloc.map', 'alloc.sprintf', 'alloc.site', 'build']) assert.ok(id in kinds.properties, id);
});

test('package.json, docs/SETTINGS.md, docs/COMMANDS.md, docs/KINDS.md and docs/FIXES.md are in step (run npm run docs to fix)', () => {
  const stale: string[] = [];
  for (const [file, text] of generatedFiles(root)) {
    let old = '';
    try {
      old = readFileSync(file, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (old !== text) stale.push(path.relative(root, file));
  }
  assert.deepEqual(stale, []);
});

test('the docs name every setting and command, and change when the manifest changes', () => {
  const md = settingsMarkdown(pkg);
  for (const id of Object.keys(settings)) assert.ok(md.includes(`| \`${id}\` |`), id);
  const cmds = commandsMarkdown(pkg);
  for (const c of pkg.contributes.commands) assert.ok(cmds.includes(`| Heapscope: ${c.title} | \`${c.command}\` |`), c.command);
  // A setting added to the manifest shows up in the docs: the check above is not vacuous.
  const changed = structuredClone(pkg);
  changed.contributes.configuration.properties['heapscope.newThing'] = {
    type: 'boolean',
    default: false,
    scope: 'resource',
    markdownDescription: 'A new | thing.',
  };
  assert.ok(settingsMarkdown(changed).includes('| `heapscope.newThing` | boolean | `false` | resource | A new \\| thing. |'));
  // The kinds schema is regenerated from a different table.
  const one = withGeneratedKinds(pkg, allKinds().slice(0, 1));
  assert.deepEqual(Object.keys(one.contributes.configuration.properties['heapscope.kinds']?.properties ?? {}), ['escape', 'escape.moved']);
});
