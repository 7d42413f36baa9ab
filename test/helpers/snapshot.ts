// The one snapshot check of the test suite. UPDATE_SNAPSHOTS=1 rewrites snapshots instead of
// comparing, like rust-analyzer's UPDATE_EXPECT=1: review the diff before committing it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Whether this run rewrites snapshots (UPDATE_SNAPSHOTS=1). */
export const updatingSnapshots = process.env.UPDATE_SNAPSHOTS === '1';

/**
 * Asserts that `actual` equals the snapshot file `file`; with UPDATE_SNAPSHOTS=1 writes `actual`
 * there instead. A missing snapshot fails and says how to write it.
 */
export function assertSnapshot(file: string, actual: string): void {
  const rel = path.relative(process.cwd(), file);
  if (updatingSnapshots) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) assert.fail(`no snapshot ${rel}: run the test with UPDATE_SNAPSHOTS=1 to write it, and review it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${rel} differs (UPDATE_SNAPSHOTS=1 rewrites it; review the diff)`);
}
