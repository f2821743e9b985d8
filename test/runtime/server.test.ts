// The HTTP API: health, submission (token, schema, size limit, duplicates), status, SSE
// events, cancel (-> rollback) and Prometheus metrics.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileFixture, simRuntime, startSim, targetGroupArns } from "./helpers.ts";
import { createApp } from "../../runtime/server/app.ts";
import { serve, type RunningServer } from "../../runtime/platform/index.ts";
import { readSse } from "../../runtime/cli/sse-client.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";

const TOKEN = "test-token-0123456789";

describe("HTTP API", () => {
  let sim: Simulator;
  let rt: Runtime;
  let server: RunningServer;
  const post = (path: string, body: unknown, token: string | null = TOKEN) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  before(async () => {
    sim = await startSim();
    rt = await simRuntime(sim);
    server = await serve(createApp(rt, { token: TOKEN }).fetch);
  });
  after(async () => {
    await server.close();
    await rt.close();
    await sim.close();
  });

  test("GET /healthz", async () => {
    const r = await fetch(`${server.url}/healthz`);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).status, "ok");
  });

  test("POST needs the bearer token", async () => {
    const graph = compileFixture("canary", { targetGroups: targetGroupArns(sim) });
    for (const token of [null, "wrong"]) {
      const r = await post("/api/deployments", graph, token);
      assert.equal(r.status, 401);
      const body = await r.json();
      assert.equal(body.error, "unauthorized");
      assert.match(body.message, /Bearer/);
    }
  });

  test("POST rejects bodies that are not graphs, and oversized ones", async () => {
    let r = await post("/api/deployments", "{not json");
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, "invalid_json");
    r = await post("/api/deployments", { apiVersion: "kanaria.dev/v1alpha1" });
    assert.equal(r.status, 422);
    const body = await r.json();
    assert.equal(body.error, "invalid_graph");
    assert.ok(body.details.length > 0);
    r = await post("/api/deployments", JSON.stringify({ pad: "x".repeat(1024 * 1024 + 10) }));
    assert.equal(r.status, 413);
  });

  test("submit, follow SSE to the end, read the status; the same graph again is a redeploy", async () => {
    const graph = compileFixture("canary", { targetGroups: targetGroupArns(sim) });
    const r = await post("/api/deployments", graph);
    assert.equal(r.status, 201);
    const { id } = await r.json();
    const events = await fetch(`${server.url}/api/deployments/${id}/events`);
    assert.equal(events.headers.get("content-type")?.split(";")[0], "text/event-stream");
    const seen: string[] = [];
    for await (const m of readSse(events.body!)) seen.push(`${m.event}:${JSON.parse(m.data).nodeId ?? ""}`);
    assert.ok(seen.includes("node.succeeded:canary-clean"), seen.join(" "));
    assert.equal(seen.at(-1), "deployment.state:");
    const detail = await (await fetch(`${server.url}/api/deployments/${id}`)).json();
    assert.equal(detail.state, "SUCCEEDED");
    assert.deepEqual(detail.traffic, { primary: 100, canary: 0 });
    assert.equal(detail.nodes.length, 9);
    assert.ok(detail.nodes.every((n: any) => n.path === "rollback" || (n.state === "SUCCEEDED" && n.startedAt && n.finishedAt)));
    assert.equal(detail.graph.digest, graph.digest);
    // Issue 14.5: going back to the last good config is a redeploy, not a 409.
    const again = await post("/api/deployments", graph);
    assert.equal(again.status, 201);
    const againBody = await again.json();
    assert.notEqual(againBody.id, id);
    assert.equal(againBody.redeployOf, id);
    // While that one is queued or running, the same graph is refused, naming it.
    const dup = await post("/api/deployments", graph);
    assert.equal(dup.status, 409);
    const dupBody = await dup.json();
    assert.equal(dupBody.error, "duplicate");
    assert.equal(dupBody.id, againBody.id);
    assert.match(dupBody.message, /queued or running/);
    assert.equal((await rt.scheduler.wait(againBody.id)).state, "SUCCEEDED");
    assert.equal((await (await fetch(`${server.url}/api/deployments/${againBody.id}`)).json()).redeployOf, id);
    const list = await (await fetch(`${server.url}/api/deployments`)).json();
    assert.ok(list.deployments.some((d: any) => d.id === id));
  });

  test("cancel rolls the deployment back", async () => {
    const graph = compileFixture("canary", { targetGroups: targetGroupArns(sim), image: "public.ecr.aws/nginx/nginx:1.27-cancel" });
    const { id } = await (await post("/api/deployments", graph)).json();
    // Wait until the bake WAIT is running, then cancel.
    for (let i = 0; i < 200 && (await rt.store.getDeployment(id))?.currentNode !== "bake"; i++) await new Promise((r) => setTimeout(r, 10));
    const c = await post(`/api/deployments/${id}/cancel`, {});
    assert.equal(c.status, 202);
    const final = await rt.scheduler.wait(id);
    assert.equal(final.state, "CANCELLED");
    const nodes = Object.fromEntries((await rt.store.getNodes(id)).map((n) => [n.nodeId, n.state]));
    assert.equal(nodes["rollback-clean"], "SUCCEEDED");
    const again = await post(`/api/deployments/${id}/cancel`, {});
    assert.equal(again.status, 409);
    assert.equal((await post(`/api/deployments/nope/cancel`, {})).status, 404);
  });

  test("GET /metrics in Prometheus text format", async () => {
    const r = await fetch(`${server.url}/metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /^kanaria_deployments\{state="SUCCEEDED"\} [1-9]/m);
    assert.match(text, /^kanaria_aws_calls_total\{operation="DescribeServices",service="ecs"\} \d+/m);
    assert.match(text, /^kanaria_stage_duration_seconds_count\{result="succeeded",stage="ECS_CANARY_ROLLOUT"\} \d+/m);
    assert.match(text, /# TYPE kanaria_aws_throttles_total counter/);
  });

  test("unknown deployment and route give JSON errors", async () => {
    const r = await fetch(`${server.url}/api/deployments/nope`);
    assert.equal(r.status, 404);
    assert.equal((await r.json()).error, "not_found");
    assert.equal((await fetch(`${server.url}/nowhere`)).status, 404);
  });
});
