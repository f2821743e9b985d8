// `kanaria lsp --stdio` driven as an editor would: diagnostics as the app, its taskdef and
// servicedef are opened and edited, each tagged with the version it was computed for.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LspClient, uri } from "./client.ts";
import { canaryFixture, type Fixture } from "./fixture.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../../compiler/compile.ts";
import { loadRuntimeConfig } from "../../compiler/runtime-config.ts";
import { toLspDiagnostic } from "../../lsp/positions.ts";
import { generateApp, lintInvalid, schemaInvalid } from "../helpers/long-app.ts";

describe("lsp diagnostics", () => {
  let fx: Fixture;
  let client: LspClient;
  let appText: string;

  before(async () => {
    fx = canaryFixture();
    appText = fx.read("app.pipecd.yaml");
    client = LspClient.kanaria({ cwd: fx.dir });
    await client.initialize({ rootUri: uri(fx.dir) });
  });

  after(async () => {
    const code = await client.stop();
    fx.remove();
    assert.equal(code, 0, `server exit code; stderr: ${client.stderr.join("")}`);
  });

  test("initialize advertises the features", async () => {
    const c = LspClient.kanaria({ cwd: fx.dir });
    try {
      const r = await c.initialize();
      assert.equal(r.serverInfo.name, "kanaria");
      assert.equal(r.capabilities.textDocumentSync.change, 2);
      for (const cap of ["hoverProvider", "completionProvider", "definitionProvider", "documentSymbolProvider", "codeActionProvider"]) assert.ok(r.capabilities[cap], cap);
    } finally {
      assert.equal(await c.stop(), 0);
    }
  });

  test("a valid app publishes no diagnostics, for the opened version", async () => {
    const u = client.open(fx.app, appText, 1);
    const d = await client.diagnostics(u, 1);
    assert.deepEqual(d.diagnostics, []);
  });

  test("an edit re-checks at once: schema error at the exact range", async () => {
    const u = uri(fx.app);
    const since = client.notifications.length;
    client.change(u, 2, appText.replace("strategy: THRESHOLD", "strategy: THRESHOLDS"));
    const d = await client.diagnostics(u, 2, since);
    assert.equal(d.diagnostics.length, 1);
    const [diag] = d.diagnostics;
    assert.equal(diag.code, "schema");
    assert.equal(diag.severity, 1);
    assert.equal(diag.source, "kanaria");
    assert.match(diag.message, /THRESHOLDS/);
    const line = appText.split("\n").findIndex((l) => l.includes("strategy: THRESHOLD"));
    const col = appText.split("\n")[line].indexOf("THRESHOLD");
    assert.deepEqual(diag.range, { start: { line, character: col }, end: { line, character: col + "THRESHOLDS".length } });
  });

  test("lint rules run in the editor too (scale-range), and fixing clears them", async () => {
    const u = uri(fx.app);
    let since = client.notifications.length;
    client.change(u, 3, appText.replace("scale: 25", "scale: 250"));
    const d = await client.diagnostics(u, 3, since);
    assert.deepEqual(
      d.diagnostics.map((x: any) => x.code),
      ["scale-range"],
    );
    assert.equal(d.diagnostics[0].range.start.line, appText.split("\n").findIndex((l) => l.includes("scale: 25")));
    since = client.notifications.length;
    client.change(u, 4, appText);
    assert.deepEqual((await client.diagnostics(u, 4, since)).diagnostics, []);
  });

  test("unknown provider is checked against .kanaria/runtime.yaml", async () => {
    const u = uri(fx.app);
    const since = client.notifications.length;
    client.change(u, 5, appText.replace("provider: datadog", "provider: datadgo"));
    const d = await client.diagnostics(u, 5, since);
    assert.deepEqual(
      d.diagnostics.map((x: any) => x.code),
      ["unknown-provider"],
    );
    client.change(u, 6, appText);
    await client.diagnostics(u, 6, since);
  });

  test("a half-typed document gets a yaml-syntax diagnostic, not a crash", async () => {
    const u = uri(fx.app);
    const since = client.notifications.length;
    client.change(u, 7, appText.replace("      - name: ECS_PRIMARY_ROLLOUT", '      - name: "ECS_PRIM\n    sc: [\n'));
    const d = await client.diagnostics(u, 7, since);
    assert.ok(d.diagnostics.length >= 1);
    assert.ok(d.diagnostics.every((x: any) => x.code === "yaml-syntax"));
    client.change(u, 8, appText);
    assert.deepEqual((await client.diagnostics(u, 8, since)).diagnostics, []);
  });

  test("errors in a referenced taskdef (not open) are published to the taskdef's uri", async () => {
    const original = fx.read("taskdef.yaml");
    fx.write("taskdef.yaml", original.replace("essential: true", "essential: maybe"));
    try {
      const u = uri(fx.app);
      const since = client.notifications.length;
      client.change(u, 9, `${appText}\n`);
      const app = await client.diagnostics(u, 9, since);
      assert.deepEqual(app.diagnostics, []);
      // Published by the same compile, right after the app's own diagnostics.
      const appIndex = client.notifications.findIndex((n, i) => i >= since && n.params?.uri === u && n.params.version === 9);
      const td = await client.diagnostics(uri(fx.taskdef), undefined, appIndex + 1);
      assert.deepEqual(
        td.diagnostics.map((x: any) => [x.code, x.range.start.line]),
        [["schema", 10]],
      );
      assert.equal(td.version, undefined, "a file that is not open has no version");
    } finally {
      fx.write("taskdef.yaml", original);
    }
  });

  test("editing the open taskdef re-checks the app: ECS rules see the buffer, not the disk", async () => {
    const tdText = fx.read("taskdef.yaml");
    const tdUri = client.open(fx.taskdef, tdText, 1);
    assert.deepEqual((await client.diagnostics(tdUri, 1)).diagnostics, []);
    const since = client.notifications.length;
    client.change(tdUri, 2, tdText.replace("networkMode: awsvpc", "networkMode: bridge"));
    const td = await client.diagnostics(tdUri, 2, since);
    assert.deepEqual(
      td.diagnostics.map((x: any) => x.code),
      ["ecs-fargate-network-mode"],
    );
    assert.deepEqual(td.diagnostics[0].range.start, { line: 2, character: 13 });
    // The app is re-published too (for its own, unchanged, version).
    const app = await client.diagnostics(uri(fx.app), 9, since);
    assert.deepEqual(app.diagnostics, []);
    // Back to valid: the taskdef's diagnostics clear.
    const since2 = client.notifications.length;
    client.change(tdUri, 3, tdText);
    assert.deepEqual((await client.diagnostics(tdUri, 3, since2)).diagnostics, []);
    client.notify("textDocument/didClose", { textDocument: { uri: tdUri } });
  });

  test("a servicedef checked on its own schema with no app open", async () => {
    const c = LspClient.kanaria({ cwd: fx.dir });
    try {
      await c.initialize({ rootUri: uri(fx.dir) });
      const text = fx.read("servicedef.yaml").replace("desiredCount: 4", "desiredCount: four");
      const u = c.open(fx.servicedef, text, 3);
      const d = await c.diagnostics(u, 3);
      assert.deepEqual(
        d.diagnostics.map((x: any) => [x.code, x.range.start.line]),
        [["schema", 4]],
      );
      assert.match(d.diagnostics[0].message, /desiredCount/);
      // A taskdef recognised by its content (containerDefinitions), also with no app.
      const td = c.open(`${fx.dir}/other-taskdef.yaml`, "family: x\ncontainerDefinitions:\n  - name: web\n    image: nginx\n    essential: maybe\n", 1);
      const tdd = await c.diagnostics(td, 1);
      assert.deepEqual(
        tdd.diagnostics.map((x: any) => [x.code, x.range.start.line]),
        [["schema", 4]],
      );
    } finally {
      assert.equal(await c.stop(), 0);
    }
  });

  test("the configPath initialization option wins over .kanaria/runtime.yaml", async () => {
    fx.write("alt-runtime.yaml", fx.read(".kanaria/runtime.yaml").replace("name: datadog", "name: prometheus-main"));
    const c = LspClient.kanaria({ cwd: fx.dir });
    try {
      await c.initialize({ rootUri: uri(fx.dir), initializationOptions: { configPath: "alt-runtime.yaml" } });
      const u = c.open(fx.app, appText, 1);
      const d = await c.diagnostics(u, 1);
      assert.deepEqual(
        d.diagnostics.map((x: any) => x.code),
        ["unknown-provider"],
      );
      assert.match(d.diagnostics[0].message, /prometheus-main/);
      const line = appText.split("\n").findIndex((l) => l.includes("provider: datadog"));
      const r = await c.request("textDocument/completion", { textDocument: { uri: u }, position: { line, character: appText.split("\n")[line].indexOf("datadog") } });
      assert.deepEqual(
        r.items.map((i: any) => i.label),
        ["prometheus-main"],
      );
    } finally {
      assert.equal(await c.stop(), 0);
    }
  });

  test("a burst of edits is coalesced: the last version is always published", async () => {
    const u = uri(fx.app);
    const since = client.notifications.length;
    for (let v = 20; v < 40; v++) client.change(u, v, appText.replace("scale: 25", `scale: ${v % 2 ? 250 : 25}`));
    const d = await client.diagnostics(u, 39, since);
    assert.deepEqual(
      d.diagnostics.map((x: any) => x.code),
      ["scale-range"],
    );
    const versions = client.notifications.slice(since).filter((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === u).map((n) => n.params.version);
    assert.ok(versions.length < 20, `published ${versions.length} times: superseded versions are skipped`);
    assert.deepEqual([...versions].sort((a, b) => a - b), versions, "versions only go forward");
  });

  test("on a long app, every edit publishes what a fresh compile of that version reports", async () => {
    // The server re-parses only the stages an edit touched (compiler/source/source-parser.ts);
    // a fresh compile parses the whole file. Any difference would show here.
    const path = join(fx.dir, "long.pipecd.yaml");
    const long = generateApp();
    const at = (text: string, from: string, to: string, nth: number) => {
      const parts = text.split(from);
      return parts.slice(0, nth + 1).join(from) + to + parts.slice(nth + 1).join(from);
    };
    // [text, whether it must report something]
    const versions: [string, boolean][] = [
      [schemaInvalid(long), true],
      [lintInvalid(long), true],
      [`${long}# a comment at the end\n`, false],
      [at(long, "max: 3", "max: -", 0), true], // half-typed value in one stage
      [at(long, "interval: 1m", "interval: 1", 5), true],
      [at(long, "              interval: 1m\n", "              interval: 1m\n              skipOn\n", 4), true], // a half-typed key: a YAML error in one stage
      [at(long, "      - name: ANALYSIS\n", "      - name: ANALYSIS\n        skipOn: {}\n", 2), true],
      [long.replace("          metrics:\n", "          metrics:\n  # out-dented comment\n"), false],
      [at(long, "        with:\n          duration: 5m\n", "        with:\n          duration: 5m\n   oops: 1\n", 3), true], // bad indentation: a YAML error
      [long.replace("- name: ECS_CANARY_CLEAN", "- name: ECS_CANARY_CLEAN\n      - name: ECS_CANARY_CLEAN"), false], // cleaning twice is allowed
      [long.replace("- name: ECS_CANARY_CLEAN", "- name: ECS_CANARY_CLEAN\n        with: { bogus: 1 }"), true], // the last stage, which is parsed with what follows it
      [long, false],
    ];
    const configPath = join(fx.dir, ".kanaria/runtime.yaml");
    const config = loadRuntimeConfig(configPath, readFileSync(configPath, "utf8")).config;
    const u = client.open(path, long, 1);
    await client.diagnostics(u, 1);
    for (const [i, [text, bad]] of versions.entries()) {
      const version = i + 2;
      const since = client.notifications.length;
      client.change(u, version, text);
      const got = await client.diagnostics(u, version, since);
      const fresh = compile({ appPath: path, readFile: (p) => (p === path ? text : fx.readPath(p)), config, graph: false });
      const want = fresh.diagnostics.filter((d) => d.file === path).map(toLspDiagnostic);
      assert.deepEqual(got.diagnostics, want, `version ${version}`);
      assert.equal(want.length > 0, bad, `version ${version} ${bad ? "must" : "must not"} report something: ${JSON.stringify(want.map((d) => d.message))}`);
    }
    client.notify("textDocument/didClose", { textDocument: { uri: u } });
  });

  test("closing the app clears its diagnostics", async () => {
    const u = uri(fx.app);
    const since = client.notifications.length;
    client.notify("textDocument/didClose", { textDocument: { uri: u } });
    const d = await client.diagnostics(u, undefined, since);
    assert.deepEqual(d.diagnostics, []);
  });
});
