// `npm run record-fixtures`: records the Go compiler's -m=2 output for the fixture modules with
// several Go releases into test-fixtures/recorded/<goversion>/<module>.<variant>.txt, and the
// compiled archive of test-fixtures/truth (`truth.a`) with the toolchain's builtin symbol names
// (`goobj-builtins.names`), which the evidence stage's tests read the allocator calls from.
// The parser's snapshot tests read these files, so a new Go release's format change shows up as a
// reviewed diff. Old toolchains come through the Go module proxy (GOTOOLCHAIN=goX.Y.Z).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { builtinNamesFromSource } from '../server/src/engine/goObject';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..');

/** The modules recorded: name → directory under the repository root. */
const MODULES: Record<string, string> = {
  families: 'test-fixtures/families',
  example: 'test-fixtures/example',
  truth: 'test-fixtures/truth',
};

/** Copies the compiled archive of test-fixtures/truth and the toolchain's builtin names into outDir. */
async function recordObject(toolchain: string, outDir: string): Promise<void> {
  const env = { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '-mod=mod' };
  const dir = path.join(repoRoot, 'test-fixtures', 'truth');
  const { stdout: exportFile } = await run('go', ['list', '-export', '-f', '{{.Export}}', '.'], { cwd: dir, env });
  copyFileSync(exportFile.trim(), path.join(outDir, 'truth.a'));
  const { stdout: goroot } = await run('go', ['env', 'GOROOT'], { cwd: dir, env });
  const names = builtinNamesFromSource(readFileSync(path.join(goroot.trim(), 'src/cmd/internal/goobj/builtinlist.go'), 'utf8'));
  writeFileSync(path.join(outDir, 'goobj-builtins.names'), names.join('\n') + '\n');
}

/** One way of running the compiler: the file suffix, the go arguments and the oldest Go minor it applies to. */
interface Variant {
  name: string;
  args: string[];
  minMinor: number;
}

const VARIANTS: Variant[] = [
  { name: 'build', args: ['build', '-gcflags=-m=2', './...'], minMinor: 0 },
  // This is how Heapscope really runs the compiler: one go list that compiles every package and its tests.
  { name: 'list', args: ['list', '-e', '-export', '-test', '-json=ImportPath', '-gcflags=-m=2', './...'], minMinor: 0 },
  // -d=loopvar=2 reports per-iteration loop variables; the flag exists since Go 1.22.
  { name: 'loopvar', args: ['build', '-gcflags=-m=2 -d=loopvar=2', './...'], minMinor: 22 },
];

/** Returns the Go minor version of a `go1.N[.P]` string. */
function minorOf(version: string): number {
  const m = /^go1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : 0;
}

/** Returns the latest go1.24.x release the module proxy knows, e.g. `go1.24.13`. */
async function latest124(): Promise<string> {
  const { stdout } = await run('go', ['list', '-m', '-versions', 'go'], { cwd: repoRoot, env: { ...process.env, GOFLAGS: '-mod=mod' } });
  const patches = stdout
    .trim()
    .split(/\s+/)
    .filter((v) => /^1\.24\.\d+$/.test(v))
    .map((v) => Number(v.split('.')[2]));
  if (patches.length === 0) throw new Error('no go1.24.x release found through the module proxy');
  return `go1.24.${Math.max(...patches)}`;
}

/** Returns the version of the `go` on PATH, e.g. `go1.26.8`. */
async function localVersion(): Promise<string> {
  const { stdout } = await run('go', ['env', 'GOVERSION'], { env: { ...process.env, GOTOOLCHAIN: 'local' } });
  return stdout.trim();
}

/** Runs one go command and returns its stderr; the compiler's messages go there, build failures included. */
async function recordOne(toolchain: string, moduleDir: string, args: string[]): Promise<string> {
  const env = { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '-mod=mod' };
  try {
    const { stderr } = await run('go', args, { cwd: moduleDir, env, maxBuffer: 256 * 2 ** 20 });
    return stderr;
  } catch (err) {
    // -m output makes no build fail, but keep whatever a failing build printed: it is data too.
    const e = err as { stderr?: string; message: string };
    if (typeof e.stderr === 'string') return e.stderr;
    throw err;
  }
}

async function main(): Promise<void> {
  const local = await localVersion();
  const toolchains = ['go1.21.13', 'go1.22.12', await latest124(), local, 'go1.27.3'];
  for (const toolchain of toolchains) {
    const outDir = path.join(repoRoot, 'test-fixtures', 'recorded', toolchain);
    mkdirSync(outDir, { recursive: true });
    const goToolchain = toolchain === local ? 'local' : toolchain;
    for (const [name, dir] of Object.entries(MODULES)) {
      for (const variant of VARIANTS) {
        if (minorOf(toolchain) < variant.minMinor) continue;
        const text = await recordOne(goToolchain, path.join(repoRoot, dir), variant.args);
        const file = path.join(outDir, `${name}.${variant.name}.txt`);
        writeFileSync(file, text);
        console.log(`${path.relative(repoRoot, file)}: ${text.split('\n').length - 1} lines`);
      }
    }
    await recordObject(goToolchain, outDir);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
