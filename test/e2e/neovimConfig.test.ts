// The Neovim config the docs give users (docs/editors/neovim.lua) works as written: Neovim loads it
// as its init file, opens a Go file of a temp copy of the example module, and the config starts
// `heapscope lsp --stdio` (here: dist/cli.js) and attaches; diagnostics arrive on the right code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const config = path.join(root, 'docs', 'editors', 'neovim.lua');
const hasNvim = spawnSync('nvim', ['--version']).status === 0;
let work = '';

before(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
  work = mkdtempSync(path.join(os.tmpdir(), 'heapscope-nvimcfg-'));
  cpSync(path.join(root, 'test-fixtures', 'example'), path.join(work, 'example'), { recursive: true });
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What the driver writes: the client Neovim attached and the diagnostics it got. */
interface Seen {
  clients: string[];
  diagnostics: { lnum: number; col: number; end_col: number; source: string; code: string | null }[];
  error: string | null;
}

test('docs/editors/neovim.lua starts heapscope and shows diagnostics', { skip: hasNvim ? false : 'nvim not installed' }, () => {
  const out = path.join(work, 'seen.json');
  const file = path.join(work, 'example', 'demo.go');
  // The user's init is the doc's file; the test only chooses the command and reads the result.
  const init = path.join(work, 'init.lua');
  writeFileSync(init, `vim.g.heapscope_cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(root, 'dist', 'cli.js'))}, 'lsp', '--stdio' }\ndofile(${JSON.stringify(config)})\n`);
  const driver = path.join(work, 'driver.lua');
  writeFileSync(
    driver,
    `local seen = { clients = {}, diagnostics = {}, error = vim.NIL }
local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50), 'no diagnostics within 60 s')
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do table.insert(seen.clients, c.name) end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or vim.NIL
    table.insert(seen.diagnostics, { lnum = d.lnum, col = d.col, end_col = d.end_col, source = d.source, code = code })
  end
end)
if not ok then seen.error = tostring(err) end
local f = io.open(${JSON.stringify(out)}, 'w'); f:write(vim.fn.json_encode(seen)); f:close()
vim.cmd('qall!')
`,
  );
  const run = spawnSync('nvim', ['--headless', '-u', init, '-c', `luafile ${driver}`, file], { cwd: work, timeout: 120_000, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const seen = JSON.parse(readFileSync(out, 'utf8')) as Seen;
  assert.equal(seen.error, null);
  assert.deepEqual(seen.clients, ['heapscope']);
  const lines = readFileSync(file, 'utf8').split('\n');
  const moved = seen.diagnostics.find((d) => d.code === 'escape.moved' && d.lnum === 15);
  assert.ok(moved, JSON.stringify(seen.diagnostics));
  assert.equal(lines[moved.lnum]!.slice(moved.col, moved.end_col), 'p');
  assert.equal(moved.source, 'heapscope');
});
