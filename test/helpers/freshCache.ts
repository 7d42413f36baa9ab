// Imported before every test file (package.json's test scripts): each test process gets an empty
// cache directory of its own, so no test passes or fails because of what an earlier run cached
// (the results cache, the compiled code's evidence cache). Removed when the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

if (!process.env.HEAPSCOPE_CACHE_DIR) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heapscope-test-cache-'));
  process.env.HEAPSCOPE_CACHE_DIR = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
