// The pipeline driven by recorded compiler output, with no `go`: the same stages check, fix and the
// language server run.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { jsonDiagnostic } from '../../server/src/cli/report';
import { findingKey, SourceCache } from '../../server/src/engine/analyze';
import { dropRepeats, repeatKey } from '../../server/src/engine/repeats';
import { presentFindings } from '../../server/src/engine/present';
import type { Finding } from '../../server/src/engine/types';
import { streamPipeline, type StreamedPackage } from '../../server/src/pipeline/stream';
import { PipelineCancelled, runPipeline } from '../../server/src/pipeline/index';
import { recordedDeps, recordedRun, repoRoot } from '../helpers/recordedRun';

const example = path.join(repoRoot, 'test-fixtures/example');
const demo = path.join(example, 'demo.go');

test('the compile request reaches the injected runner unchanged, and every stage runs on its output', async () => {
  const deps = recordedDeps('example', 'go1.26.8');
  const r = await runPipeline({ compile: { cwd: example, patterns: ['./...'], tags: ['x'] }, fixes: {} }, deps);
  assert.equal(deps.requests.length, 1);
  assert.equal(deps.requests[0]?.cwd, example);
  assert.deepEqual(deps.requests[0]?.patterns, ['./...']);
  assert.deepEqual(deps.requests[0]?.tags, ['x']);
  // Findings: `p` in NewPoint is moved to the heap, on the identifier at line 16.
  const moved = r.findings.find((f) => f.kind === 'escape.moved' && f.file === demo && f.line === 16);
  assert.ok(moved, 'escape.moved for p');
  assert.equal(moved.endColumn - moved.column, 1);
  // The mapping's node type stays on the finding for the language server, out of the JSON contract.
  assert.equal(moved.nodeType, 'identifier');
  assert.ok(!('nodeType' in jsonDiagnostic(moved)));
  // Fixes: Squares' `out` gets the prealloc-slice fix, found on the same run.
  const prealloc = r.findings.find((f) => f.kind === 'prealloc.slice' && f.file === demo);
  assert.ok(prealloc, 'prealloc.slice in Squares');
  assert.deepEqual(
    prealloc.fixes.map((x) => x.id),
    ['prealloc-slice'],
  );
  assert.equal(prealloc.nodeType, undefined, 'fix findings are not mapped from a compiler line');
  assert.ok(r.fixes.some((f) => f.file === demo && f.found.includes(prealloc)));
  // Without a profile the join is the identity.
  assert.equal(r.profile, null);
  assert.equal(r.findings, r.raw);
});

test('without a fix stage there are no fix findings; the cooperative driver gives the same findings', async () => {
  const deps = recordedDeps('example', 'go1.26.8');
  const plain = await runPipeline({ compile: { cwd: example, patterns: ['.'] } }, deps);
  assert.deepEqual(plain.fixes, []);
  assert.ok(!plain.findings.some((f) => f.kind.startsWith('prealloc.')));
  const coop = await runPipeline({ compile: { cwd: example, patterns: ['.'] }, cooperative: true }, deps);
  const view = (fs: typeof plain.findings) => fs.map((f) => `${f.kind} ${path.basename(f.file)}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.message}`);
  assert.deepEqual(view(coop.findings), view(plain.findings));
});

test('scope keeps the files of one directory and drops a decision printed twice (once per package that inlines it)', async () => {
  const base = recordedRun('example', 'go1.26.8');
  const line = base.output.split('\n').find((l) => l.startsWith('./demo.go:16:2: moved to heap: p'));
  assert.ok(line);
  // The same decision once more, and one in another directory.
  const doubled = { ...base, output: `${base.output}${line}\n./other/x.go:3:2: moved to heap: q\n` };
  const deps = { prefetch: false, runCompiler: async () => doubled };
  const all = await runPipeline({ compile: { cwd: example, patterns: ['.'] } }, deps);
  const scoped = await runPipeline({ compile: { cwd: example, patterns: ['.'] }, scope: { dir: example } }, deps);
  const count = (fs: typeof all.findings) => fs.filter((f) => f.kind === 'escape.moved' && f.file === demo && f.line === 16).length;
  assert.equal(count(all.findings), 2, 'the CLI keeps every compiler line');
  assert.equal(count(scoped.findings), 1);
  assert.ok(all.findings.some((f) => f.file.endsWith(path.join('other', 'x.go'))));
  assert.ok(scoped.findings.every((f) => path.dirname(f.file) === example));
});

test('a request superseded between stages stops with PipelineCancelled', async () => {
  const deps = recordedDeps('example', 'go1.26.8');
  let asked = 0;
  await assert.rejects(runPipeline({ compile: { cwd: example, patterns: ['.'] }, fixes: {}, isCancelled: () => ++asked >= 2 }, deps), PipelineCancelled);
  assert.equal(asked, 2, 'asked after the run and after the findings; stopped before the fixes');
});

