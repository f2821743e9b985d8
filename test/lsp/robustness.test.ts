// The editor sends every intermediate state of a file: every prefix of a real app, every
// request at the cursor. The server must answer each (never crash, never log an error).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LspClient, uri } from "./client.ts";
import { canaryFixture, type Fixture } from "./fixture.ts";

describe("lsp robustness", () => {
  let fx: Fixture;
  let client: LspClient;

  before(async () => {
    fx = canaryFixture();
    client = LspClient.kanaria({ cwd: fx.dir });
    await client.initialize({ rootUri: uri(fx.dir) });
  });

  after(async () => {
    const code = await client.stop();
    fx.remove();
    assert.equal(code, 0, client.stderr.join(""));
  });

  test("every prefix of the app, typed one chunk at a time, with requests at the cursor", async () => {
    const full = fx.read("app.pipecd.yaml") + fx.read("taskdef.yaml").replace(/^/gm, "  # ");
    const u = client.open(fx.app, "", 1);
    let version = 1;
    for (let end = 0; end <= full.length; end += 5) {
      const text = full.slice(0, end);
      version++;
      client.change(u, version, text);
      const lines = text.split("\n");
      const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
      const doc = { textDocument: { uri: u }, position };
      const [h, c, s, a] = await Promise.all([
        client.request("textDocument/hover", doc),
        client.request("textDocument/completion", doc),
        client.request("textDocument/documentSymbol", { textDocument: { uri: u } }),
        client.request("textDocument/codeAction", { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: position }, context: { diagnostics: [] } }),
      ]);
      assert.ok(h === null || typeof h.contents === "object");
      assert.ok(c === null || Array.isArray(c.items));
      assert.ok(Array.isArray(s));
      assert.ok(Array.isArray(a));
    }
    await client.diagnostics(u, version);
    const errors = client.notifications.filter((n) => n.method === "window/logMessage" && n.params.type === 1);
    assert.deepEqual(errors.map((e) => e.params.message), []);
  });

  test("requests for unknown documents and odd positions get empty answers", async () => {
    const doc = { textDocument: { uri: uri(`${fx.dir}/nope.pipecd.yaml`) }, position: { line: 99, character: 99 } };
    assert.equal(await client.request("textDocument/hover", doc), null);
    assert.equal(await client.request("textDocument/completion", doc), null);
    const u = client.open(`${fx.dir}/b.pipecd.yaml`, "spec:\n\t- [\n  {{\n", 1);
    await client.diagnostics(u, 1);
    for (const position of [{ line: 0, character: 0 }, { line: 1, character: 40 }, { line: 50, character: 0 }, { line: 2, character: 3 }]) {
      await client.request("textDocument/hover", { textDocument: { uri: u }, position });
      await client.request("textDocument/completion", { textDocument: { uri: u }, position });
      await client.request("textDocument/definition", { textDocument: { uri: u }, position });
    }
    const errors = client.notifications.filter((n) => n.method === "window/logMessage" && n.params.type === 1);
    assert.deepEqual(errors.map((e) => e.params.message), []);
  });
});
