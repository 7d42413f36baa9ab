// `heapscope fix --apply` writes a file only when it still holds the text the fixes were
// computed on, and atomically (a temporary file renamed over it), keeping its mode (#14.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFixedFiles } from '../../server/src/cli/fix';

test('fix --apply skips a file that changed on disk since it was read, and writes the others atomically with their mode', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-fixwrite-'));
  try {
    const a = path.join(dir, 'a.go');
    const b = path.join(dir, 'b.go');
    writeFileSync(a, 'package p // a\n', { mode: 0o640 });
    writeFileSync(b, 'package p // b\n');
    const plan = {
      originals: new Map([
        [a, 'package p // a\n'],
        [b, 'package p // b\n'],
      ]),
      texts: new Map([
        [a, 'package p // a fixed\n'],
        [b, 'package p // b fixed\n'],
      ]),
    };
    // Someone saves b after heapscope read it.
    writeFileSync(b, 'package p // b edited meanwhile\n');
    const skipped = await writeFixedFiles(plan);
    assert.deepEqual(
      skipped.map((s) => s.file),
      [b],
    );
    assert.match(skipped[0]!.reason, /changed on disk/);
    assert.equal(readFileSync(b, 'utf8'), 'package p // b edited meanwhile\n', 'the concurrent edit is kept');
    assert.equal(readFileSync(a, 'utf8'), 'package p // a fixed\n');
    assert.equal(statSync(a).mode & 0o777, 0o640, 'the mode is kept');
    assert.deepEqual(readdirSync(dir).sort(), ['a.go', 'b.go'], 'no temporary file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fix --apply writes through a symlink to its target, leaving the link a link', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-fixwrite-'));
  try {
    const target = path.join(dir, 'real.go');
    const link = path.join(dir, 'link.go');
    writeFileSync(target, 'package p\n');
    symlinkSync(target, link);
    const skipped = await writeFixedFiles({ originals: new Map([[link, 'package p\n']]), texts: new Map([[link, 'package p // fixed\n']]) });
    assert.deepEqual(skipped, []);
    assert.equal(readFileSync(target, 'utf8'), 'package p // fixed\n');
    assert.ok(lstatSync(link).isSymbolicLink(), 'still a link');
    assert.equal(readdirSync(dir).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