test("the runner's errors reach the caller as they are", async () => {
  const boom = new Error('go: not found');
  await assert.rejects(runPipeline({ compile: { cwd: example, patterns: ['.'] } }, { prefetch: false, runCompiler: async () => Promise.reject(boom) }), (e) => e === boom);
});

test('a fix search that fails costs the fixes, not the findings, when the request says so', async () => {
  const deps = recordedDeps('example', 'go1.26.8');
  // Reads of demo.go fail once the findings are made: the pipeline asks isCancelled after the run
  // and after the findings stage, so the second question arms the failure for the fix stage.
  const failingFixes = (fixes: { onError?: (e: unknown) => void }) => {
    let asked = 0;
    class FailingAfterFindings extends SourceCache {
      override get(file: string): ReturnType<SourceCache['get']> {
        if (file === demo && asked >= 2) throw new Error('disk gone');
        return super.get(file);
      }
    }
    return runPipeline({ compile: { cwd: example, patterns: ['.'] }, sources: new FailingAfterFindings(), fixes, isCancelled: () => ++asked < 0 }, deps);
  };
  const errors: unknown[] = [];
  const r = await failingFixes({ onError: (e) => errors.push(e) });
  assert.equal(errors.length, 1);
  assert.deepEqual(r.fixes, []);
  assert.ok(r.findings.some((f) => f.kind === 'escape.moved' && f.file === demo));
  await assert.rejects(failingFixes({}), /disk gone/);
});

test('dropRepeats keeps each allocation once: a line printed once per compiled copy; two lines on one node stay two; --all keeps every line', () => {
  const finding = (at: [number, number], text: string, message: string): Finding => ({
    file: '/m/a.go',
    line: 3,
    column: 18,
    endLine: 3,
    endColumn: 38,
    severity: 'information',
    kind: 'escape.heap',
    message,
    compiler: { line: at[0], column: at[1], message: text },
    related: [],
    fixes: [],
    alloc: null,
    packagePath: 'm',
    decision: null,
  });
  // A closure compiled on its own and again where its parent is inlined: one line twice, explained once.
  const first = finding([3, 24], 'string(b) escapes to heap', 'explained');
  const copy = finding([3, 24], 'string(b) escapes to heap', 'not explained');
  // The same text at another column of the same node: the string boxed for an interface, another allocation.
  const boxed = finding([3, 29], 'string(b) escapes to heap', 'boxed');
  assert.deepEqual(
    dropRepeats([first, copy, boxed, copy]).map((f) => f.message),
    ['explained', 'boxed'],
  );
  assert.equal(presentFindings([first, copy], {}).length, 1);
  // zap array.go:175: shape instantiations of one generic function, and a copy compiled in the
  // external test package, spell the same decision differently: one allocation.
  const shapeA = finding([3, 24], 'objectValues[go.shape.struct {},go.shape.*zap.emptyObject](values) escapes to heap', 'a');
  const shapeB = finding([3, 24], 'zap.objectValues[go.shape.*zap_test.request](zap.values) escapes to heap', 'b');
  assert.deepEqual(
    dropRepeats([shapeA, shapeB]).map((f) => f.message),
    ['a'],
  );
  assert.equal(repeatKey(shapeA), repeatKey(shapeB));
  assert.notEqual(repeatKey(shapeA), repeatKey(boxed));
  assert.equal(presentFindings([first, copy], { all: true }).length, 2);
});

test('streamPipeline: the same findings as runPipeline, package by package, compile errors once at the end', async () => {
  const whole = await runPipeline({ compile: { cwd: example, patterns: ['./...'] }, fixes: {} }, recordedDeps('example', 'go1.26.8'));
  const streamed: StreamedPackage[] = [];
  const { run, problems } = await streamPipeline({ compile: { cwd: example, patterns: ['./...'] }, fixes: {} }, (p) => void streamed.push(p), recordedDeps('example', 'go1.26.8'));
  assert.deepEqual(
    streamed.map((p) => p.run.packages.map((x) => x.importPath)),
    whole.run.packages.filter((p) => p.error === null).map((p) => [p.importPath]),
  );
  const key = (f: Finding): string => `${findingKey(f)}|${f.endLine}:${f.endColumn}|${f.fixes.map((x) => x.id).join(',')}`;
  assert.deepEqual(
    streamed
      .flatMap((p) => p.raw)
      .map(key)
      .sort(),
    whole.raw.map(key).sort(),
  );
  assert.deepEqual(run.packages, whole.run.packages);
  assert.deepEqual(problems, whole.analysis.problems);
  await assert.rejects(
    streamPipeline({ compile: { cwd: example, patterns: ['./...'] }, profile: {} as never }, () => undefined, recordedDeps('example', 'go1.26.8')),
    /does not join profiles/,
  );
});
