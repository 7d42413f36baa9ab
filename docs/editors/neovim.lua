-- Heapscope in Neovim's built-in LSP client (Neovim 0.7 or later, no plugins needed).
-- Put this file in ~/.config/nvim/lua/heapscope.lua and add `require('heapscope')` to init.lua,
-- or source it directly. test/e2e/neovimConfig.test.ts runs this exact file in a headless Neovim.
--
-- The server command: `heapscope lsp --stdio` (the CLI on PATH). Override with
-- `vim.g.heapscope_cmd = { 'node', '/path/to/heapscope/dist/cli.js', 'lsp', '--stdio' }`
-- before this file runs. Settings are the VS Code ones without the `heapscope.` prefix.
local cmd = vim.g.heapscope_cmd or { 'heapscope', 'lsp', '--stdio' }

local settings = {
  heapscope = {
    analyzeOn = 'save', -- 'open' | 'save' | 'typing'
    kinds = {
      -- escape = { severity = 'warning' },
      -- ['inline.cannot'] = { enabled = true },
    },
  },
}

-- The module root: the nearest directory with go.work or go.mod above the file.
local function module_root(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  for _, name in ipairs({ 'go.work', 'go.mod' }) do
    local found = vim.fn.findfile(name, dir .. ';')
    if found ~= '' then return vim.fn.fnamemodify(found, ':p:h') end
  end
  return dir
end

local clients = {} -- one client per module root

local function attach(buf)
  local file = vim.api.nvim_buf_get_name(buf)
  if file == '' then return end
  local root = module_root(file)
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client({
      name = 'heapscope',
      cmd = cmd,
      root_dir = root,
      settings = settings,
      -- Editors without workspace/configuration can pass the same object here.
      init_options = settings.heapscope,
    })
    clients[root] = id
  end
  if id ~= nil then vim.lsp.buf_attach_client(buf, id) end
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'go',
  callback = function(args) attach(args.buf) end,
})
