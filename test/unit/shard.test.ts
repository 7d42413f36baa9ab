// `--shard K/N`: parsing and which sorted positions a shard takes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseShard, shardPositions } from '../../server/src/cli/shard';

test('parseShard takes K/N with 1 ≤ K ≤ N and says what is wrong otherwise', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  assert.throws(() => parseShard('0/4'), /between 1 and 4/);
  assert.throws(() => parseShard('5/4'), /between 1 and 4/);
  assert.throws(() => parseShard('1/0'), /at least 1/);
  for (const bad of ['', '2', '2/', '/4', 'a/b', '1.5/4', '-1/4', '1/2/3']) assert.throws(() => parseShard(bad), /K\/N/, bad);
});

test('the shards of n items are disjoint, cover them all and differ in size by at most one', () => {
  for (const n of [0, 1, 5, 17, 219]) {
    for (const count of [1, 2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, k) => shardPositions(n, { index: k + 1, count }));
      assert.deepEqual(
        shards.flat().sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
      const sizes = shards.map((s) => s.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${n} items in ${count} shards: ${sizes.join(',')}`);
    }
  }
});
