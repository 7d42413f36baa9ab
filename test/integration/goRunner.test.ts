// The Go runner against the real go command: scope, test variants, errors, overlay, tags, GOOS,
// workspaces, toolchains, cancellation and timeouts. Fixtures: test-fixtures/example and
// test-fixtures/runner/*.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitSections } from '../../server/src/engine/compilerSections';
import { resolveCompilerPath } from '../../server/src/engine/compilerPositions';
import { parseJsonStream, patternFromWorkingDir } from '../../server/src/engine/goList';
import { CompilerRunCancelled, CompilerRunTimeout, GoListError, runCompiler, type CompilerRun } from '../../server/src/engine/goRunner';
import { findModule, NotInModuleError, parseModFile, parseWorkUses } from '../../server/src/engine/module';
import { GoNotFoundError, GoOutputTooLargeError, setMaxConcurrentRuns } from '../../server/src/engine/processes';
import type { PackageResult } from '../../server/src/engine/types';
import { runPipeline } from '../../server/src/pipeline/index';

const repo = path.resolve(__dirname, '../..');
const example = path.join(repo, 'test-fixtures/example');
const runner = path.join(repo, 'test-fixtures/runner');
const multi = path.join(runner, 'multi');

function pkg(run: CompilerRun, importPath: string): PackageResult {
  const found = run.packages.find((p) => p.importPath === importPath);
  assert.ok(found, `package ${importPath} not in ${run.packages.map((p) => p.importPath).join(', ')}`);
  return found;
}

/** The text of the run's one output section with this header. */
function section(run: CompilerRun, packagePath: string): string {
  const { sections } = splitSections(run.output);
  const found = sections.filter((s) => s.packagePath === packagePath);
  assert.equal(found.length, 1, `one section ${packagePath} in ${sections.map((s) => s.packagePath).join(', ')}`);
  const [only] = found;
  assert.ok(only);
  return only.text;
}

/** Compiler lines `file:line:col: text` of a section, with the file resolved for the package. */
function decisions(run: CompilerRun, packagePath: string): string[] {
  const p = pkg(run, packagePath);
  return section(run, packagePath)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [, file, rest] = /^(.+?\.go):(\d+:\d+: .*)$/.exec(l) ?? [];
      return file !== undefined ? `${resolveCompilerPath(file, run.workingDir, p.files, path)}:${rest}` : l;
    });
}

/** Members of a process group, from ps (pid pgid comm). */
function groupMembers(pgids: number[]): string[] {
  return execFileSync('ps', ['-eo', 'pid,pgid,stat,comm'], { encoding: 'utf8' })
    .split('\n')
    .slice(1)
    .filter((l) => {
      const [, pgid] = l.trim().split(/\s+/);
      return pgids.includes(Number(pgid));
    });
}

test('example ./...: the test variant with its files and output, no plain duplicate, no test main', async () => {
  const run = await runCompiler({ cwd: example, patterns: ['./...'] });
  assert.equal(run.workingDir, example);
  assert.equal(run.module?.root, example);
  assert.equal(run.module?.modulePath, 'example.com/heapdemo');
  assert.match(run.goVersion, /^go1\.\d+/);
  assert.equal(run.exitCode, 0);
  assert.deepEqual(
    run.packages.map((p) => p.importPath),
    ['example.com/heapdemo [example.com/heapdemo.test]'],
  );
  const variant = pkg(run, 'example.com/heapdemo [example.com/heapdemo.test]');
  assert.equal(variant.forTest, 'example.com/heapdemo');
  assert.equal(variant.dir, example);
  assert.deepEqual(variant.files, [path.join(example, 'demo.go'), path.join(example, 'demo_test.go')]);
  assert.equal(variant.error, null);
  assert.deepEqual(
    splitSections(run.output).sections.map((s) => s.packagePath),
    ['example.com/heapdemo [example.com/heapdemo.test]'],
  );
  const lines = decisions(run, 'example.com/heapdemo [example.com/heapdemo.test]');
  assert.ok(lines.includes(`${path.join(example, 'demo.go')}:16:2: moved to heap: p`), lines.join('\n'));
  // The plain package's section would repeat every demo.go decision: each is reported once.
  assert.equal(run.output.split('\n').filter((l) => l.endsWith('demo.go:16:2: moved to heap: p')).length, 1);
  assert.ok(run.output.startsWith('# example.com/heapdemo [example.com/heapdemo.test]\n'));
  assert.doesNotMatch(run.output, /go-build/);
});

