// The evidence stage's disk cache: where it lives, that a bad entry is a miss, and that it stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evidenceCacheDir, readCachedCalls, trimCache, writeCachedCalls } from '../../server/src/engine/evidenceCache';
import type { ObjectCall } from '../../server/src/engine/goObject';

const call: ObjectCall = {
  target: 'runtime.newobject',
  symbol: 'example.com/p.F',
  offset: 12,
  frames: [{ func: 'example.com/p.F', file: '/m/p.go', line: 7 }],
};

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-evidence-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the cache directory: HEAPSCOPE_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
  assert.equal(evidenceCacheDir({ HEAPSCOPE_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }), path.join('/c', 'evidence'));
  assert.equal(evidenceCacheDir({ XDG_CACHE_HOME: '/x' }), path.join('/x', 'heapscope', 'evidence'));
  assert.equal(evidenceCacheDir({}), path.join(os.homedir(), '.cache', 'heapscope', 'evidence'));
});

test('an entry is read back under its key only, and a bad entry is a miss', async (t) => {
  const dir = tempDir(t);
  await writeCachedCalls(dir, 'k1', [call]);
  assert.deepEqual(await readCachedCalls(dir, 'k1'), [call]);
  assert.equal(await readCachedCalls(dir, 'k2'), null);
  const [entry] = readdirSync(dir).filter((n) => n.endsWith('.json'));
  assert.ok(entry, 'one entry written');
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.tmp')).length, 0, 'the temporary file was renamed');
  writeFileSync(path.join(dir, entry), '{"key":"k1","calls":[{"target":"runtime.newobject"');
  assert.equal(await readCachedCalls(dir, 'k1'), null, 'half an entry');
  writeFileSync(path.join(dir, entry), JSON.stringify({ key: 'k1', calls: [{ target: 'runtime.newobject' }] }));
  assert.equal(await readCachedCalls(dir, 'k1'), null, 'a call without frames');
});

test('trimming removes the least recently used entries until the rest fit, at most once per interval', async (t) => {
  const dir = tempDir(t);
  const hour = 60 * 60 * 1000;
  const now = Date.now() / 1000;
  for (const [i, name] of ['old', 'mid', 'new'].entries()) {
    writeFileSync(path.join(dir, `${name}.json`), 'x'.repeat(100));
    utimesSync(path.join(dir, `${name}.json`), now - 300 + i * 100, now - 300 + i * 100);
  }
  writeFileSync(path.join(dir, 'dead.json.1.abc.tmp'), 'x');
  utimesSync(path.join(dir, 'dead.json.1.abc.tmp'), now - 7200, now - 7200);
  assert.equal(await trimCache(dir, 250, hour), 2);
  assert.deepEqual(readdirSync(dir).sort(), ['mid.json', 'new.json', 'trim.txt']);
  // Trimmed just now: a second trim within the interval leaves the directory alone.
  writeFileSync(path.join(dir, 'more.json'), 'x'.repeat(100));
  assert.equal(await trimCache(dir, 250, hour), 0);
  assert.equal(readdirSync(dir).length, 4);
});
