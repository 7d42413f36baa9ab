-- Drives the Heapscope server from Neovim's built-in LSP client (headless) and writes what it saw
-- as JSON. Arguments come through environment variables: HEAPSCOPE_SERVER, HEAPSCOPE_ROOT,
-- HEAPSCOPE_FILE, HEAPSCOPE_OUT.
local server = os.getenv('HEAPSCOPE_SERVER')
local root = os.getenv('HEAPSCOPE_ROOT')
local file = os.getenv('HEAPSCOPE_FILE')
local out = os.getenv('HEAPSCOPE_OUT')
local result = { diagnostics = {}, hover = nil, shifted = {}, error = nil }

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'heapscope',
    cmd = { 'node', server, '--stdio' },
    root_dir = root,
  })
  assert(client_id, 'client did not start')
  vim.cmd('edit ' .. file)
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'go'
  vim.lsp.buf_attach_client(buf, client_id)
  local client = vim.lsp.get_client_by_id(client_id)

  local got = vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  assert(got, 'no diagnostics within 60 s')
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, message = d.message, source = d.source, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or vim.NIL })
  end

  -- Hover on the first moved-to-heap diagnostic.
  local target = nil
  for _, d in ipairs(result.diagnostics) do
    if d.code == 'escape.moved' and d.lnum == 15 then target = d end
  end
  assert(target, 'no escape.moved diagnostic')
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = target.lnum, character = target.col } }
  local resp = client.request_sync('textDocument/hover', params, 10000, buf)
  assert(resp and resp.result, 'no hover: ' .. vim.inspect(resp))
  result.hover = resp.result.contents.value

  -- Insert two lines at the top: diagnostics move without a recompile.
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { '// one', '// two' })
  local moved = vim.wait(5000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum == target.lnum + 2 and d.col == target.col then return true end
    end
    return false
  end, 10)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.shifted, { lnum = d.lnum, col = d.col, message = d.message })
  end
  result.moved = moved

  -- Apply the copy-loop-var quick fix (still live after the edit above) to the buffer.
  local capture = nil
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp
    if lsp and lsp.code == 'loopvar.capture' then capture = lsp end
  end
  assert(capture, 'no loopvar.capture diagnostic')
  local ca = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = capture.range,
    context = { diagnostics = { capture }, only = { 'quickfix' } },
  }, 10000, buf)
  assert(ca and ca.result and #ca.result > 0, 'no code action: ' .. vim.inspect(ca))
  local action = ca.result[1]
  result.action_title = action.title
  if not action.edit then
    local r = client.request_sync('codeAction/resolve', action, 10000, buf)
    assert(r and r.result and r.result.edit, 'codeAction/resolve gave no edit: ' .. vim.inspect(r))
    action = r.result
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  result.fixed_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  client.stop()
end)
if not ok then result.error = tostring(err) end
finish()