test('decisions of _test.go files and of the external test package appear, resolved to their files', async () => {
  const run = await runCompiler({ cwd: multi, patterns: ['./good'] });
  const internal = decisions(run, 'example.com/multi/good [example.com/multi/good.test]');
  assert.ok(internal.includes(`${path.join(multi, 'good/good_test.go')}:8:2: moved to heap: v`), internal.join('\n'));
  assert.ok(internal.includes(`${path.join(multi, 'good/good.go')}:9:2: moved to heap: b`));
  const external = decisions(run, 'example.com/multi/good_test [example.com/multi/good.test]');
  assert.ok(external.includes(`${path.join(multi, 'good/ext_test.go')}:12:2: moved to heap: w`), external.join('\n'));
  assert.equal(pkg(run, 'example.com/multi/good_test [example.com/multi/good.test]').forTest, 'example.com/multi/good');
  assert.equal(run.packages.length, 2);
});

test('tests: false compiles the plain package only', async () => {
  const run = await runCompiler({ cwd: multi, patterns: ['./good'], tests: false });
  assert.deepEqual(
    run.packages.map((p) => [p.importPath, p.forTest]),
    [['example.com/multi/good', null]],
  );
  assert.doesNotMatch(run.output, /good_test\.go/);
  assert.match(section(run, 'example.com/multi/good'), /good\/good\.go:9:2: moved to heap: b/);
});

test('a package that does not compile has its error; siblings are still analysed', async () => {
  const run = await runCompiler({ cwd: multi, patterns: ['./broken', './usesbroken', './sub/...'] });
  const broken = pkg(run, 'example.com/multi/broken');
  assert.match(broken.error ?? '', /^broken\/broken\.go:5:17: cannot use 1 \(untyped int constant\) as string value/);
  const uses = pkg(run, 'example.com/multi/usesbroken');
  assert.match(uses.error ?? '', /dependency[\s\S]*broken\/broken\.go:5:17/);
  const deep = pkg(run, 'example.com/multi/sub/deep');
  assert.equal(deep.error, null);
  assert.match(section(run, 'example.com/multi/sub/deep'), /moved to heap: d/);
});

test('a broken _test.go: the test variant has the error, the plain package keeps its decisions', async () => {
  const run = await runCompiler({ cwd: multi, patterns: ['./badtest'] });
  const variant = pkg(run, 'example.com/multi/badtest [example.com/multi/badtest.test]');
  assert.match(variant.error ?? '', /badtest\/badtest_test\.go:6:17: cannot use 1/);
  assert.equal(pkg(run, 'example.com/multi/badtest').error, null);
  assert.ok(decisions(run, 'example.com/multi/badtest').includes(`${path.join(multi, 'badtest/badtest.go')}:8:2: moved to heap: f`));
});

test('overlay: an unsaved buffer changes the output, the file on disk is untouched', async () => {
  const file = path.join(multi, 'good/good.go');
  const onDisk = await fs.readFile(file, 'utf8');
  const edited = onDisk.replace('\tx := n\n\treturn x', '\tx := n\n\treturn *keep(&x)') + '\nfunc keep(p *int) *int { sinkK = p; return p }\n\nvar sinkK *int\n';
  assert.notEqual(edited, onDisk);
  const before = await runCompiler({ cwd: multi, patterns: ['./good'], tests: false });
  const after = await runCompiler({ cwd: multi, patterns: ['./good'], tests: false, overlay: new Map([[file, edited]]) });
  assert.doesNotMatch(before.output, /moved to heap: x/);
  assert.match(after.output, /good\/good\.go:15:2: moved to heap: x/);
  assert.equal(await fs.readFile(file, 'utf8'), onDisk);
});

