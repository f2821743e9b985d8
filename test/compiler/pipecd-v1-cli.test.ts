// `kanaria compile` / `graph` on PipeCD v1 apps (kind: Application), as a process: diagnostics
// point into the v1 file, the v1 twin of examples/canary has the same graph, and runtime configs
// in PipeCD v1's piped shape name the platforms and analysis providers apps may use.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli } from "../helpers/cli.ts";

const V1_APP = readFileSync(join(ROOT, "examples/v1-canary/app.pipecd.yaml"), "utf8");

/** 1-based line and column of the nth occurrence of `needle` (plus `offset`) in `text`. */
function at(text: string, needle: string, offset = 0): [number, number] {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not in the text`);
  const before = text.slice(0, i + offset);
  return [before.split("\n").length, i + offset - before.lastIndexOf("\n")];
}

function compileJson(args: string[]): { code: number; diagnostics: any[]; apps: any[]; stderr: string } {
  const r = runCli(["compile", "--format", "json", ...args]);
  const parsed = r.stdout ? JSON.parse(r.stdout) : { diagnostics: [], apps: [] };
  return { code: r.code, diagnostics: parsed.diagnostics, apps: parsed.apps, stderr: r.stderr };
}

describe("PipeCD v1 apps on the command line", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kanaria-v1-"));
    cpSync(join(ROOT, "examples/v1-canary"), dir, { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string, name = "app.pipecd.yaml") => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  test("examples/v1-canary compiles clean, with and without its v1 piped-shaped runtime config", () => {
    for (const extra of [[], ["--config", "examples/v1-canary/runtime.yaml"]]) {
      const r = compileJson(["examples/v1-canary", ...extra]);
      assert.equal(r.code, 0, JSON.stringify(r.diagnostics) + r.stderr);
      assert.deepEqual(r.diagnostics, []);
    }
  });

  test("schema errors point into spec.plugins.ecs.input and the v1-only types", () => {
    const text = V1_APP.replace("serviceDefinitionFile:", "serviceDefinitonFile:").replace("canary: 20", 'canary: "20%"').replace("plugin: ecs", "plugin: kubernetes");
    const r = compileJson([write(text)]);
    assert.equal(r.code, 1);
    const byMessage = (re: RegExp) => r.diagnostics.find((d) => re.test(d.message));
    const misspelt = byMessage(/serviceDefinitonFile/);
    assert.ok(misspelt, JSON.stringify(r.diagnostics));
    assert.equal(misspelt.code, "schema");
    assert.deepEqual([misspelt.line, misspelt.column], at(text, "serviceDefinitonFile"));
    assert.match(misspelt.message, /Did you mean "serviceDefinitionFile"\?/);
    const percent = byMessage(/integer/);
    assert.deepEqual([percent.line, percent.column], at(text, '"20%"'));
    assert.match(percent.message, /PipeCD v1 reads it as a plain number/);
    const plugin = byMessage(/ecs/);
    assert.deepEqual([plugin.line, plugin.column], at(text, "kubernetes"));
    assert.match(plugin.message, /Kanaria deploys ECS applications only/);
  });

  test("lint and ECS rules report the positions of the v1 nodes", () => {
    const text = V1_APP.replace("scale: 25", "scale: 250").replace(/containerPort: 80/, "containerPort: 8080");
    const r = compileJson([write(text)]);
    assert.equal(r.code, 1);
    const codes = r.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);
    assert.ok(codes.includes(`scale-range@${at(text, "250").join(":")}`), codes.join(", "));
    assert.ok(codes.includes(`ecs-container-port@${at(text, "8080").join(":")}`), codes.join(", "));
  });

  test("a missing service definition is reported at spec.plugins.ecs.input.serviceDefinitionFile", () => {
    const text = V1_APP.replace("serviceDefinitionFile: servicedef.yaml", "serviceDefinitionFile: nope.yaml");
    const r = compileJson([write(text)]);
    const d = r.diagnostics.find((x) => x.code === "file-not-found");
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.deepEqual([d.line, d.column], at(text, "nope.yaml"));
  });

  test("deployTarget is checked against the ecs plugin's deploy targets (unknown-provider at spec.deployTarget)", () => {
    const text = V1_APP.replace("deployTarget: ecs-demo", "deployTarget: ecs-dmeo").replace("provider: datadog", "provider: datadgo");
    const r = compileJson([write(text), "--config", "examples/v1-canary/runtime.yaml"]);
    assert.equal(r.code, 1);
    const found = r.diagnostics.filter((d) => d.code === "unknown-provider").map((d) => [d.line, d.column, d.message]);
    assert.deepEqual(found.map((f) => f.slice(0, 2)), [at(text, "ecs-dmeo"), at(text, "datadgo")]);
    assert.match(String(found[0][2]), /Did you mean "ecs-demo"/);
    assert.match(String(found[1][2]), /Did you mean "datadog"/);
  });

  test("what v1 cannot deploy is a schema error: no input, or no service definition without runStandaloneTask: true", () => {
    const head = "apiVersion: pipecd.dev/v1beta1\nkind: Application\nspec:\n  name: job\n  plugin: ecs\n";
    const standalone = "      input:\n        taskDefinitionFile: taskdef.yaml\n        clusterArn: arn:aws:ecs:us-east-1:123456789012:cluster/demo\n        awsvpcConfiguration:\n          subnets: [subnet-1]\n";
    const cases: [string, string, RegExp][] = [
      [`${head}  plugins:\n    ecs:\n      quickSync:\n        recreate: true\n`, "ecs:", /Missing required key "input" in spec\.plugins\.ecs\. Add it: .*PipeCD v1 has no task definition/],
      [`${head}  plugins:\n    ecs:\n${standalone}`, "input:", /Missing required key "runStandaloneTask" in spec\.plugins\.ecs\.input\. Add it: Without serviceDefinitionFile, PipeCD v1 runs a standalone task only when runStandaloneTask is true/],
      [`${head}  plugins:\n    ecs:\n${standalone}        runStandaloneTask: false\n`, "false", /runStandaloneTask must be true/],
    ];
    for (const [text, needle, message] of cases) {
      const r = compileJson([write(text, "job.pipecd.yaml")]);
      assert.equal(r.code, 1, text);
      assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics));
      const [d] = r.diagnostics;
      assert.equal(d.code, "schema");
      assert.match(d.message, message);
      // A missing key is reported on the key of the mapping that lacks it.
      assert.deepEqual([d.line, d.column], at(text, needle), d.message);
    }
    const ok = compileJson([write(`${head}  plugins:\n    ecs:\n${standalone}        runStandaloneTask: true\n`, "job.pipecd.yaml")]);
    assert.equal(ok.code, 0, JSON.stringify(ok.diagnostics));
  });

  test("the v1 twin of examples/canary has the same execution graph, but for the platform it names", () => {
    const g0 = JSON.parse(runCli(["graph", "examples/canary", "--format", "json"]).stdout);
    const g1 = JSON.parse(runCli(["graph", "examples/v1-canary", "--format", "json"]).stdout);
    assert.equal(g1.app.platformProvider, "ecs-demo");
    const strip = (g: any) => ({
      ...g,
      digest: undefined,
      source: { ...g.source, app: undefined },
      app: { ...g.app, platformProvider: undefined },
      nodes: g.nodes.map((n: any) => ({ ...n, source: n.source && { ...n.source, file: undefined } })),
    });
    // Same text layout below the spec (the v1 example is the v0 one moved), so even the stage positions match up to a fixed shift.
    const shift = g1.nodes[0].source.line - g0.nodes[0].source.line;
    const shifted = strip(g0);
    shifted.nodes = shifted.nodes.map((n: any) => ({ ...n, source: n.source && { ...n.source, line: n.source.line + shift, endLine: n.source.endLine + shift } }));
    assert.deepEqual(strip(g1), shifted);
  });

  test("runtime config in PipeCD v1's piped shape: duplicate names and foreign plugins are errors naming the line", () => {
    const config = (body: string) =>
      write(`apiVersion: kanaria.dev/v1alpha1\nkind: Runtime\nspec:\n${body}`, "runtime.yaml");
    const dup = config(
      "  platformProviders:\n    - { name: ecs-demo, type: ECS, config: { region: us-east-1 } }\n  plugins:\n    - name: ecs\n      deployTargets:\n        - name: ecs-demo\n          config: { region: eu-west-1 }\n",
    );
    let r = runCli(["compile", join(dir, "app.pipecd.yaml"), "--config", dup]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /runtime\.yaml:9:\d+ .*"ecs-demo" is already used at line 5/);
    const k8s = config("  plugins:\n    - name: kubernetes\n      deployTargets:\n        - { name: prod, config: {} }\n");
    r = runCli(["compile", join(dir, "app.pipecd.yaml"), "--config", k8s]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /runtime\.yaml:5:\d+ .*kubernetes/);
    const targets = config("  plugins:\n    - name: analysis\n      deployTargets:\n        - { name: prod, config: { region: us-east-1 } }\n");
    r = runCli(["compile", join(dir, "app.pipecd.yaml"), "--config", targets]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /runtime\.yaml:7:9 .*deployTargets must be empty here\. Only the ecs plugin has deploy targets\./);
  });
});
