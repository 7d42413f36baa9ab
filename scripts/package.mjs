// `npm run package`: builds the production bundles, then packs heapscope-<version>.vsix with
// @vscode/vsce, offline. What goes in is decided by .vscodeignore (an allow-list).
//
// Why not `vsce package --no-dependencies`: vsce 3.x then globs the extension folder with
// `node_modules/**` ignored, so the native modules the allow-list names (tree-sitter,
// tree-sitter-go, node-gyp-build: kept out of the bundles because they load N-API prebuilds)
// would silently be left out and the server would fail to start. With dependency detection vsce
// runs `npm list --production --parseable`, which only reads the local node_modules (no network),
// and the allow-list still filters every file.
//
// Flags: --out FILE (default heapscope-<version>.vsix in the repo root), --no-build (pack dist as is).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(root, `${pkg.name}-${pkg.version}.vsix`));

if (!args.includes('--no-build')) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
}

// tree-sitter 0.25.1's linux-x64 prebuild needs libstdc++ from GCC 13 (GLIBCXX_3.4.31), which
// Debian 12 and Ubuntu 22.04 lack: it fails to load there with ERR_DLOPEN_FAILED. When npm built
// the binding from source on this machine (node_modules/tree-sitter/build/Release), that build
// targets the older libstdc++ and loads on both old and new systems, so it takes the linux-x64
// prebuild's place inside the package — only while vsce packs; node_modules is restored after.
const tsDir = path.dirname(require.resolve('tree-sitter/package.json'));
const prebuild = path.join(tsDir, 'prebuilds', 'linux-x64', 'tree-sitter.node');
const localBuild = path.join(tsDir, 'build', 'Release', 'tree_sitter_runtime_binding.node');
const saved = `${prebuild}.upstream`;
let swapped = false;
if (process.platform === 'linux' && process.arch === 'x64' && existsSync(localBuild) && existsSync(prebuild) && !loads(prebuild) && loads(localBuild)) {
  copyFileSync(prebuild, saved);
  copyFileSync(localBuild, prebuild);
  swapped = true;
  process.stdout.write('package: linux-x64 tree-sitter binding taken from the local build (the upstream prebuild needs GLIBCXX_3.4.31)\n');
}

try {
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--out', out], {
    cwd: root,
    stdio: 'inherit',
    // vsce would ask before packing without a LICENSE or repository; never wait for an answer.
    env: { ...process.env, npm_config_yes: 'true', CI: 'true' },
  });
} finally {
  if (swapped) {
    copyFileSync(saved, prebuild);
    rmSync(saved);
  }
}

/** Whether a native module loads in this Node (checked in a child process, so a failure cannot poison this one). */
function loads(file) {
  try {
    execFileSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(file)})`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const bytes = statSync(out).size;
process.stdout.write(`${path.relative(process.cwd(), out) || out}: ${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes} bytes)\n`);