test('build tags select files', async () => {
  const plain = await runCompiler({ cwd: multi, patterns: ['./tagged'], tests: false });
  const tagged = await runCompiler({ cwd: multi, patterns: ['./tagged'], tests: false, tags: ['heapscope_extra'] });
  const extra = path.join(multi, 'tagged/extra.go');
  assert.ok(!pkg(plain, 'example.com/multi/tagged').files.includes(extra));
  assert.ok(pkg(tagged, 'example.com/multi/tagged').files.includes(extra));
  assert.doesNotMatch(plain.output, /moved to heap: e/);
  assert.match(tagged.output, /tagged\/extra\.go:7:2: moved to heap: e/);
});

test('GOOS=windows in env picks _windows.go files', async () => {
  const run = await runCompiler({ cwd: multi, patterns: ['./tagged'], tests: false, env: { GOOS: 'windows' } });
  const files = pkg(run, 'example.com/multi/tagged').files.map((f) => path.basename(f));
  assert.ok(files.includes('os_windows.go'));
  assert.ok(!files.includes('os_other.go'));
  assert.match(run.output, /tagged\/os_windows\.go:5:2: moved to heap: w/);
  assert.doesNotMatch(run.output, /moved to heap: o/);
});

test('go.work: two modules, run from the workspace directory', async () => {
  const work = path.join(runner, 'work');
  const mod = await findModule(path.join(work, 'b'));
  assert.deepEqual(mod, {
    root: path.join(work, 'b'),
    modulePath: 'example.com/b',
    goVersion: '1.21',
    toolchain: null,
    workFile: path.join(work, 'go.work'),
  });
  assert.equal((await findModule(path.join(work, 'b'), { GOWORK: 'off' }))?.workFile, null);
  const fromB = await runCompiler({ cwd: path.join(work, 'b'), patterns: ['./...', '../a'] });
  assert.equal(fromB.workingDir, work);
  assert.deepEqual(fromB.packages.map((p) => p.importPath).sort(), ['example.com/a', 'example.com/b']);
  assert.ok(decisions(fromB, 'example.com/a').includes(`${path.join(work, 'a/a.go')}:5:10: moved to heap: n`));
  assert.match(section(fromB, 'example.com/b'), /inlining call to a\.Ptr/);
});

test('running from a subdirectory gives the same working directory and paths', async () => {
  const fromRoot = await runCompiler({ cwd: multi, patterns: ['./sub/deep'] });
  const fromSub = await runCompiler({ cwd: path.join(multi, 'sub/deep'), patterns: ['.'] });
  const fromSubUp = await runCompiler({ cwd: path.join(multi, 'sub/deep'), patterns: ['../...'] });
  assert.equal(fromSub.workingDir, multi);
  assert.equal(fromSub.output, fromRoot.output);
  assert.equal(fromSubUp.output, fromRoot.output);
  assert.ok(decisions(fromSub, 'example.com/multi/sub/deep').includes(`${path.join(multi, 'sub/deep/deep.go')}:8:2: moved to heap: d`));
});

test('resolveCompilerPath maps replayed paths of another directory onto the package files', () => {
  const p: PackageResult = {
    importPath: 'example.com/multi/good',
    dir: path.join(multi, 'good'),
    forTest: null,
    files: [path.join(multi, 'good/good.go'), path.join(multi, 'good/good_test.go')],
    error: null,
  };
  const goodGo = path.join(multi, 'good/good.go');
  assert.equal(resolveCompilerPath('good/good.go', multi, p.files, path), goodGo);
  assert.equal(resolveCompilerPath('./good.go', multi, p.files, path), goodGo); // first run was in good/
  assert.equal(resolveCompilerPath('../good/good.go', multi, p.files, path), goodGo); // first run was in a sibling
  assert.equal(resolveCompilerPath('multi/good/good.go', multi, p.files, path), goodGo); // first run was above
  // A file of another package (inlined code) is not forced onto this package.
  assert.equal(resolveCompilerPath('tagged/tagged.go', multi, p.files, path), path.join(multi, 'tagged/tagged.go'));
  assert.equal(resolveCompilerPath('/usr/local/go/src/fmt/print.go', multi, p.files, path), '/usr/local/go/src/fmt/print.go');
  assert.equal(resolveCompilerPath('<autogenerated>', multi, p.files, path), '<autogenerated>');
  assert.equal(resolveCompilerPath('x/y.go', multi, undefined, path), path.join(multi, 'x/y.go'));
});

