// The VS Code client may use only server/src/protocol of the server. Bundles the client as
// scripts/build.mjs does and reads esbuild's metafile: every server file in the bundle must be in
// server/src/protocol/ or one of the pure files it re-exports, and none of them may pull in Node
// built-ins, tree-sitter or vscode-languageserver at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..');

/** The files outside server/src/protocol/ that it re-exports: plain functions over plain data. */
const PURE_FILES = [
  'server/src/engine/compilerPositions.ts',
  'server/src/engine/kinds.ts',
  'server/src/engine/positions.ts',
  'server/src/engine/present.ts',
  'server/src/engine/repeats.ts',
  'server/src/profile/format.ts',
];

/** Run-time imports no server file in the client may have. */
const FORBIDDEN = /^(node:|tree-sitter|vscode-languageserver|vscode-jsonrpc|vscode$)|(^|\/)node_modules\/(tree-sitter|vscode-languageserver|vscode-jsonrpc)/;

async function clientInputs(): Promise<esbuild.Metafile['inputs']> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['client/src/extension.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['tree-sitter', 'tree-sitter-go', 'vscode'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile.inputs;
}

test('the client bundle holds no server file but server/src/protocol and the pure files it re-exports', async () => {
  const inputs = await clientInputs();
  const server = Object.keys(inputs).filter((f) => f.startsWith('server/src/'));
  assert.ok(
    server.some((f) => f.startsWith('server/src/protocol/')),
    'the client uses the protocol module',
  );
  const outside = server.filter((f) => !f.startsWith('server/src/protocol/') && !PURE_FILES.includes(f));
  assert.deepEqual(outside, [], 'server files the client reaches outside server/src/protocol/ (re-export them there, or list a pure one in PURE_FILES)');
  for (const f of server) {
    const bad = inputs[f]!.imports.filter((i) => FORBIDDEN.test(i.path) || (i.external && !i.path.startsWith('.')));
    assert.deepEqual(
      bad.map((i) => i.path),
      [],
      `${f} imports at run time`,
    );
  }
});

test('client files import from the server only through server/src/protocol, types included', async () => {
  const inputs = await clientInputs();
  for (const [file, input] of Object.entries(inputs)) {
    if (!file.startsWith('client/src/')) continue;
    const reached = input.imports.map((i) => i.path).filter((p) => p.startsWith('server/'));
    assert.deepEqual(
      reached.filter((p) => !p.startsWith('server/src/protocol/')),
      [],
      `${file} imports server internals`,
    );
  }
  // The bundle does not show `import type`; the sources do.
  const clientDir = path.join(root, 'client/src');
  let protocolImports = 0;
  for (const name of readdirSync(clientDir).filter((n) => n.endsWith('.ts'))) {
    const source = readFileSync(path.join(clientDir, name), 'utf8');
    const specifiers = [...source.matchAll(/(?:\bfrom|\bimport|\brequire\(|\bimport\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
    const server = specifiers.filter((s) => path.resolve(clientDir, s).startsWith(path.join(root, 'server') + path.sep));
    protocolImports += server.length;
    assert.deepEqual(
      server.filter((s) => !path.resolve(clientDir, s).startsWith(path.join(root, 'server/src/protocol'))),
      [],
      `client/src/${name} imports server internals`,
    );
  }
  assert.ok(protocolImports >= 5, `the scan found ${protocolImports} imports of the server`);
});

test('the pure files listed exist', () => {
  for (const f of PURE_FILES) assert.ok(existsSync(path.join(root, f)), f);
});
