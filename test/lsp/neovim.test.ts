// Issue 14.6: the README's Neovim snippet (and examples/editor/neovim.lua) on the Neovim that
// Debian ships (0.7 on bookworm; 0.10+ elsewhere): headless Neovim loads the snippet as its
// config, opens an app.pipecd.yaml, the snippet attaches `kanaria lsp --stdio` and Neovim gets
// Kanaria's diagnostics.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliCommand, ROOT } from "../helpers/cli.ts";
import { requirement } from "../helpers/requirement.ts";

const version = spawnSync("nvim", ["--version"], { encoding: "utf8" });
const hasNvim = version.status === 0;

/** The ```lua block of the README's "### Neovim" section. */
function readmeSnippet(): string {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const section = readme.slice(readme.indexOf("### Neovim"));
  const m = /```lua\n([\s\S]*?)```/.exec(section);
  assert.ok(m, "README has a lua block under ### Neovim");
  return m[1];
}

function runNeovim(snippet: string): { version: unknown; clients: number; diagnostics: { lnum: number; message: string; code?: string }[] } {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-nvim-"));
  // `kanaria` on PATH, as the snippet expects.
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const [cmd, argv] = cliCommand([]);
  writeFileSync(join(bin, "kanaria"), `#!/bin/sh\nexec ${[cmd, ...argv].map((a) => `'${a}'`).join(" ")} "$@"\n`);
  chmodSync(join(bin, "kanaria"), 0o755);
  // A repository with the example canary, broken: canary weight 120.
  const repo = join(dir, "repo");
  cpSync(`${ROOT}examples/canary`, join(repo, "deploy"), { recursive: true });
  mkdirSync(join(repo, ".git"));
  const app = join(repo, "deploy/app.pipecd.yaml");
  writeFileSync(app, readFileSync(app, "utf8").replace("canary: 20", "canary: 120"));
  writeFileSync(join(dir, "snippet.lua"), snippet);
  const out = join(dir, "out.json");
  writeFileSync(
    join(dir, "init.lua"),
    `dofile(${JSON.stringify(join(dir, "snippet.lua"))})
vim.api.nvim_create_autocmd("VimEnter", { callback = function()
  vim.wait(180000, function() return #vim.diagnostic.get(0) > 0 end, 100)
  local ds = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(ds, { lnum = d.lnum, message = d.message, code = d.code }) end
  local clients = vim.lsp.get_active_clients and vim.lsp.get_active_clients() or vim.lsp.get_clients()
  vim.fn.writefile({ vim.fn.json_encode({ version = vim.version(), clients = #clients, diagnostics = ds }) }, ${JSON.stringify(out)})
  vim.cmd("qa!")
end })
`,
  );
  const r = spawnSync("nvim", ["--headless", "--clean", "-u", join(dir, "init.lua"), app], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    timeout: 300_000,
  });
  assert.equal(r.status, 0, `nvim: ${r.stdout}${r.stderr}`);
  return JSON.parse(readFileSync(out, "utf8"));
}

describe(`Neovim (${hasNvim ? version.stdout.split("\n")[0] : "not installed"}) attaches kanaria lsp`, { ...requirement("neovim", hasNvim, "Neovim is not installed (apt-get install -y neovim)") }, () => {
  for (const [name, snippet] of [
    ["the README's snippet", () => readmeSnippet()],
    ["examples/editor/neovim.lua", () => readFileSync(`${ROOT}examples/editor/neovim.lua`, "utf8")],
  ] as const) {
    test(`${name}: diagnostics for a broken app`, () => {
      const got = runNeovim(snippet());
      assert.equal(got.clients, 1, JSON.stringify(got));
      const d = got.diagnostics.find((x) => /canary weight 120 is outside 0–100/.test(x.message));
      assert.ok(d, JSON.stringify(got));
      assert.equal(d.lnum, 28, "0-based line of `canary: 120`");
    });
  }
});