test("a subpackage's decisions in a same-named file of the module root land in the root's file, within its lines", async () => {
  // log/log.go instantiates samename.Entry of the root's log.go; go, run in the root, prints `log.go:14:7`.
  const dir = path.join(runner, 'samename');
  const { findings } = await runPipeline({ compile: { cwd: dir, patterns: ['./...'] } });
  const lineCount = new Map<string, number>();
  for (const f of findings) {
    if (!lineCount.has(f.file)) lineCount.set(f.file, (await fs.readFile(f.file, 'utf8')).split('\n').length);
    assert.ok(f.endLine <= (lineCount.get(f.file) ?? 0), `${f.file}:${f.line} is past the end of its file (${f.message})`);
  }
  const fromLog = findings.filter((f) => f.packagePath === 'example.com/samename/log' && f.kind === 'escape.heap');
  assert.ok(
    fromLog.some((f) => f.file === path.join(dir, 'log.go') && f.line === 14),
    fromLog.map((f) => `${f.file}:${f.line}`).join(', '),
  );
});

test('parseJsonStream splits concatenated objects, braces inside strings included', () => {
  const text = '{\n\t"ImportPath": "a",\n\t"Error": {"Err": "unexpected } and { \\" here"}\n}\n{"ImportPath": "b [b.test]"}\n';
  assert.deepEqual(parseJsonStream(text), [{ ImportPath: 'a', Error: { Err: 'unexpected } and { " here' } }, { ImportPath: 'b [b.test]' }]);
  assert.throws(() => parseJsonStream('{"a": 1'), SyntaxError);
});

test('parseModFile reads module, go and toolchain lines, quoted or commented', () => {
  assert.deepEqual(parseModFile('// c\nmodule "example.com/q" // c\n\ngo 1.22.3\ntoolchain go1.23.1\nrequire (\n\tx v1\n)\n'), {
    modulePath: 'example.com/q',
    goVersion: '1.22.3',
    toolchain: 'go1.23.1',
  });
  assert.deepEqual(parseModFile('go 1.21\n\nuse ./a\n'), { modulePath: '', goVersion: '1.21', toolchain: null });
});

