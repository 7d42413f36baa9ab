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
import { runFix, type AppliedFix, type RefusedFix } from '../../server/src/cli/fix';
import { isKindShown } from '../../server/src/engine/present';
import type { Finding } from '../../server/src/engine/types';
import { runPipeline } from '../../server/src/pipeline/index';

const run = promisify(execFile);
const FIXTURES = path.resolve(__dirname, '../../test-fixtures/fixes');

/** A real module from the proxy and exactly the fixes Heapscope applies in it (`file:line id`, original lines). */
interface RealModule {
  mod: string;
  fixes: string[];
  /** Folders removed from the copy first: cgo packages that cannot build here and that nothing imports. */
  drop?: string[];
  /** Extra `go test` flags: old test files that today's vet-during-test rejects (`go vet` is still compared). */
  testFlags?: string[];
  /**
   * The loop-variable warnings `check` shows before fixing (`loopvar.capture` at severity warning),
   * `file:line`: only closures that outlive their iteration. "May" hints are not counted.
   */
  loopvarWarnings?: string[];
  /** Copy into a directory of this name: zap's tests expect the module's directory name to match [a-z0-9_-]+. */
  dirName?: string;
}

/**
 * Real modules with fast, offline tests, downloaded once into the module cache (never committed).
 * Pinning the exact fixes makes the test fail when a fix silently stops being offered. Older
 * versions (go.mod below 1.22) are chosen on purpose: only they get copy-loop-var.
 */
const REAL_MODULES: RealModule[] = [
  { mod: 'github.com/google/go-cmp@v0.6.0', fixes: ['cmp/options.go:429 prealloc-map', 'cmp/report_references.go:149 prealloc-map'] },
  { mod: 'golang.org/x/sync@v0.10.0', fixes: [] },
  { mod: 'github.com/google/uuid@v1.6.0', fixes: [] },
  {
    // go 1.17; mostly maps filled from a range, two nil slices that get the length guard.
    mod: 'github.com/google/go-jsonnet@v0.20.0',
    drop: ['c-bindings'],
    // Not offered since the capacity rules (#14.1, #13.3): ast/util_test.go:11 loops `i < n` over
    // fmt.Sprintf (n is not memory the program holds, and the body can panic); linter/linter.go:69
    // fills a map made at line 56 with statements in between, and len(roots) may differ there
    // (roots is written before, so it is not an unchanging local): a second make would allocate twice.
    fixes: [
      'internal/formatter/sort_imports.go:153 prealloc-map',
      'linter/internal/types/check.go:99 prealloc-map',
      'linter/internal/types/graph.go:43 prealloc-slice',
      'linter/linter.go:50 prealloc-map',
      'linter/linter.go:74 prealloc-map',
      'linter/linter_test.go:91 prealloc-slice',
    ],
  },
  {
    // go 1.12; its tests compare rendered tables byte for byte, so a changed row order or content fails.
    mod: 'github.com/olekukonko/tablewriter@v0.0.5',
    testFlags: ['-vet=off'],
    fixes: [
      'table.go:289 prealloc-map',
      'table.go:322 prealloc-slice',
      'table.go:349 prealloc-slice',
      'table.go:720 prealloc-slice',
      'table.go:825 prealloc-slice',
      'table_with_color.go:77 prealloc-slice',
    ],
  },
  {
    // go 1.2; a nil slice and a map (not right before the loop) filled in the same loop. Since the
    // capacity rules (#14.1, #13.3) the map gets no fix (made at line 77 with `var keys` in
    // between, over `elements`, which Unmarshal wrote: not an unchanging local, and a second make
    // would allocate twice), nor sort_test.go's `i < 10000` loops over rand.Int() (a count above
    // the small-constant bound, with a call in the body that the rule must assume can panic).
    mod: 'github.com/emirpasic/gods@v1.18.1',
    fixes: ['maps/linkedhashmap/serialization.go:80 prealloc-slice'],
  },
  {
    // go 1.11; table tests whose closures are stored in a package variable.
    mod: 'github.com/urfave/cli@v1.22.14',
    fixes: ['help_test.go:267 copy-loop-var', 'help_test.go:356 copy-loop-var', 'help_test.go:594 copy-loop-var', 'help_test.go:665 copy-loop-var'],
  },
  {
    // go 1.19; subtests, synchronous test helpers (withLogger), benchmarks with b.RunParallel.
    // The two warnings are goroutines (joined before the subtest returns, but a go statement
    // outlives its iteration as far as the rules can tell); five closures passed to testify's
    // assert.Panics and zapcore marshaler conversions, which escape, are "may" hints and refused.
    mod: 'go.uber.org/zap@v1.27.0',
    dirName: 'zap',
    fixes: ['logger_bench_test.go:341 copy-loop-var', 'logger_test.go:951 copy-loop-var'],
    loopvarWarnings: ['logger_bench_test.go:341', 'logger_test.go:951'],
  },
  {
    // go 1.20; recovery_test.go:134 (a handler stored in a router inside a non-parallel subtest)
    // is a "may" hint now, its fix refused.
    mod: 'github.com/gin-gonic/gin@v1.10.0',
    // Its integration tests listen on fixed ports (8080, 8443, 5150, …) that may be taken here.
    testFlags: ['-skip', '^Test(Run(Empty|TLS|EmptyWithEnv|TooMuchParams|WithPort)|Pusher|TreeRunDynamicRouting)$'],
    fixes: [],
    loopvarWarnings: [],
  },
  {
    // go 1.20; a defer inside a t.Run body (mux_test.go:701) is no warning; a handler converted
    // with http.HandlerFunc and stored in a router is a "may" hint.
    mod: 'github.com/go-chi/chi/v5@v5.2.3',
    fixes: ['middleware/route_headers.go:66 prealloc-slice'],
    loopvarWarnings: [],
  },
  {
    // go 1.19; adds "strconv" to two import blocks that keep their fmt.
    mod: 'github.com/magiconair/properties@v1.8.7',
    fixes: ['load_test.go:144 sprintf-itoa', 'properties_test.go:940 sprintf-itoa'],
  },
];

