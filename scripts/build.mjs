// Bundles the CLI, the language server and the VS Code client with esbuild.
// Native modules (tree-sitter, tree-sitter-go) stay external: they load their N-API prebuilds
// from node_modules at run time, in Node and in VS Code's Electron alike.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');

// What the build is made of: a results cache written by another build of the same version is not
// read (server/src/cli/version.ts, buildId).
const sourceHash = createHash('sha256');
for (const entry of readdirSync(path.join(root, 'server', 'src'), { recursive: true, withFileTypes: true }).sort((a, b) =>
  path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)),
)) {
  if (!entry.isFile()) continue;
  const file = path.join(entry.parentPath, entry.name);
  sourceHash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
}
const buildId = `${pkg.version}+${sourceHash.digest('hex').slice(0, 16)}`;
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  external: ['tree-sitter', 'tree-sitter-go', 'vscode'],
  define: { HEAPSCOPE_VERSION: JSON.stringify(pkg.version), HEAPSCOPE_BUILD: JSON.stringify(buildId) },
  logLevel: quiet ? 'warning' : 'info',
  absWorkingDir: root,
};

// The CLI reaches the language server (`heapscope lsp`) through dist/server.js, not a second copy
// of it and its libraries: 0.5 MB less for `heapscope check` to load before it starts go.
const serverFromCli = {
  name: 'server-from-cli',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/lsp\/server$/ }, (args) => (args.importer.endsWith(path.join('cli', 'main.ts')) ? { path: './server.js', external: true } : undefined));
  },
};

const entries = [
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [serverFromCli] },
  { entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js' },
  // Profiles are decoded in a worker thread; profileWorkerScript() finds it next to the bundle.
  { entryPoints: ['server/src/profile/worker.ts'], outfile: 'dist/profile-worker.js' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
];

await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
