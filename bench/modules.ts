// Real modules for the benches: fetched through the Go module proxy (once per machine into the
// module cache) and copied out of it, writable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A writable copy of module `mod` (`path@version`) in a new temporary directory named `prefix…`. */
export function moduleCopy(mod: string, prefix: string): string {
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', mod], { encoding: 'utf8', cwd: os.tmpdir() })) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${mod}: ${info.Error ?? 'no Dir'}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  execFileSync('cp', ['-r', `${info.Dir}/.`, dir]);
  execFileSync('chmod', ['-R', 'u+w', dir]);
  return dir;
}
