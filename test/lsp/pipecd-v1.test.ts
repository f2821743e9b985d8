// `kanaria lsp --stdio` on a PipeCD v1 app (kind: Application): diagnostics at the v1 nodes,
// hover and completion from the v1 schema, deploy targets from a v1 piped-shaped runtime config,
// go to definition, outline, and recognition of the file by its content.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LspClient, ROOT, uri } from "./client.ts";
import { positionOf } from "./fixture.ts";

/** Generous: a loaded machine can stall the server for seconds. */
const WAIT_MS = 60_000;

describe("lsp on a PipeCD v1 app", () => {
  let dir: string;
  let client: LspClient;
  let text: string;
  let u: string;
  let version = 1;
  const original = readFileSync(join(ROOT, "examples/v1-canary/app.pipecd.yaml"), "utf8");

  async function setText(next: string): Promise<any> {
    text = next;
    version++;
    const since = client.notifications.length;
    client.change(u, version, text);
    return client.diagnostics(u, version, since, WAIT_MS);
  }
  const at = (needle: string, offset = 0) => ({ textDocument: { uri: u }, position: positionOf(text, needle, offset) });
  const labels = async (needle: string, offset = 0) => ((await client.request("textDocument/completion", at(needle, offset), WAIT_MS))?.items ?? []).map((i: any) => i.label) as string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "kanaria-lsp-v1-"));
    cpSync(join(ROOT, "examples/v1-canary"), dir, { recursive: true });
    mkdirSync(join(dir, ".kanaria"));
    cpSync(join(ROOT, "examples/v1-canary/runtime.yaml"), join(dir, ".kanaria/runtime.yaml"));
    client = LspClient.kanaria({ cwd: dir });
    await client.initialize({ rootUri: uri(dir) });
    text = original;
    u = client.open(join(dir, "app.pipecd.yaml"), text, version);
  });

  after(async () => {
    const code = await client.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, client.stderr.join(""));
  });

  test("the valid v1 app publishes no diagnostics", async () => {
    assert.deepEqual((await client.diagnostics(u, 1, 0, WAIT_MS)).diagnostics, []);
  });

  test("schema, lint and provider errors land on the v1 nodes", async () => {
    const d = await setText(original.replace("accessType", "x").replace("        taskDefinitionFile: taskdef.yaml", "        taskDefinitionFile: taskdef.yaml\n        acessType: ELB"));
    assert.equal(d.diagnostics.length, 1, JSON.stringify(d.diagnostics));
    assert.equal(d.diagnostics[0].code, "schema");
    assert.match(d.diagnostics[0].message, /Did you mean "accessType"\?/);
    assert.deepEqual(d.diagnostics[0].range.start, positionOf(text, "acessType"));

    const lint = await setText(original.replace("scale: 25", "scale: 250").replace("deployTarget: ecs-demo", "deployTarget: ecs-prod"));
    const byCode = new Map(lint.diagnostics.map((x: any) => [x.code, x.range.start]));
    assert.deepEqual([...byCode.keys()].sort(), ["scale-range", "unknown-provider"]);
    assert.deepEqual(byCode.get("scale-range"), positionOf(text, "250"));
    assert.deepEqual(byCode.get("unknown-provider"), positionOf(text, "ecs-prod"));
    assert.deepEqual((await setText(original)).diagnostics, []);
  });

  test("hover and completion follow the v1 schema", async () => {
    const h = await client.request("textDocument/hover", at("  deployTarget:", 4), WAIT_MS);
    assert.match(h.contents.value, /\*\*deployTarget\*\* · `spec\.deployTarget`/);
    assert.match(h.contents.value, /deploy target/);
    const input = await client.request("textDocument/hover", at("serviceDefinitionFile", 2), WAIT_MS);
    assert.match(input.contents.value, /`spec\.plugins\.ecs\.input\.serviceDefinitionFile`/);
    const canary = await client.request("textDocument/hover", at("canary: 20", 1), WAIT_MS);
    assert.match(canary.contents.value, /Percentage of traffic sent to the CANARY target group/);

    await setText(original.replace("        taskDefinitionFile: taskdef.yaml", "        taskDefinitionFile: taskdef.yaml\n        "));
    const keys = await labels("taskdef.yaml\n        ", "taskdef.yaml\n        ".length);
    for (const k of ["runStandaloneTask", "accessType", "clusterArn", "awsvpcConfiguration"]) assert.ok(keys.includes(k), `${k} in ${keys}`);
    for (const k of ["autoRollback", "listenerRuleSelector", "serviceDefinitionFile"]) assert.ok(!keys.includes(k), `${k} is not offered`);
    await setText(original.replace("deployTarget: ecs-demo", "deployTarget: "));
    assert.deepEqual(await labels("deployTarget: ", 14), ["ecs-demo"]);
    await setText(original.replace("  plugin: ecs\n", "  plugin: ecs\n  pl\n"));
    const top = await labels("\n  pl\n", 5);
    assert.ok(top.includes("planner") && !top.includes("platformProvider") && !top.includes("plugin"), top.join(", "));
    await setText(original);
  });

  test("go to definition and the outline find the input under spec.plugins.ecs", async () => {
    const sd = await client.request("textDocument/definition", at("servicedef.yaml", 1), WAIT_MS);
    assert.equal(sd.uri, uri(join(dir, "servicedef.yaml")));
    const symbols = await client.request("textDocument/documentSymbol", { textDocument: { uri: u } }, WAIT_MS);
    assert.deepEqual(symbols.find((s: any) => s.name === "input")?.children.map((s: any) => s.name), ["servicedef.yaml", "taskdef.yaml"]);
    assert.equal(symbols.find((s: any) => s.name === "pipeline")?.children.length, 6);
  });

  test("a v1 ECS app is recognised by its content under any file name", async () => {
    const other = client.open(join(dir, "deploy.yaml"), original.replace("scale: 25", "scale: 250"), 1);
    const d = await client.diagnostics(other, 1, 0, WAIT_MS);
    assert.deepEqual(d.diagnostics.map((x: any) => x.code), ["scale-range"]);
    // Another plugin's v1 app is not ours: nothing is published for it.
    const k8s = client.open(join(dir, "k8s.yaml"), "apiVersion: pipecd.dev/v1beta1\nkind: Application\nspec:\n  plugin: kubernetes\n  plugins:\n    kubernetes:\n      input: {}\n", 1);
    assert.equal(await client.request("textDocument/hover", { textDocument: { uri: k8s }, position: { line: 3, character: 4 } }, WAIT_MS), null);
    // A round trip on the app, then: no diagnostics were ever published for it.
    await setText(original.replace("scale: 25", "scale: 26"));
    assert.ok(!client.notifications.some((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === k8s && n.params.diagnostics.length > 0));
  });
});