test('outside any module: NotInModuleError for ./..., but net/http works', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'heapscope-nomod-'));
  try {
    assert.equal(await findModule(tmp), null);
    await assert.rejects(runCompiler({ cwd: tmp, patterns: ['./...'] }), (e: unknown) => {
      assert.ok(e instanceof NotInModuleError);
      assert.match(e.message, /no go\.mod or go\.work/);
      return true;
    });
    const run = await runCompiler({ cwd: tmp, patterns: ['net/http'], tests: false });
    assert.deepEqual(
      run.packages.map((p) => p.importPath),
      ['net/http'],
    );
    assert.equal(run.module, null);
    assert.equal(pkg(run, 'net/http').error, null);
    assert.match(section(run, 'net/http'), /server\.go:\d+:\d+: .*escapes to heap/);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

test('missing go binary: GoNotFoundError naming the path', async () => {
  await assert.rejects(runCompiler({ cwd: example, patterns: ['.'], goBinary: '/nonexistent/go' }), (e: unknown) => {
    assert.ok(e instanceof GoNotFoundError);
    assert.match(e.message, /\/nonexistent\/go/);
    assert.match(e.message, /goBinary/);
    return true;
  });
});

test('a pattern matching nothing and a broken go.mod are clear errors', async () => {
  await assert.rejects(runCompiler({ cwd: multi, patterns: ['./nothing/...'] }), (e: unknown) => {
    assert.ok(e instanceof GoListError);
    assert.match(e.message, /\.\/nothing\/\.\.\..*no such file or directory/);
    return true;
  });
  await assert.rejects(runCompiler({ cwd: path.join(runner, 'badmod'), patterns: ['./...'] }), (e: unknown) => {
    assert.ok(e instanceof GoListError);
    assert.match(e.message, /errors parsing go\.mod/);
    return true;
  });
});

/** Starts a run of net/http that really compiles (a unique gcflag defeats the build cache). */
function uncachedNetHttp(extra: { signal?: AbortSignal; timeoutMs?: number; onCompile?: () => void }) {
  const pgids: number[] = [];
  let compiling = false;
  const promise = runCompiler({
    cwd: os.tmpdir(),
    patterns: ['net/http'],
    tests: false,
    gcflags: ['-m=2', '-c=3', `-memprofilerate=${process.pid}${Date.now()}`],
    // -x prints each command before it runs: the event that says compile is starting.
    env: { GOFLAGS: '-x' },
    signal: extra.signal,
    timeoutMs: extra.timeoutMs,
    onStart: (pid) => pgids.push(pid),
    onStderr: (chunk) => {
      if (!compiling && /\/compile /.test(chunk)) {
        compiling = true;
        extra.onCompile?.();
      }
    },
  });
  return { promise, pgids };
}

test('cancellation mid-compile resolves quickly and leaves no process in the group', async (t) => {
  const controller = new AbortController();
  let abortedAt = 0;
  const { promise, pgids } = uncachedNetHttp({
    signal: controller.signal,
    onCompile: () => {
      abortedAt = Date.now();
      controller.abort();
    },
  });
  await assert.rejects(promise, CompilerRunCancelled);
  const took = Date.now() - abortedAt;
  assert.ok(abortedAt > 0, 'compile started before the abort');
  assert.ok(took < 1000, `cancelled in ${took} ms`);
  t.diagnostic(`cancelled ${took} ms after the abort`);
  assert.ok(pgids.length >= 1);
  assert.deepEqual(groupMembers(pgids), []);
});

test('timeout kills the run and leaves no process in the group', async () => {
  const started = Date.now();
  const { promise, pgids } = uncachedNetHttp({ timeoutMs: 400 });
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof CompilerRunTimeout);
    assert.match(e.message, /400 ms/);
    return true;
  });
  assert.ok(Date.now() - started < 2000);
  assert.deepEqual(groupMembers(pgids), []);
});

test('a queued run honours its abort signal while waiting for a slot', async () => {
  setMaxConcurrentRuns(1);
  try {
    const first = runCompiler({ cwd: example, patterns: ['./...'] });
    const controller = new AbortController();
    let queuedStarted = false;
    const queued = runCompiler({
      cwd: example,
      patterns: ['./...'],
      signal: controller.signal,
      onStart: () => (queuedStarted = true),
    });
    controller.abort();
    await assert.rejects(queued, CompilerRunCancelled);
    assert.equal(queuedStarted, false);
    assert.equal((await first).packages.length, 1);
  } finally {
    setMaxConcurrentRuns(2);
  }
});

test('Go 1.21 toolchain (GOTOOLCHAIN=go1.21.13) runs the example module', async () => {
  const run = await runCompiler({ cwd: example, patterns: ['./...'], env: { GOTOOLCHAIN: 'go1.21.13' } });
  assert.equal(run.goVersion, 'go1.21.13');
  assert.deepEqual(
    run.packages.map((p) => p.importPath),
    ['example.com/heapdemo [example.com/heapdemo.test]'],
  );
  const lines = decisions(run, 'example.com/heapdemo [example.com/heapdemo.test]');
  assert.ok(lines.includes(`${path.join(example, 'demo.go')}:16:2: moved to heap: p`));
  assert.ok(
    lines.some((l) => l.startsWith(`${path.join(example, 'demo_test.go')}:`)),
    'decisions of the test file',
  );
  // Go ≤ 1.24 writes flows with `=`.
  assert.match(run.output, /flow: ~r0 = &p:/);
});

