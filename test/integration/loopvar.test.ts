// go vet's loopclosure analyzer and Heapscope's loop-variable warning on the same go 1.21 code:
// vet reports fewer cases (only the last statement of a loop body: go, defer, errgroup, and
// parallel subtests), and each one it reports must be a Heapscope warning on the same line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runPipeline } from '../../server/src/pipeline/index';

const run = promisify(execFile);
const MODULE = path.resolve(__dirname, '../../test-fixtures/markers/loopvar');

/** `file:line` of each vet loopclosure report in the module. */
async function vetLoopclosure(dir: string): Promise<string[]> {
  const out = await run('go', ['vet', '-loopclosure', './...'], { cwd: dir }).then(
    (r) => r.stderr,
    (err: { stderr?: string }) => err.stderr ?? '',
  );
  return out
    .split('\n')
    .flatMap((l) => {
      const m = /^(?:\.\/)?(\S+\.go):(\d+):\d+: loop variable \S+ captured by func literal/.exec(l);
      return m ? [`${m[1]}:${m[2]}`] : [];
    })
    .sort();
}

test('every go vet -loopclosure report on a go 1.21 module is a loopvar.capture warning', { timeout: 120_000 }, async () => {
  const vet = await vetLoopclosure(MODULE);
  assert.ok(vet.length >= 3, `vet reports the fixture's go, defer and parallel subtest: ${vet.join(', ')}`);
  const { raw } = await runPipeline({ compile: { cwd: MODULE, patterns: ['./...'], tests: false }, fixes: { only: ['copy-loop-var'] } });
  const ours = new Set(raw.filter((f) => f.kind === 'loopvar.capture' && f.severity === 'warning').map((f) => `${path.relative(MODULE, f.file)}:${f.line}`));
  assert.deepEqual(
    vet.filter((v) => !ours.has(v)),
    [],
    'vet reports that are not warnings',
  );
});
