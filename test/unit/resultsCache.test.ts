// The results cache on its own: where it lives, what makes an entry a miss, and its bound.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { decodeFindings, defaultCacheDir, encodeFindings, ResultsCache, type CachedPackage } from '../../server/src/pipeline/resultsCache';
import type { Finding } from '../../server/src/engine/types';
import { dropRepeats, mappedAtOf, markBox, markMappedAt } from '../../server/src/engine/repeats';
import { testFinding } from '../helpers/finding';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-rcache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function finding(file: string, message: string): Finding {
  return testFinding({ file, message });
}

test('the cache directory: HEAPSCOPE_CACHE_DIR first, then XDG_CACHE_HOME, then ~/.cache', { skip: process.platform === 'win32' || process.platform === 'darwin' }, () => {
  assert.equal(defaultCacheDir({ HEAPSCOPE_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' }), '/x/y');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/heapscope');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }), path.join(os.homedir(), '.cache', 'heapscope'));
  assert.equal(defaultCacheDir({}), path.join(os.homedir(), '.cache', 'heapscope'));
});

test('an entry is found under the same key, and missed when a file it is about changed or its body is damaged', () => {
  const dir = path.join(tmp, 'entries');
  const src = path.join(tmp, 'a.go');
  writeFileSync(src, 'package a\n');
  const value: CachedPackage = { findings: [finding(src, 'm')], problems: [{ importPath: 'p', message: 'x' }] };
  const c1 = new ResultsCache(dir, 'salt');
  const key = c1.key('# p\nsection', [src], '');
  assert.notEqual(key, c1.key('# p\nsection', [src], 'other'), 'extra is part of the key');
  assert.notEqual(key, new ResultsCache(dir, 'other salt').key('# p\nsection', [src], ''), 'the salt is part of the key');
  assert.equal(c1.get(key), null);
  c1.put(key, value);
  assert.deepEqual(new ResultsCache(dir, 'salt').get(key), value);
  // The file changed: a new run hashes it anew and misses.
  writeFileSync(src, 'package a // changed\n');
  assert.equal(new ResultsCache(dir, 'salt').get(key), null);
  writeFileSync(src, 'package a\n');
  const c2 = new ResultsCache(dir, 'salt');
  assert.deepEqual(c2.get(key), value);
  // A damaged body: a miss, and the entry is gone.
  const [sub] = readdirSync(path.join(dir, 'results-v3'));
  const file = path.join(dir, 'results-v3', sub!, `${key}.json`);
  writeFileSync(file, '0'.repeat(64) + '\n{"deps":[],"findings":[],"problems":[]}');
  assert.equal(new ResultsCache(dir, 'salt').get(key), null);
  assert.deepEqual(readdirSync(path.join(dir, 'results-v3', sub!)), []);
});

test('past its bound the cache removes the least recently used entries', () => {
  const dir = path.join(tmp, 'bounded');
  const c = new ResultsCache(dir, 'salt', 3000);
  const keys = Array.from({ length: 6 }, (_, i) => c.key(`section ${i}`, [], ''));
  keys.forEach((k, i) => {
    c.put(k, { findings: [finding('/nonexistent.go', 'x'.repeat(800))], problems: [] });
    const file = path.join(dir, 'results-v3', k.slice(0, 2), `${k}.json`);
    const t = new Date(Date.now() - (10 - i) * 60_000);
    utimesSync(file, t, t);
  });
  // The oldest entry is used again: it is kept.
  assert.ok(c.get(keys[0]!));
  c.trim();
  const left = keys.filter((k) => c.get(k) !== null);
  assert.ok(left.includes(keys[0]!), 'recently used');
  assert.ok(left.includes(keys[5]!), 'newest');
  assert.ok(!left.includes(keys[1]!), 'least recently used is gone');
  assert.ok(left.length <= 2, `within 80 % of the bound: ${left.length} left`);
});