test("the module's toolchain line is honoured when GOTOOLCHAIN allows switching", async () => {
  const dir = path.join(runner, 'toolchain');
  assert.equal((await findModule(dir))?.toolchain, 'go1.22.12');
  // GOTOOLCHAIN=auto never switches down to an older toolchain than the one running; with an
  // older default (go1.21.13+auto) the toolchain line go1.22.12 wins.
  const run = await runCompiler({ cwd: dir, patterns: ['.'], env: { GOTOOLCHAIN: 'go1.21.13+auto' } });
  assert.equal(run.goVersion, 'go1.22.12');
  assert.match(section(run, 'example.com/toolchain'), /\.\/tc\.go:6:2: moved to heap: t/);
});

test('a process that dies without cleaning up (SIGKILL) takes its go run with it', { skip: process.platform !== 'linux' }, async () => {
  // A child Node process starts an uncached compile and reports the go process group; we SIGKILL it
  // as an editor's crash or `kill -9` would. The kernel's parent-death signal must end go at once;
  // its compile children then exit on their own. SIGKILL leaves the run's temp dir behind: it goes
  // into a directory of its own, removed at the end.
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'heapscope-sigkill-'));
  const script = `
    const { runCompiler } = require(${JSON.stringify(path.join(repo, 'server/src/engine/goRunner.ts'))});
    runCompiler({ cwd: ${JSON.stringify(os.tmpdir())}, patterns: ['net/http'], tests: false,
      gcflags: ['-m=2', '-c=3', '-memprofilerate=${process.pid}${Date.now()}1'], env: { GOFLAGS: '-x', GOTMPDIR: ${JSON.stringify(tmp)} },
      onStart: (pid) => process.stdout.write('pgid ' + pid + '\\n'),
      onStderr: (c) => { if (/\\/compile /.test(c)) process.stdout.write('compiling\\n'); } }).catch(() => {});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const pgid = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /pgid (\d+)/.exec(out);
      if (m && out.includes('compiling')) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`the child exited early: ${out}`)));
  });
  child.kill('SIGKILL');
  const goGone = Date.now();
  while (existsSync(`/proc/${pgid}`) && Date.now() - goGone < 5000) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!existsSync(`/proc/${pgid}`), 'go was killed with its parent');
  // compile finishes its package and exits: nothing of the group may linger.
  const deadline = Date.now() + 120_000;
  while (groupMembers([pgid]).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(groupMembers([pgid]), []);
  await fs.rm(tmp, { recursive: true, force: true });
});

test('more compiler output than the limit stops go with a clear error instead of running out of memory', { skip: process.platform === 'win32' }, async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'heapscope-loud-'));
  try {
    // A go that prints 8 MiB on stderr, then keeps running.
    const go = path.join(dir, 'go');
    await fs.writeFile(go, '#!/bin/sh\nhead -c 8388608 /dev/zero | tr "\\0" x >&2\nexec sleep 30\n');
    await fs.chmod(go, 0o755);
    const pgids: number[] = [];
    const started = Date.now();
    await assert.rejects(runCompiler({ cwd: example, patterns: ['.'], goBinary: go, maxOutputBytes: 1024 * 1024, onStart: (pid) => pgids.push(pid) }), (e: unknown) => {
      assert.ok(e instanceof GoOutputTooLargeError, String(e));
      assert.match(e.message, /^go printed more than 1 MiB of compiler output; /);
      return true;
    });
    assert.ok(Date.now() - started < 10_000, 'stopped without waiting for go');
    assert.deepEqual(groupMembers(pgids), []);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('go.work root: ./... is spread over the modules of the workspace; ... is not a parent directory', async () => {
  const work = path.join(runner, 'work');
  const run = await runCompiler({ cwd: work, patterns: ['./...'] });
  assert.deepEqual([...new Set(run.packages.map((p) => p.importPath))].sort(), ['example.com/a', 'example.com/b']);
  assert.equal(patternFromWorkingDir('./...', multi, multi), './...');
  assert.equal(patternFromWorkingDir('./..foo', multi, multi), './..foo');
  assert.equal(patternFromWorkingDir('..', path.join(multi, 'sub'), multi), '.');
  assert.equal(patternFromWorkingDir('../..', multi, multi), path.dirname(runner));
  assert.deepEqual(parseWorkUses('go 1.21\n\nuse ./x // one\nuse (\n\t./a\n\t"./b c"\n)\n'), ['./x', './a', './b c']);
});
