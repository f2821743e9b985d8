-- Kanaria language server for Neovim (0.7 and later): diagnostics, hover, completion, go to
-- definition, outline and quick fixes for app.pipecd.yaml and the servicedef/taskdef files it
-- names. Put this in init.lua (or ~/.config/nvim/plugin/kanaria.lua).
--
-- `kanaria` must be on PATH (npm i -g, or a checkout's bin/kanaria.ts). From a checkout without
-- a global install, use: cmd = { "/path/to/kanaria/node_modules/.bin/bun", "/path/to/kanaria/bin/kanaria.ts", "lsp", "--stdio" }

-- One server per repository: the folder holding .kanaria/ (runtime config) or .git.
local function kanaria_root(buf)
  if vim.fs and vim.fs.root then -- Neovim 0.10+
    return vim.fs.root(buf, { ".kanaria", ".git" })
  end
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ":p:h")
  for _, marker in ipairs({ ".kanaria", ".git" }) do
    local found = vim.fn.finddir(marker, dir .. ";")
    if found ~= "" then return vim.fn.fnamemodify(found, ":p:h:h") end
    found = vim.fn.findfile(marker, dir .. ";") -- .git is a file in a worktree
    if found ~= "" then return vim.fn.fnamemodify(found, ":p:h") end
  end
  return dir
end

local kanaria_clients = {} -- Neovim 0.7: one client per root, started by hand

vim.api.nvim_create_autocmd("FileType", {
  pattern = { "yaml", "json" },
  callback = function(args)
    local config = {
      name = "kanaria",
      cmd = { "kanaria", "lsp", "--stdio" },
      root_dir = kanaria_root(args.buf),
      -- Optional: the runtime config that lists provider names. Without it the server uses the
      -- nearest .kanaria/runtime.yaml above the app file.
      -- init_options = { configPath = "deploy/runtime.yaml" },
    }
    if vim.lsp.start then -- Neovim 0.8+
      vim.lsp.start(config)
      return
    end
    local root = config.root_dir or ""
    local id = kanaria_clients[root]
    if not id or vim.lsp.client_is_stopped(id) then
      id = vim.lsp.start_client(config)
      kanaria_clients[root] = id
    end
    if id then vim.lsp.buf_attach_client(args.buf, id) end
  end,
})
