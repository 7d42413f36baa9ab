// The .vsix `npm run package` made holds exactly the allow-listed files, and the manifest has what
// the Marketplace needs. Run by `npm run test:e2e` after packaging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { name: string; version: string };
const vsix = process.env.HEAPSCOPE_E2E_VSIX ?? path.join(root, `${pkg.name}-${pkg.version}.vsix`);

const PLATFORMS = ['linux', 'darwin', 'win32'].flatMap((os) => ['x64', 'arm64'].map((arch) => `${os}-${arch}`));

/** Every file the extension needs at run time, as vsce stores them (under extension/). */
function expectedFiles(): string[] {
  const files = [
    'package.json',
    'readme.md',
    'changelog.md',
    'LICENSE.txt',
    'dist/client.js',
    'dist/server.js',
    'dist/profile-worker.js',
    'syntaxes/go-compiler-output.tmLanguage.json',
    'syntaxes/heapscope-asm.tmLanguage.json',
    'docs/images/icon.png',
    'node_modules/tree-sitter/package.json',
    'node_modules/tree-sitter/index.js',
    ...PLATFORMS.map((p) => `node_modules/tree-sitter/prebuilds/${p}/tree-sitter.node`),
    'node_modules/tree-sitter-go/package.json',
    'node_modules/tree-sitter-go/bindings/node/index.js',
    'node_modules/tree-sitter-go/src/node-types.json',
    ...PLATFORMS.map((p) => `node_modules/tree-sitter-go/prebuilds/${p}/tree-sitter-go.node`),
    'node_modules/node-gyp-build/package.json',
    'node_modules/node-gyp-build/index.js',
    'node_modules/node-gyp-build/node-gyp-build.js',
  ];
  return files.map((f) => `extension/${f}`).sort();
}

test('the .vsix holds exactly the allow-listed files', () => {
  assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\``);
  const entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' })
    .split('\n')
    .filter((e) => e.startsWith('extension/') && !e.endsWith('/'))
    .sort();
  assert.deepEqual(entries, expectedFiles());
  const mib = statSync(vsix).size / 1024 / 1024;
  process.stderr.write(`# ${path.basename(vsix)}: ${mib.toFixed(2)} MiB\n`);
  assert.ok(mib < 5, `package is ${mib.toFixed(2)} MiB`);
});

test('the manifest has what the Marketplace needs and declares workspace trust', () => {
  for (const key of ['name', 'displayName', 'description', 'publisher', 'version', 'license', 'icon', 'categories', 'repository', 'engines']) {
    assert.ok(pkg[key] !== undefined && pkg[key] !== '', `package.json has "${key}"`);
  }
  const icon = path.join(root, String(pkg.icon));
  assert.ok(existsSync(icon), `icon ${String(pkg.icon)} exists`);
  // The Marketplace wants a PNG of at least 128×128: read the size from the IHDR chunk.
  const png = readFileSync(icon);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, 'icon is at least 128×128');
  assert.match(String((pkg.engines as Record<string, string>).vscode), /^\^1\.\d+\.\d+$/);
  const trust = (pkg.capabilities as { untrustedWorkspaces?: { supported: unknown; description?: string } } | undefined)?.untrustedWorkspaces;
  assert.ok(trust && (trust.supported === 'limited' || trust.supported === true), 'capabilities.untrustedWorkspaces declared');
  assert.ok(trust.supported !== 'limited' || (trust.description ?? '').length > 0, 'limited support says what is limited');
});
