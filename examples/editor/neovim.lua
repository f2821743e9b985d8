-- Kanaria language server for Neovim (0.10+): diagnostics, hover, completion, go to definition,
-- outline and quick fixes for app.pipecd.yaml and the servicedef/taskdef files it names.
-- Put this in init.lua (or ~/.config/nvim/plugin/kanaria.lua).
--
-- `kanaria` must be on PATH (npm i -g, or a checkout's bin/kanaria.ts). From a checkout without
-- a global install, use: cmd = { "/path/to/kanaria/node_modules/.bin/bun", "/path/to/kanaria/bin/kanaria.ts", "lsp", "--stdio" }
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "yaml", "json" },
  callback = function(args)
    vim.lsp.start({
      name = "kanaria",
      cmd = { "kanaria", "lsp", "--stdio" },
      -- One server per repository: the folder holding .kanaria/ (runtime config) or .git.
      root_dir = vim.fs.root(args.buf, { ".kanaria", ".git" }),
      -- Optional: the runtime config that lists provider names. Without it the server uses the
      -- nearest .kanaria/runtime.yaml above the app file.
      -- init_options = { configPath = "deploy/runtime.yaml" },
    })
  end,
})
