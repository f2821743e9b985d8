// The graph contract: schema-valid, fully resolved, stable digest, correct expected states.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { compile } from "../../compiler/compile.ts";
import { validateValue } from "../../compiler/validate/validators.ts";

const read = (p: string) => {
  try {
    return readFileSync(new URL(`../../${p}`, import.meta.url), "utf8");
  } catch {
    return null;
  }
};

const EXAMPLES = ["canary", "canary-wait", "bluegreen", "wait-approval", "service-discovery"];

for (const ex of EXAMPLES) {
  test(`examples/${ex} compiles to a schema-valid graph`, () => {
    const r = compile({ appPath: `examples/${ex}/app.pipecd.yaml`, readFile: read });
    assert.deepEqual(r.diagnostics, []);
    const v = validateValue("graph", r.graph);
    assert.ok(v.ok, v.errors.join("\n"));
    // Fully resolved: no template syntax left anywhere.
    assert.doesNotMatch(JSON.stringify(r.graph), /<<|>>/);
  });
}

test("the canary's expected states follow the pipeline", () => {
  const g = compile({ appPath: "examples/canary-wait/app.pipecd.yaml", readFile: read }).graph!;
  const states = g.nodes.map((n) => [n.stage, n.expect.traffic.canary, n.expect.taskSets.canary?.scale ?? null, n.expect.taskSets.primary?.version]);
  assert.deepEqual(states, [
    ["ECS_CANARY_ROLLOUT", 0, 30, "current"],
    ["ECS_TRAFFIC_ROUTING", 20, 30, "current"],
    ["WAIT", 20, 30, "current"],
    ["ECS_PRIMARY_ROLLOUT", 20, 30, "new"],
    ["ECS_TRAFFIC_ROUTING", 0, 30, "new"],
    ["ECS_CANARY_CLEAN", 0, null, "new"],
  ]);
  assert.equal(g.entry, g.nodes[0].id);
  assert.ok(g.nodes.every((n) => n.onFailure === "rollback-traffic"));
  assert.deepEqual(g.rollback.map((n) => n.stage), ["ROLLBACK_TRAFFIC", "ROLLBACK_PRIMARY", "ROLLBACK_CLEAN"]);
  assert.equal((g.nodes[2].params as { durationMs: number }).durationMs, 300_000);
  assert.equal(g.nodes[2].source?.line, 29); // `- name: WAIT`
});

test("service discovery: traffic follows task counts, no traffic rollback node", () => {
  const g = compile({ appPath: "examples/service-discovery/app.pipecd.yaml", readFile: read }).graph!;
  assert.equal(g.nodes[0].expect.traffic.canary, 20);
  assert.deepEqual(g.rollback.map((n) => n.stage), ["ROLLBACK_PRIMARY", "ROLLBACK_CLEAN"]);
});

test("the digest ignores comments and positions but not content", () => {
  const base = read("examples/canary-wait/app.pipecd.yaml")!;
  const digest = (app: string) => compile({ appPath: "examples/canary-wait/app.pipecd.yaml", readFile: (p) => (p.endsWith("app.pipecd.yaml") ? app : read(p)) }).graph!.digest;
  const d0 = digest(base);
  assert.match(d0, /^sha256:[0-9a-f]{64}$/);
  assert.equal(digest("# a new comment\n" + base), d0);
  assert.notEqual(digest(base.replace("canary: 20", "canary: 25")), d0);
});

test("quick sync and standalone tasks", () => {
  const files: Record<string, string> = {
    "q/app.pipecd.yaml": read("examples/canary-wait/app.pipecd.yaml")!.replace(/  pipeline:[\s\S]*$/, ""),
    "q/servicedef.yaml": read("examples/canary-wait/servicedef.yaml")!,
    "q/taskdef.yaml": read("examples/canary-wait/taskdef.yaml")!,
  };
  const g = compile({ appPath: "q/app.pipecd.yaml", readFile: (p) => files[p] ?? null }).graph!;
  assert.equal(g.strategy, "quickSync");
  assert.deepEqual(g.nodes.map((n) => n.stage), ["ECS_SYNC"]);
});

test("graph: false (the LSP) gives the same diagnostics and no graph", () => {
  for (const app of ["examples/canary/app.pipecd.yaml", "examples/broken/scale-range/app.pipecd.yaml", "examples/broken/template-legacy-syntax/app.pipecd.yaml"]) {
    const full = compile({ appPath: app, readFile: read });
    const lean = compile({ appPath: app, readFile: read, graph: false });
    assert.deepEqual(lean.diagnostics, full.diagnostics, app);
    assert.equal(lean.graph, null);
    assert.ok(lean.app, `${app}: the resolved app is still there for hover and completion`);
  }
});