async function go(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const r = await run('go', args, { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod', ...env }, maxBuffer: 64 << 20 });
    return r.stdout + r.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`go ${args.join(' ')} in ${dir} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`, { cause: err });
  }
}

function copyModule(src: string, dirName?: string): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-fixes-'));
  const dir = dirName ? path.join(tmp, dirName) : tmp;
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

async function fix(dir: string, args: string[]): Promise<{ code: number; applied: AppliedFix[]; refused: RefusedFix[]; stderr: string }> {
  let out = '';
  let err = '';
  const code = await runFix(['--json', ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s) }, dir);
  assert.equal(code, 0, err);
  const plan = JSON.parse(out) as { applied: AppliedFix[]; refused: RefusedFix[] };
  return { code, applied: plan.applied, refused: plan.refused, stderr: err };
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
async function applyAndVerify(dir: string, testEnv: Record<string, string>, testFlags: string[] = []): Promise<{ applied: AppliedFix[]; refused: RefusedFix[] }> {
  // Some real modules predate today's gofmt; the fixes skip such files, so nothing new may appear.
  const before = (await run('gofmt', ['-l', '.'], { cwd: dir })).stdout.trim();
  const vetBefore = await vetDiagnostics(dir);
  const { applied, refused } = await fix(dir, ['--apply']);
  const unformatted = (await run('gofmt', ['-l', '.'], { cwd: dir })).stdout.trim();
  assert.equal(unformatted, before, `gofmt -l after fixing:\n${unformatted}`);
  const fixedFiles = [...new Set(applied.map((a) => a.file))];
  if (fixedFiles.length) assert.equal((await run('gofmt', ['-l', ...fixedFiles], { cwd: dir })).stdout.trim(), '');
  // Some real modules have vet findings of their own: the fixes must add none.
  const vetAfter = await vetDiagnostics(dir);
  assert.deepEqual(
    vetAfter.filter((d) => !vetBefore.includes(d)),
    [],
    'new go vet diagnostics',
  );
  await go(dir, ['build', './...']);
  await go(dir, ['test', '-count=1', ...testFlags, './...'], testEnv);
  const again = await fix(dir, []);
  assert.deepEqual(again.applied, [], 'a second run must find nothing more to do');
  return { applied, refused };
}

/** The `// want: id…` markers of a module's Go files as `file:line id` strings. */
function wantMarkers(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.go'))) {
    readFileSync(path.join(dir, name), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const ids = /\/\/ want: ([\w\- ]+)$/.exec(line)?.[1];
        if (ids !== undefined) for (const id of ids.trim().split(/\s+/)) out.push(`${name}:${i + 1} ${id}`);
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
      const { applied } = await applyAndVerify(dir, { HEAPSCOPE_FIXED: '1' });
      assert.equal(applied.length, offered.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The findings `heapscope check ./...` shows in a module (the kinds shown by default), fixes included. */
async function checkFindings(dir: string): Promise<Finding[]> {
  const { raw } = await runPipeline({ compile: { cwd: dir, patterns: ['./...'], tests: true }, selectKind: (k) => isKindShown(k, {}), fixes: {} });
  return raw.filter((f) => isKindShown(f.kind, {}));
}

/** The loop-variable warnings among them, as `file:line` relative to the module. */
function loopvarWarningsOf(dir: string, findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.kind === 'loopvar.capture' && f.severity === 'warning')
    .map((f) => `${path.relative(dir, f.file)}:${f.line}`)
    .sort();
}

for (const { mod, fixes, drop = [], testFlags = [], loopvarWarnings: warnings, dirName } of REAL_MODULES) {
  test(`real module ${mod}: exactly the pinned fixes, and they keep gofmt, vet, build and tests green`, { timeout: 600_000 }, async () => {
    const info = JSON.parse(await go(os.tmpdir(), ['mod', 'download', '-json', mod])) as { Dir: string };
    assert.ok(existsSync(info.Dir));
    const dir = copyModule(info.Dir, dirName);
    try {
      for (const d of drop) rmSync(path.join(dir, d), { recursive: true });
      // The tests must pass before fixing, or a failure after it would prove nothing.
      await go(dir, ['test', '-count=1', ...testFlags, './...']);
      const shown = await checkFindings(dir);
      if (warnings) assert.deepEqual(loopvarWarningsOf(dir, shown), [...warnings].sort(), 'the loop-variable warnings');
      const { applied, refused } = await applyAndVerify(dir, {}, testFlags);
      // One decision for check and fix: each fix check shows is applied or refused with a reason.
      const where = (a: { file: string; line: number; id: string }): string => `${path.relative(dir, a.file)}:${a.line} ${a.id}`;
      assert.deepEqual(
        [...applied.map(where), ...refused.map(where)].sort(),
        shown.flatMap((f) => f.fixes.map((x) => `${path.relative(dir, f.file)}:${f.line} ${x.id}`)).sort(),
        'check and fix agree',
      );
      const got = applied.map((a) => `${path.relative(dir, a.file)}:${a.line} ${a.id}`).sort();
      assert.deepEqual(got, [...fixes].sort(), 'the fixes applied');
    } finally {
      rmSync(dirName ? path.dirname(dir) : dir, { recursive: true, force: true });
    }
  });
}
