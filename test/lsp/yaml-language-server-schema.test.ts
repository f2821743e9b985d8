// The JSON Schemas for yaml-language-server users (the YAML extension of VS Code, Neovim's
// yamlls, Helix): a `# yaml-language-server: $schema=` line, as the README documents it, makes the
// real yaml-language-server validate the file against Kanaria's schema with no other set-up.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LspClient, ROOT, uri } from "./client.ts";

const YLS = `${ROOT}node_modules/.bin/yaml-language-server`;

describe("yaml-language-server with the documented $schema line", () => {
  test("reports a misspelt key from schema/app.schema.json, and nothing on a valid app", { timeout: 240_000 }, async () => {
    // A repository with kanaria installed from npm (node_modules/kanaria) and an app in deploy/.
    const repo = mkdtempSync(join(tmpdir(), "kanaria-yls-"));
    mkdirSync(join(repo, "node_modules"));
    symlinkSync(ROOT, join(repo, "node_modules/kanaria"));
    cpSync(`${ROOT}examples/canary`, join(repo, "deploy"), { recursive: true });
    const line = "# yaml-language-server: $schema=../node_modules/kanaria/schema/app.schema.json\n";
    const readme = readFileSync(`${ROOT}README.md`, "utf8");
    assert.ok(readme.includes(line.trim()), "the README documents this exact line");
    const valid = line + readFileSync(join(repo, "deploy/app.pipecd.yaml"), "utf8");
    const c = new LspClient(YLS, ["--stdio"], { cwd: repo });
    try {
      c.configuration = { yaml: { validate: true } };
      await c.initialize({ rootUri: uri(repo) });
      c.notify("workspace/didChangeConfiguration", { settings: { yaml: { validate: true } } });
      const path = join(repo, "deploy/app.pipecd.yaml");
      const broken = valid.replace("      - name: ECS_CANARY_CLEAN\n", "      - name: ECS_CANARY_CLEAN\n        wiht: {}\n");
      const wihtLine = broken.split("\n").findIndex((l) => l.includes("wiht:"));
      const u = c.open(path, broken, 1);
      const got = await c.diagnostics(u, undefined, 0, 60_000);
      // yaml-language-server's message for an unknown key ("Property wiht is not allowed."), on its line.
      assert.ok(
        got.diagnostics.some((d: { message: string; range: { start: { line: number } } }) => /wiht/.test(d.message) && d.range.start.line === wihtLine),
        JSON.stringify(got.diagnostics),
      );
      const since = c.notifications.length;
      c.change(u, 2, valid);
      const ok = await c.diagnostics(u, undefined, since, 60_000);
      assert.deepEqual(ok.diagnostics, []);
    } finally {
      await c.stop();
    }
  });
});
