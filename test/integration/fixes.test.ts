// The safety harness for Heapscope's fixes: apply every offered fix to the fixture modules and
// to real modules from the Go module proxy, then gofmt, go vet, go build and the modules' own
// tests must all pass, and a second run must find nothing more to do. For the fixtures, the
// fixes offered must be exactly the `// want: <id>` markers, and the fixture tests pin
// behaviour and allocation counts before (HEAPSCOPE_FIXED unset) and after (=1) fixing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runFix, type AppliedFix } from '../../server/src/cli/fix';

const run = promisify(execFile);
const FIXTURES = path.resolve(__dirname, '../../test-fixtures/fixes');

/** Real modules with fast, offline tests; downloaded once into the module cache (never committed). */
const REAL_MODULES = ['github.com/google/go-cmp@v0.6.0', 'golang.org/x/sync@v0.10.0', 'github.com/google/uuid@v1.6.0'];

async function go(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const r = await run('go', args, { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod', ...env }, maxBuffer: 64 << 20 });
    return r.stdout + r.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`go ${args.join(' ')} in ${dir} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

function copyModule(src: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-fixes-'));
  cpSync(src, dir, { recursive: true });
  // The module cache is read-only.
  const walk = (d: string): void => {
    chmodSync(d, 0o755);
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else chmodSync(p, 0o644);
    }
  };
  walk(dir);
  return dir;
}

async function fix(dir: string, args: string[]): Promise<{ code: number; applied: AppliedFix[]; stderr: string }> {
  let out = '';
  let err = '';
  const code = await runFix(['--json', ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s) }, dir);
  assert.equal(code, 0, err);
  return { code, applied: (JSON.parse(out) as { applied: AppliedFix[] }).applied, stderr: err };
}

/** go vet's diagnostics without positions (fixes move lines), sorted; [] when vet passes. */
async function vetDiagnostics(dir: string): Promise<string[]> {
  try {
    await run('go', ['vet', './...'], { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod' }, maxBuffer: 64 << 20 });
    return [];
  } catch (err) {
    const text = (err as { stderr?: string }).stderr ?? '';
    return text
      .split('\n')
      .filter((l) => /^\S+\.go:\d+:\d+: /.test(l))
      .map((l) => l.replace(/:\d+:\d+: /, ': '))
      .sort();
  }
}

/** Applies everything, checks the toolchain's verdict, and that a second run has nothing to do. */
async function applyAndVerify(dir: string, testEnv: Record<string, string>): Promise<AppliedFix[]> {
  // Some real modules predate today's gofmt; the fixes skip such files, so nothing new may appear.
  const before = (await run('gofmt', ['-l', '.'], { cwd: dir })).stdout.trim();
  const vetBefore = await vetDiagnostics(dir);
  const { applied } = await fix(dir, ['--apply']);
  const unformatted = (await run('gofmt', ['-l', '.'], { cwd: dir })).stdout.trim();
  assert.equal(unformatted, before, `gofmt -l after fixing:\n${unformatted}`);
  const fixedFiles = [...new Set(applied.map((a) => a.file))];
  if (fixedFiles.length) assert.equal((await run('gofmt', ['-l', ...fixedFiles], { cwd: dir })).stdout.trim(), '');
  // Some real modules have vet findings of their own: the fixes must add none.
  const vetAfter = await vetDiagnostics(dir);
  assert.deepEqual(vetAfter.filter((d) => !vetBefore.includes(d)), [], 'new go vet diagnostics');
  await go(dir, ['build', './...']);
  await go(dir, ['test', '-count=1', './...'], testEnv);
  const again = await fix(dir, []);
  assert.deepEqual(again.applied, [], 'a second run must find nothing more to do');
  return applied;
}

/** The `// want: id…` markers of a module's Go files as `file:line id` strings. */
function wantMarkers(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.go'))) {
    readFileSync(path.join(dir, name), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = /\/\/ want: ([\w\- ]+)$/.exec(line);
        if (m) for (const id of m[1].trim().split(/\s+/)) out.push(`${name}:${i + 1} ${id}`);
      });
  }
  return out.sort();
}

for (const fixture of ['go121', 'go122']) {
  test(`fixture ${fixture}: exactly the marked fixes, and behaviour and allocations pinned before and after`, { timeout: 300_000 }, async () => {
    const dir = copyModule(path.join(FIXTURES, fixture));
    try {
      await go(dir, ['test', '-count=1', './...']);
      const dry = await fix(dir, []);
      const offered = dry.applied.map((a) => `${path.basename(a.file)}:${a.line} ${a.id}`).sort();
      assert.deepEqual(offered, wantMarkers(dir));
      const applied = await applyAndVerify(dir, { HEAPSCOPE_FIXED: '1' });
      assert.equal(applied.length, offered.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const mod of REAL_MODULES) {
  test(`real module ${mod}: every offered fix keeps gofmt, vet, build and tests green`, { timeout: 600_000 }, async () => {
    const info = JSON.parse(await go(os.tmpdir(), ['mod', 'download', '-json', mod])) as { Dir: string };
    assert.ok(existsSync(info.Dir));
    const dir = copyModule(info.Dir);
    try {
      const applied = await applyAndVerify(dir, {});
      for (const a of applied) assert.ok(['copy-loop-var', 'prealloc-slice', 'prealloc-map', 'sprintf-itoa'].includes(a.id));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
