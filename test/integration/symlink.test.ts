// A module opened through a symlinked directory (macOS's temporary directory is one), with the
// real `go`: the language server's process has an inherited $PWD that spells the directory
// differently (an editor started elsewhere). go trusts $PWD when it names the directory it runs
// in, and otherwise reports the resolved path, so the files it lists were not the files open.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Session } from '../../server/src/lsp/session';
import type { StatusParams } from '../../server/src/protocol';

const repoRoot = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'heapscope-symlink-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a file opened through a symlinked directory gets its diagnostics, whatever $PWD the server inherited', { timeout: 120_000 }, async () => {
  cpSync(path.join(repoRoot, 'test-fixtures/example'), path.join(tmp, 'real'), { recursive: true });
  symlinkSync(path.join(tmp, 'real'), path.join(tmp, 'link'));
  const file = path.join(tmp, 'link', 'demo.go');
  const savedPwd = process.env.PWD;
  // An inherited $PWD naming another directory: go must not take the resolved path from getcwd.
  process.env.PWD = '/';
  let resolveOk: (s: StatusParams) => void;
  const settled = new Promise<StatusParams>((r) => (resolveOk = r));
  const published = new Map<string, number>();
  const session = new Session({
    publish: (uri, d) => void published.set(uri, d.length),
    status: (s) => {
      if (s.state !== 'analysing' && s.state !== 'idle') resolveOk(s);
    },
    log: () => undefined,
    progress: async () => ({ done: () => undefined }),
    showMessage: () => undefined,
    refreshHints: () => undefined,
  });
  try {
    const uri = pathToFileURL(file).toString();
    session.open(uri, 1, readFileSync(file, 'utf8'));
    const status = await settled;
    assert.equal(status.state, 'ok', status.message);
    assert.ok(status.heapAllocations > 0, status.message);
    assert.ok((published.get(uri) ?? 0) > 0, 'diagnostics published on the file as opened');
  } finally {
    process.env.PWD = savedPwd;
    await session.dispose();
  }
});
