// `kanaria compile | plan | graph` from the outside: exit codes, formats, files written.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, ROOT } from "../helpers/cli.ts";
import { validateValue } from "../../compiler/validate/validators.ts";

function brokenCopy(mutate: (app: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-cli-"));
  cpSync(`${ROOT}examples/canary`, dir, { recursive: true });
  const app = join(dir, "app.pipecd.yaml");
  writeFileSync(app, mutate(readFileSync(app, "utf8")));
  return dir;
}

describe("kanaria compile", () => {
  test("valid examples: exit 0 and a summary", () => {
    const r = runCli(["compile", "examples/canary", "examples/bluegreen"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /2 apps checked: 0 errors, 0 warnings/);
  });

  test("errors: exit 1, file:line:col severity code message, with a source excerpt", () => {
    const dir = brokenCopy((a) => a.replace("canary: 20", "canary: 120"));
    const r = runCli(["compile", dir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`${dir}/app.pipecd.yaml:29:19 error traffic-percentages canary weight 120 is outside 0–100`));
    assert.match(r.stdout, /29 \|           canary: 120\n\s+\|\s+\^\^\^/);
  });

  test("usage and I/O problems exit 2", () => {
    assert.equal(runCli(["compile", "does/not/exist"]).code, 2);
    assert.equal(runCli(["compile", "--format", "xml", "examples"]).code, 2);
    assert.equal(runCli(["compile", "--bogus"]).code, 2);
    assert.equal(runCli(["compile", "--out", "/tmp/x.json", "examples"]).code, 2, "--out needs exactly one app");
  });

  test("--format json gives diagnostics and graphs that match the graph schema", () => {
    const r = runCli(["compile", "--format", "json", "examples/canary"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.diagnostics, []);
    assert.equal(out.apps.length, 1);
    const v = validateValue("graph", out.apps[0].graph);
    assert.ok(v.ok, v.errors.join("\n"));
  });

  test("--format sarif and github", () => {
    const dir = brokenCopy((a) => a.replace("scale: 25", "scale: 250"));
    const sarif = JSON.parse(runCli(["compile", "--format", "sarif", dir]).stdout);
    assert.equal(sarif.version, "2.1.0");
    const result = sarif.runs[0].results.find((r: any) => r.ruleId === "scale-range");
    assert.ok(result, JSON.stringify(sarif.runs[0].results));
    assert.equal(result.locations[0].physicalLocation.region.startLine, 26);
    assert.ok(sarif.runs[0].tool.driver.rules.some((r: any) => r.id === "scale-range"));
    const gh = runCli(["compile", "--format", "github", dir]);
    assert.equal(gh.code, 1);
    assert.match(gh.stdout, /^::error file=.*app\.pipecd\.yaml,line=26,col=18,endLine=26,endColumn=21,title=kanaria scale-range::/m);
  });

  test("--strict turns warnings into errors", () => {
    const dir = brokenCopy((a) => a.replace(/\n      - name: ECS_CANARY_CLEAN\n$/, "\n"));
    const normal = runCli(["compile", dir]);
    assert.equal(normal.code, 0, normal.stdout);
    assert.match(normal.stdout, /warning canary-not-cleaned/);
    const strict = runCli(["compile", "--strict", dir]);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /error canary-not-cleaned/);
  });

  test("a suppression comment silences the named rule on the next line", () => {
    const dir = brokenCopy((a) => a.replace(/\n      - name: ECS_CANARY_CLEAN\n$/, "\n").replace("      - name: ECS_CANARY_ROLLOUT\n", "      # kanaria-disable-next-line canary-not-cleaned\n      - name: ECS_CANARY_ROLLOUT\n"));
    const r = runCli(["compile", dir]);
    assert.equal(r.code, 0);
    // The warning is reported on the canary rollout stage; the directive above it silences it.
    assert.doesNotMatch(r.stdout, /canary-not-cleaned/);
  });

  test("--out writes the graph; --config enables provider checks", () => {
    const dir = mkdtempSync(join(tmpdir(), "kanaria-out-"));
    const out = join(dir, "graph.json");
    const ok = runCli(["compile", "examples/canary", "--config", "examples/runtime.yaml", "--out", out]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const graph = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(graph.kind, "ExecutionGraph");
    assert.match(graph.nodes[2].params.metrics[0].queries.canary, /targetgroup:targetgroup\/web-green\/fedcba9876543210\}/);
    const cfgDir = mkdtempSync(join(tmpdir(), "kanaria-cfg-"));
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, "runtime.yaml"), readFileSync(`${ROOT}examples/runtime.yaml`, "utf8").replace(/name: datadog\b/, "name: dd-prod"));
    const bad = runCli(["compile", "examples/canary", "--config", join(cfgDir, "runtime.yaml")]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /unknown-provider Analysis provider "datadog" is not defined in the runtime config/);
  });
});

describe("kanaria plan / graph", () => {
  test("plan shows traffic and task counts after each step, and the rollback path", () => {
    const r = runCli(["plan", "examples/canary"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ECS_CANARY_ROLLOUT\s+canary task set at 25% scale\s+current 4 tasks\s+new 1 task\s+100\/0/);
    assert.match(r.stdout, /ECS_TRAFFIC_ROUTING\s+primary 80% \/ canary 20%.*80\/20/);
    assert.match(r.stdout, /ROLLBACK_TRAFFIC/);
  });

  test("graph --format mermaid draws the main and rollback paths", () => {
    const r = runCli(["graph", "examples/bluegreen", "--format", "mermaid"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^flowchart LR/);
    assert.match(r.stdout, /subgraph rollback/);
    assert.match(r.stdout, /-. fails .->/);
  });

  test("an app with errors is refused with exit 1", () => {
    const dir = brokenCopy((a) => a.replace("canary: 20", "canary: 120"));
    const r = runCli(["plan", dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /traffic-percentages/);
  });
});
