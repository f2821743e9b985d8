// The pipeline picture (compiler/format/svg.ts): the same renderer draws `kanaria graph
// --format svg` and the status page, so its structure is tested here on both runtimes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderPipelineSvg, type PictureGraph } from "../../compiler/format/svg.ts";
import { shortDuration } from "../../compiler/resolve/duration.ts";
import type { NodeOfStage, StageName } from "../../runtime/executor/graph.ts";
import { runCli } from "../helpers/cli.ts";

const expect = { taskSets: { primary: null, canary: null }, traffic: { primary: 100, canary: 0 } };
const node = <S extends StageName>(id: string, stage: S, next: string | null, onFailure: string | null, params: NodeOfStage<S>["params"]) =>
  ({ id, stage, name: id, params, timeoutMs: 300_000, source: null, expect, next, onFailure }) as NodeOfStage<S>;
const sampling = { intervalMs: 60_000, delayMs: 0, failureLimit: 0, skipOnNoData: false, timeoutMs: 30_000 };
const graph: PictureGraph = {
  app: { name: "web <&> \"shop\"" },
  nodes: [
    node("canary", "ECS_CANARY_ROLLOUT", "traffic", "rb-traffic", { scale: 25 }),
    node("traffic", "ECS_TRAFFIC_ROUTING", "analysis", "rb-traffic", { primary: 80, canary: 20 }),
    node("analysis", "ANALYSIS", null, "rb-traffic", {
      durationMs: 600_000,
      metrics: [{ provider: "dd", strategy: "THRESHOLD", variants: ["canary"], queries: { canary: "q" }, ...sampling }],
      http: [],
      logs: [],
    }),
  ],
  rollback: [node("rb-traffic", "ROLLBACK_TRAFFIC", "rb-clean", null, {}), node("rb-clean", "ROLLBACK_CLEAN", null, null, {})],
};

const groups = (svg: string) => [...svg.matchAll(/<g class="([^"]*)" data-node-id="([^"]*)" data-path="(main|rollback)"(?: data-state="([A-Z]+)")?/g)].map((m) => ({ cls: m[1], id: m[2], path: m[3], state: m[4] }));

describe("pipeline SVG", () => {
  test("plan picture: main nodes in order, rollback path below, failure edges, no states", () => {
    const svg = renderPipelineSvg(graph);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.deepEqual(
      groups(svg).map((g) => `${g.path}:${g.id}:${g.state ?? "-"}`),
      ["main:canary:-", "main:traffic:-", "main:analysis:-", "rollback:rb-traffic:-", "rollback:rb-clean:-"],
    );
    assert.equal((svg.match(/data-failure-edge=/g) ?? []).length, 3, "one failure drop per main node");
    assert.equal((svg.match(/marker-end="url\(#kp-arrow\)"/g) ?? []).length, 4, "2 main + 1 rollback arrows + the drop to the rollback path");
    assert.match(svg, /canary task set at 25% scale/);
    assert.match(svg, /primary 80% \/ canary 20%/);
    assert.match(svg, /timeout 5m/);
    assert.match(svg, /Rollback path/);
    assert.doesNotMatch(svg, /class="[^"]*kp-lit/);
    const ys = [...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="204"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.ok(ys[0][0] < ys[1][0] && ys[1][0] < ys[2][0], "left to right");
    assert.ok(ys[3][1] > ys[0][1], "rollback below");
  });

  test("escapes every text (app name, ids, params)", () => {
    const evil = { ...graph, nodes: [node("x\"><script>alert(1)</script>", "SCRIPT_RUN", null, null, { run: "echo '<b>' & true", env: {} })], rollback: [] };
    const svg = renderPipelineSvg(evil);
    assert.doesNotMatch(svg, /<script>|<b>/);
    assert.match(svg, /x&quot;&gt;&lt;script&gt;/);
    assert.match(svg, /echo &#39;&lt;b&gt;&#39; &amp; true/);
    assert.match(renderPipelineSvg(graph), /<title id="kp-title">Pipeline of web &lt;&amp;&gt; &quot;shop&quot;<\/title>/);
  });

  test("states colour nodes; the running one carries its start for live ticking; the failed edge is lit", () => {
    const svg = renderPipelineSvg(graph, {
      states: {
        canary: { state: "SUCCEEDED", elapsedMs: 42_000 },
        traffic: { state: "FAILED", elapsedMs: 5_000 },
        analysis: { state: "SKIPPED" },
        "rb-traffic": { state: "RUNNING", elapsedMs: 1_000, startedAt: 1_700_000_000_000 },
        "rb-clean": { state: "PENDING" },
      },
      failedNode: "traffic",
      timeScale: 300,
    });
    const g = groups(svg);
    assert.deepEqual(g.map((x) => x.state), ["SUCCEEDED", "FAILED", "SKIPPED", "RUNNING", "PENDING"]);
    assert.ok(g[3].cls.includes("kp-RUNNING") && g[3].cls.includes("kp-rb"));
    assert.match(svg, /✓ succeeded · 42s \/ 5m/);
    assert.match(svg, /data-started-at="1700000000000" data-time-scale="300" data-prefix="▶ running · " data-suffix=" \/ 5m">▶ running · 1s \/ 5m/);
    assert.match(svg, /class="kp-fail kp-lit" data-failure-edge="traffic"/);
    assert.doesNotMatch(svg, /class="kp-fail kp-lit" data-failure-edge="canary"/);
    assert.match(svg, /on failure: traffic failed/);
    assert.match(svg, /@keyframes kp-pulse/);
  });

  test("durations are compact", () => {
    assert.deepEqual([850, 12_000, 245_000, 1_800_000, 3_720_000].map(shortDuration), ["850ms", "12s", "4m05s", "30m", "1h02m"]);
  });
});

describe("kanaria graph --format svg", () => {
  test("prints the picture, or writes it with --out", () => {
    const r = runCli(["graph", "examples/canary", "--format", "svg"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<svg /);
    assert.match(r.stdout, /data-node-id="rollback-traffic" data-path="rollback"/);
    const out = join(mkdtempSync(join(tmpdir(), "kanaria-svg-")), "pipeline.svg");
    const w = runCli(["graph", "examples/canary", "--format", "svg", "--out", out]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout, "");
    assert.equal(readFileSync(out, "utf8"), r.stdout);
    assert.equal(runCli(["graph", "examples/canary", "--format", "png"]).code, 2);
  });
});
