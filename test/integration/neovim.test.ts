// The same flow from an editor we did not write: Neovim's built-in LSP client, headless, runs
// test/integration/nvim/lsp.lua against dist/server.js on a temp copy of the example module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const hasNvim = spawnSync('nvim', ['--version']).status === 0;
let work = '';

before(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
  work = mkdtempSync(path.join(os.tmpdir(), 'heapscope-nvim-'));
  cpSync(path.join(root, 'test-fixtures', 'example'), path.join(work, 'example'), { recursive: true });
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface NvimResult {
  diagnostics: Array<{ lnum: number; col: number; end_lnum: number; end_col: number; message: string; source: string; code: string | null }>;
  hover: string | null;
  shifted: Array<{ lnum: number; col: number; message: string }>;
  moved: boolean;
  action_title?: string;
  fixed_lines?: string[];
  error: string | null;
}

test('Neovim: diagnostics on the right code, hover, edits move them, a quick fix applies', { skip: hasNvim ? false : 'nvim not installed' }, () => {
  const out = path.join(work, 'result.json');
  const file = path.join(work, 'example', 'demo.go');
  const run = spawnSync('nvim', ['--headless', '-u', 'NONE', '-c', `luafile ${path.join(__dirname, 'nvim', 'lsp.lua')}`], {
    env: { ...process.env, HEAPSCOPE_SERVER: path.join(root, 'dist', 'server.js'), HEAPSCOPE_ROOT: path.join(work, 'example'), HEAPSCOPE_FILE: file, HEAPSCOPE_OUT: out },
    timeout: 120_000,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as NvimResult;
  assert.equal(result.error ?? null, null);
  const lines = readFileSync(file, 'utf8').split('\n');
  const moved = result.diagnostics.find((d) => d.code === 'escape.moved' && d.lnum === 15);
  assert.ok(moved, JSON.stringify(result.diagnostics));
  assert.equal(lines[moved.lnum]!.slice(moved.col, moved.end_col), 'p');
  assert.equal(moved.source, 'heapscope');
  const make = result.diagnostics.find((d) => lines[d.lnum]!.slice(d.col, d.end_col) === 'make([]byte, n)');
  assert.ok(make, 'make([]byte, n) has its diagnostic');
  assert.match(String(result.hover ?? ''), /moved to the heap/);
  assert.match(String(result.hover ?? ''), /1\. \[demo\.go:17:9\]/);
  assert.ok(result.moved, 'diagnostics moved down two lines after the edit');
  assert.ok(result.shifted.some((d) => d.lnum === moved.lnum + 2));
  // The copy-loop-var quick fix, applied by Neovim's own apply_workspace_edit after the edit above.
  assert.equal(result.action_title, 'Copy loop variable i per iteration');
  const fixed = result.fixed_lines ?? [];
  assert.deepEqual(fixed.slice(0, 2), ['// one', '// two']);
  const loop = fixed.findIndex((l) => l.includes('for i := 0; i < len(xs); i++ {'));
  assert.ok(loop > 0, fixed.join('\n'));
  assert.equal(fixed[loop + 1], '\t\ti := i');
  assert.equal(fixed.length, lines.length - 1 + 3, 'two lines inserted by the test, one by the fix (lines ends with the empty string after the last newline)');
});
