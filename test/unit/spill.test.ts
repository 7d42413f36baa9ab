// The streaming pipeline's spill: findings waiting for go's package list are kept on disk.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { mappedAtOf, markMappedAt } from '../../server/src/engine/repeats';
import { FindingsSpill } from '../../server/src/pipeline/spill';
import { testFinding } from '../helpers/finding';

const spillDirs = (): string[] => readdirSync(os.tmpdir()).filter((d) => d.startsWith('heapscope-spill-'));

test('findings read back from the spill are the findings written, with their steps and mapping marks, and close removes the file', () => {
  const before = new Set(spillDirs());
  const spill = new FindingsSpill(0);
  const a = [testFinding({ message: 'größe 🙂', related: [{ file: '/x.go', line: 2, column: 3, message: 'step' }] }), testFinding({ line: 7 })];
  markMappedAt(a[1]!, { file: '/x.go', line: 9, column: 4 });
  const b = [testFinding({ kind: 'escape.moved', message: 'moved' })];
  const sa = spill.put(a);
  const sb = spill.put(b);
  assert.ok('offset' in sa && 'offset' in sb, 'both written to disk');
  const made = spillDirs().filter((d) => !before.has(d));
  assert.equal(made.length, 1, 'one private directory for the run');
  // Read in another order than written.
  const rb = spill.take(sb);
  const ra = spill.take(sa);
  assert.deepEqual(JSON.parse(JSON.stringify(ra)), JSON.parse(JSON.stringify(a)));
  assert.deepEqual(JSON.parse(JSON.stringify(rb)), JSON.parse(JSON.stringify(b)));
  assert.deepEqual(mappedAtOf(ra[1]!), { file: '/x.go', line: 9, column: 4 });
  assert.equal(mappedAtOf(ra[0]!), undefined);
  spill.close();
  assert.equal(existsSync(path.join(os.tmpdir(), made[0]!)), false, 'removed by close');
});

test('below the bound, findings stay in memory and no file is made', () => {
  const before = new Set(spillDirs());
  const spill = new FindingsSpill(Number.MAX_SAFE_INTEGER);
  const a = [testFinding({ message: 'small run' })];
  const slot = spill.put(a);
  assert.ok('findings' in slot);
  assert.equal(spill.take(slot)[0], a[0]);
  assert.deepEqual(
    spillDirs().filter((d) => !before.has(d)),
    [],
  );
  spill.close();
});

test('when the spill cannot be written the findings stay in memory: nothing is lost', () => {
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = path.join(os.tmpdir(), 'heapscope-no-such-dir', 'deeper');
  try {
    const spill = new FindingsSpill(0);
    const a = [testFinding({ message: 'kept' })];
    const slot = spill.put(a);
    assert.ok('findings' in slot, 'kept in memory');
    assert.equal(spill.take(slot)[0], a[0]);
    spill.close();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
});