test('a finding read back keeps where it was mapped, so repeats are still dropped (echo bind_test.go:1370: a generic wrapper counted twice from the cache)', () => {
  const dir = path.join(tmp, 'mapped');
  const src = path.join(tmp, 'b.go');
  writeFileSync(src, 'package b\n');
  const instantiation: Finding = { ...finding(src, 'm'), compiler: { line: 1, column: 1, message: 'x escapes to heap' } };
  const wrapper: Finding = { ...finding(src, 'm'), compiler: { line: 9, column: 9, message: 'x escapes to heap' } };
  markMappedAt(wrapper, { file: src, line: 1, column: 1 });
  assert.equal(dropRepeats([instantiation, wrapper]).length, 1);
  const c = new ResultsCache(dir, 'salt');
  const key = c.key('# b\nsection', [src], '');
  c.put(key, { findings: [instantiation, wrapper], problems: [] });
  const back = new ResultsCache(dir, 'salt').get(key);
  assert.ok(back);
  assert.deepEqual(mappedAtOf(back.findings[1]!), { file: src, line: 1, column: 1 });
  assert.equal(dropRepeats(back.findings).length, 1);
});

test('a joined entry: has() checks it without reading its findings, get() returns them with their archives, a damaged head is a miss', () => {
  const dir = path.join(tmp, 'joined');
  const src = path.join(tmp, 'c.go');
  writeFileSync(src, 'package c\n');
  const c = new ResultsCache(dir, 'salt');
  const key = c.key('# c\nsection', [src], '');
  assert.equal(c.has(key, 'joined'), null);
  c.put(key, { findings: [finding(src, 'compiled')], problems: [] });
  assert.equal(c.has(key, 'joined'), null, 'the compiled entry is not the joined one');
  const joined: CachedPackage = { findings: [finding(src, 'joined')], problems: [{ importPath: 'c', message: 'p' }], exports: ['/cache/ab-d'] };
  c.put(key, joined, 'joined');
  const fresh = new ResultsCache(dir, 'salt');
  assert.deepEqual(fresh.has(key, 'joined'), { exports: ['/cache/ab-d'] });
  assert.deepEqual(fresh.get(key, 'joined'), joined);
  assert.equal(fresh.get(key)?.findings[0]?.message, 'compiled');
  // A file it is about changed: a miss for both, found by the head alone.
  writeFileSync(src, 'package c // changed\n');
  assert.equal(new ResultsCache(dir, 'salt').has(key, 'joined'), null);
  writeFileSync(src, 'package c\n');
  // A head that is not one (its checksum made right): a miss, and the entry removed.
  const file = path.join(dir, 'results-v3', key.slice(0, 2), `${key}.joined.json`);
  const rest = `{"deps":"not pairs"}\n{"findings":[],"problems":[]}`;
  writeFileSync(file, `${createHash('sha256').update(rest).digest('hex')}\n${rest}`);
  assert.equal(new ResultsCache(dir, 'salt').has(key, 'joined'), null);
  assert.ok(!existsSync(file));
  assert.ok(new ResultsCache(dir, 'salt').get(key), 'the compiled entry stays');
});

test('a finding read back keeps its interface-box mark, so a value and its box stay two findings (urfave/cli v2.27.7: a warm run dropped 153)', () => {
  const dir = path.join(tmp, 'boxes');
  const src = path.join(tmp, 'd.go');
  writeFileSync(src, 'package d\n');
  const value: Finding = { ...finding(src, 'm'), compiler: { line: 1, column: 1, message: '[]int{...} escapes to heap' } };
  const box: Finding = { ...value };
  markBox(box);
  assert.equal(dropRepeats([value, box]).length, 2);
  const c = new ResultsCache(dir, 'salt');
  const key = c.key('# d\nsection', [src], '');
  c.put(key, { findings: [value, box], problems: [], exports: ['/a-d'] }, 'joined');
  const back = new ResultsCache(dir, 'salt').get(key, 'joined');
  assert.ok(back);
  assert.equal(dropRepeats(back.findings).length, 2);
  assert.equal(dropRepeats(decodeFindings(encodeFindings([value, box]))).length, 2, 'the spill keeps it too');
});
