// Hover, completion, go to definition, outline and quick fixes, over stdio.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LspClient, uri } from "./client.ts";
import { canaryFixture, positionOf, type Fixture } from "./fixture.ts";

/** The text with one single-line LSP edit (0-based line/character) applied. */
function applyLineEdit(text: string, edit: { range: { start: { line: number; character: number }; end: { character: number } }; newText: string }): string {
  const lines = text.split("\n");
  const l = lines[edit.range.start.line];
  lines[edit.range.start.line] = l.slice(0, edit.range.start.character) + edit.newText + l.slice(edit.range.end.character);
  return lines.join("\n");
}

describe("lsp features", () => {
  let fx: Fixture;
  let client: LspClient;
  let text: string;
  let u: string;
  let version = 1;

  /** Replaces the app text and waits until the server has checked it. */
  async function setText(next: string): Promise<any> {
    text = next;
    version++;
    const since = client.notifications.length;
    client.change(u, version, text);
    return client.diagnostics(u, version, since);
  }

  const at = (needle: string, offset = 0, nth = 0) => ({ textDocument: { uri: u }, position: positionOf(text, needle, offset, nth) });
  const hoverText = async (needle: string, offset = 0, nth = 0) => (await client.request("textDocument/hover", at(needle, offset, nth)))?.contents?.value as string | undefined;
  const labels = async (needle: string, offset = 0) => ((await client.request("textDocument/completion", at(needle, offset)))?.items ?? []).map((i: any) => i.label) as string[];

  before(async () => {
    fx = canaryFixture();
    text = fx.read("app.pipecd.yaml");
    client = LspClient.kanaria({ cwd: fx.dir });
    await client.initialize({ rootUri: uri(fx.dir) });
    u = client.open(fx.app, text, version);
    await client.diagnostics(u, version);
  });

  after(async () => {
    const code = await client.stop();
    fx.remove();
    assert.equal(code, 0, client.stderr.join(""));
  });

  describe("hover", () => {
    test("a key shows its schema description, path and default", async () => {
      const h = await client.request("textDocument/hover", at("failureLimit", 3));
      assert.match(h.contents.value, /\*\*failureLimit\*\* · `spec\.pipeline\.stages\[2\]\.with\.metrics\[0\]\.failureLimit`/);
      assert.match(h.contents.value, /How many failed queries are tolerated/);
      assert.match(h.contents.value, /Default: `0`/);
      const p = positionOf(text, "failureLimit");
      assert.deepEqual(h.range, { start: p, end: { line: p.line, character: p.character + "failureLimit".length } });
    });

    test("a stage's `with` follows the stage name (if/then in the schema)", async () => {
      assert.match((await hoverText("scale", 1))!, /Size of the CANARY task set/);
      assert.match((await hoverText("canary: 20", 1))!, /Percentage of traffic sent to the CANARY target group/);
    });

    test("an enum value shows the allowed values", async () => {
      const h = await hoverText("THRESHOLD", 2);
      assert.match(h!, /\*\*strategy\*\*/);
      assert.match(h!, /Allowed: `THRESHOLD`, `PREVIOUS`, `CANARY_BASELINE`, `CANARY_PRIMARY`/);
    });

    test("a stage name explains what it does to task sets and traffic", async () => {
      const h = await hoverText("ECS_CANARY_ROLLOUT", 4);
      assert.match(h!, /\*\*ECS_CANARY_ROLLOUT\*\*: Creates a CANARY task set/);
      assert.match(h!, /no traffic/);
      const clean = await hoverText("ECS_CANARY_CLEAN", 4);
      assert.match(clean!, /Deletes the CANARY task set/);
    });

    test("a template variable shows its value per variant", async () => {
      const h = await hoverText("<< .Variant.TargetGroup >>", 6);
      assert.match(h!, /\*\*\.Variant\.TargetGroup\*\*: The variant's target group/);
      assert.match(h!, /\| canary \(this query\) \| `targetgroup\/web-green\/fedcba9876543210` \|/);
      assert.match(h!, /\| primary \| `targetgroup\/web-blue\/0123456789abcdef` \|/);
      assert.match(h!, /\| baseline \| _not defined_ \|/);
    });

    test("a rule id in a suppression comment shows the rule's docs", async () => {
      await setText(text.replace("      - name: ECS_PRIMARY_ROLLOUT", "      # kanaria-disable-next-line scale-range, missing-primary-rollout\n      - name: ECS_PRIMARY_ROLLOUT"));
      const h = await hoverText("missing-primary-rollout", 3);
      assert.match(h!, /^\*\*missing-primary-rollout\*\* \((error|warning|info), lint\)/);
      assert.match(await hoverText("scale-range", 2) ?? "", /scale-range/);
    });

    test("servicedef keys hover from the ECS service schema", async () => {
      const sd = fx.read("servicedef.yaml");
      const sdUri = client.open(fx.servicedef, sd, 1);
      await client.diagnostics(sdUri, 1);
      const h = await client.request("textDocument/hover", { textDocument: { uri: sdUri }, position: positionOf(sd, "deploymentController", 2) });
      assert.match(h.contents.value, /EXTERNAL/);
      client.notify("textDocument/didClose", { textDocument: { uri: sdUri } });
    });
  });

  describe("completion", () => {
    test("keys valid at the cursor, minus those already present", async () => {
      await setText(text.replace("          scale: 25", "          scale: 25\n          "));
      const items = await labels("          scale: 25\n          ", "          scale: 25\n          ".length);
      assert.ok(!items.includes("scale"), "scale is already there");
      // ECS_CANARY_ROLLOUT has only `scale`: nothing else to offer.
      assert.deepEqual(items, []);
      await setText(text.replace("          scale: 25\n          \n", "          scale: 25\n"));
    });

    test("half-typed key in an ANALYSIS metric (the line does not parse)", async () => {
      const d = await setText(text.replace("              failureLimit: 1", "              failureLimit: 1\n              dev"));
      assert.ok(d.diagnostics.length > 0, "the half-typed line is an error");
      const r = await client.request("textDocument/completion", at("              dev", "              dev".length));
      const names = r.items.map((i: any) => i.label);
      for (const k of ["deviation", "timeout", "skipOnNoData", "canaryArgs"]) assert.ok(names.includes(k), k);
      for (const k of ["provider", "query", "interval", "failureLimit", "expected", "strategy"]) assert.ok(!names.includes(k), `${k} is present`);
      const dev = r.items.find((i: any) => i.label === "deviation");
      assert.equal(dev.textEdit.newText, "deviation: ");
      assert.deepEqual(dev.textEdit.range, { start: positionOf(text, "              dev", 14), end: positionOf(text, "              dev", 17) });
      assert.match(dev.documentation.value, /Direction of deviation/);
    });

    test("enum values after a key (deviation, accessType, launchType)", async () => {
      await setText(text.replace("              dev", "              deviation: ").replace("    taskDefinitionFile: taskdef.yaml", "    taskDefinitionFile: taskdef.yaml\n    accessType: \n    launchType: "));
      assert.deepEqual(await labels("deviation: ", 11), ["EITHER", "HIGH", "LOW"]);
      assert.deepEqual(await labels("accessType: ", 12), ["ELB", "SERVICE_DISCOVERY"]);
      assert.deepEqual(await labels("launchType: ", 12), ["FARGATE", "EC2"]);
    });

    test("stage names, and a new list item's keys", async () => {
      await setText(text.replace("      - name: ECS_CANARY_CLEAN", "      - name: ECS_CANARY_CLEAN\n      - name: \n      "));
      const names = await labels("      - name: \n", 14);
      assert.deepEqual(names, ["ECS_SYNC", "ECS_CANARY_ROLLOUT", "ECS_PRIMARY_ROLLOUT", "ECS_TRAFFIC_ROUTING", "ECS_CANARY_CLEAN", "WAIT", "WAIT_APPROVAL", "ANALYSIS", "SCRIPT_RUN"]);
      const r = await client.request("textDocument/completion", at("      - name: \n      ", "      - name: \n      ".length));
      const name = r.items.find((i: any) => i.label === "name");
      assert.equal(name.textEdit.newText, "- name: ");
    });

    test("analysis provider names come from the runtime config", async () => {
      await setText(text.replace("provider: datadog", "provider: "));
      assert.deepEqual(await labels("provider: ", 10), ["datadog"]);
      await setText(text.replace("provider: ", "provider: datadog"));
    });

    test("template variables inside << >>, including the app's own labels", async () => {
      await setText(fx.read("app.pipecd.yaml").replace("<< .Variant.TargetGroup >>}.as_count() /", "<< .Variant.TargetGroup >>,team:<< .Ap}.as_count() /"));
      const r = await client.request("textDocument/completion", at("<< .Ap", 6));
      const names = r.items.map((i: any) => i.label);
      for (const v of [".App.Name", ".Variant.Name", ".Variant.TargetGroup", ".App.Labels.team", ".App.Labels.env"]) assert.ok(names.includes(v), v);
      const team = r.items.find((i: any) => i.label === ".App.Labels.team");
      assert.equal(team.textEdit.newText, ".App.Labels.team >>");
      await setText(text.replace(",team:<< .Ap}", "}"));
    });

    test("rule ids after kanaria-disable-next-line", async () => {
      await setText(text.replace("      - name: ECS_CANARY_CLEAN", "      # kanaria-disable-next-line canary\n      - name: ECS_CANARY_CLEAN"));
      const r = await client.request("textDocument/completion", at("next-line canary", 16));
      const names = r.items.map((i: any) => i.label);
      assert.ok(names.includes("canary-not-cleaned"));
      assert.ok(!names.includes("yaml-syntax"), "parse errors can't be suppressed");
      const item = r.items.find((i: any) => i.label === "canary-not-cleaned");
      assert.deepEqual(item.textEdit.range.start, positionOf(text, "canary\n      - name: ECS_CANARY_CLEAN"));
    });
  });

  describe("navigation", () => {
    test("go to definition on taskDefinitionFile / serviceDefinitionFile", async () => {
      const td = await client.request("textDocument/definition", at("taskdef.yaml", 3));
      assert.deepEqual(td, { uri: uri(fx.taskdef), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
      const sd = await client.request("textDocument/definition", at("servicedef.yaml", 1));
      assert.equal(sd.uri, uri(fx.servicedef));
      assert.equal(await client.request("textDocument/definition", at("name: web", 7)), null);
    });

    test("document symbols: the pipeline as an outline of stages with their ids", async () => {
      await setText(fx.read("app.pipecd.yaml").replace("      - name: ANALYSIS", "      - id: check-5xx\n        name: ANALYSIS"));
      const symbols = await client.request("textDocument/documentSymbol", { textDocument: { uri: u } });
      const pipeline = symbols.find((s: any) => s.name === "pipeline");
      assert.deepEqual(
        pipeline.children.map((s: any) => s.name),
        ["stage-0: ECS_CANARY_ROLLOUT", "stage-1: ECS_TRAFFIC_ROUTING", "check-5xx: ANALYSIS", "stage-3: ECS_PRIMARY_ROLLOUT", "stage-4: ECS_TRAFFIC_ROUTING", "stage-5: ECS_CANARY_CLEAN"],
      );
      assert.equal(pipeline.children[2].range.start.line, positionOf(text, "- id: check-5xx").line);
      const input = symbols.find((s: any) => s.name === "input");
      assert.deepEqual(
        input.children.map((s: any) => s.name),
        ["servicedef.yaml", "taskdef.yaml"],
      );
    });
  });

  describe("code actions", () => {
    test("legacy {{ }} template: the compiler's fix, plus a suppression", async () => {
      const d = await setText(fx.read("app.pipecd.yaml").replace("<< .Variant.TargetGroup >>}.as_count() /", "{{ .Variant.TargetGroup }}}.as_count() /"));
      const legacy = d.diagnostics.find((x: any) => x.code === "template-legacy-syntax");
      assert.ok(legacy, JSON.stringify(d.diagnostics));
      const actions = await client.request("textDocument/codeAction", { textDocument: { uri: u }, range: legacy.range, context: { diagnostics: [legacy] } });
      const fix = actions.find((a: any) => a.isPreferred);
      assert.ok(fix, JSON.stringify(actions));
      const [edit] = fix.edit.changes[u];
      assert.equal(edit.newText, "<< .Variant.TargetGroup >>");
      const suppress = actions.find((a: any) => a.title.startsWith("Suppress template-legacy-syntax"));
      assert.deepEqual(suppress.edit.changes[u], [
        { range: { start: { line: legacy.range.start.line, character: 0 }, end: { line: legacy.range.start.line, character: 0 } }, newText: "              # kanaria-disable-next-line template-legacy-syntax\n" },
      ]);
      // Applying the fix clears the warning.
      assert.deepEqual((await setText(applyLineEdit(text, edit))).diagnostics, []);
    });

    test("percentages that do not add up to 100: a fix that makes canary 100 − primary", async () => {
      const d = await setText(fx.read("app.pipecd.yaml").replace("canary: 20", "canary: 20\n          primary: 90"));
      const diag = d.diagnostics.find((x: any) => x.code === "traffic-percentages");
      assert.ok(diag, JSON.stringify(d.diagnostics));
      const actions = await client.request("textDocument/codeAction", { textDocument: { uri: u }, range: diag.range, context: { diagnostics: [diag] } });
      const fix = actions.find((a: any) => a.title === "Set canary to 10 (100 − primary)");
      assert.ok(fix, JSON.stringify(actions.map((a: any) => a.title)));
      const [edit] = fix.edit.changes[u];
      assert.deepEqual((await setText(applyLineEdit(text, edit))).diagnostics, []);
    });

    test("suppressing an error by id makes it go away", async () => {
      const d = await setText(fx.read("app.pipecd.yaml").replace("scale: 25", "scale: 250"));
      const [diag] = d.diagnostics;
      assert.equal(diag.code, "scale-range");
      const actions = await client.request("textDocument/codeAction", { textDocument: { uri: u }, range: diag.range, context: { diagnostics: [diag] } });
      assert.ok(actions.find((a: any) => a.title === "Set scale to 100"), "scale-range carries a fix");
      const suppress = actions.find((a: any) => a.title.startsWith("Suppress scale-range"));
      const [edit] = suppress.edit.changes[u];
      const lines = text.split("\n");
      lines.splice(edit.range.start.line, 0, edit.newText.replace(/\n$/, ""));
      assert.equal(lines[edit.range.start.line], "          # kanaria-disable-next-line scale-range");
      assert.deepEqual((await setText(lines.join("\n"))).diagnostics, []);
    });

    test("a fix in the taskdef, from the taskdef's own diagnostics", async () => {
      await setText(fx.read("app.pipecd.yaml"));
      const tdText = fx.read("taskdef.yaml").replace("networkMode: awsvpc", "networkMode: bridge");
      const tdUri = client.open(fx.taskdef, tdText, 1);
      const d = await client.diagnostics(tdUri, 1);
      const diag = d.diagnostics.find((x: any) => x.code === "ecs-fargate-network-mode");
      const actions = await client.request("textDocument/codeAction", { textDocument: { uri: tdUri }, range: diag.range, context: { diagnostics: [] } });
      const fix = actions.find((a: any) => a.title === "Use awsvpc");
      assert.ok(fix, JSON.stringify(actions.map((a: any) => a.title)));
      assert.equal(fix.edit.changes[tdUri][0].newText, "awsvpc");
      client.notify("textDocument/didClose", { textDocument: { uri: tdUri } });
    });
  });
});
