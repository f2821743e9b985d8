// The status page's server rendering (runtime/server/ui/), on both runtimes: the list with its
// filter, one deployment with its pipeline picture, traffic, analysis charts, approvals and log,
// the live fragment the script swaps in, escaping, headers and the served script.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { systemClock } from "../../runtime/clock/clock.ts";
import { statusPage } from "../../runtime/server/ui/routes.tsx";
import { createRuntime } from "../../runtime/executor/runtime.ts";
import { createApp } from "../../runtime/server/app.ts";
import type { SampleRecord } from "../../runtime/analysis/types.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import type { Store } from "../../runtime/store/store.ts";
import { DEPLOYMENT_NODE } from "../../runtime/executor/context.ts";
import { compileFixture, simRuntime, startSim, targetGroupArns } from "./helpers.ts";

const EVIL = `<img src=x onerror="alert(1)">`;

function sample(n: number, verdict: SampleRecord["verdict"], value: number): SampleRecord {
  return { kind: "metrics", index: 0, sample: n, strategy: "THRESHOLD", provider: "datadog", variants: ["canary"], query: { canary: "q" }, window: null, values: { canary: [value] }, verdict, counted: verdict !== "pass", reason: `value ${value} ${verdict === "pass" ? "is within" : "is above"} max 0.05`, detail: { value }, at: n * 60_000 };
}

/** A rolled-back deployment (analysis failed at its 2nd sample) and a succeeded one. */
async function world(): Promise<{ store: Store; failed: string; ok: string; graph: Graph }> {
  const store = await openSqlStore(":memory:");
  const base = compileFixture("canary");
  // The fixture bakes with a WAIT; judge with an ANALYSIS instead (the page charts its samples).
  const metric = { provider: "datadog", strategy: "THRESHOLD", variants: ["canary"], queries: { canary: "q" }, expected: { max: 0.05 }, intervalMs: 60_000, delayMs: 0, failureLimit: 0, skipOnNoData: false, timeoutMs: 30_000 };
  const graph: Graph = { ...base, nodes: base.nodes.map((n) => (n.stage === "WAIT" ? { ...n, id: "analysis", stage: "ANALYSIS" as const, params: { durationMs: 180_000, metrics: [metric] } } : n)) };
  for (const n of graph.nodes) if (n.next === "bake") n.next = "analysis";
  const t0 = Date.now() - 60_000;
  const arn = (rev: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${rev}`;
  /** The journal rows the runtime writes: the service as found, and the task definition it registered. */
  const journal = async (id: string, found: string, registered: string) => {
    const snap = await store.recordIntent({ deploymentId: id, nodeId: DEPLOYMENT_NODE, step: "snapshot", operation: "DescribeServices", intent: {}, at: t0 });
    await store.recordResult(snap.id, "DONE", { serviceExists: true, controller: "EXTERNAL", desiredCount: 4, primary: { taskDefinition: arn(found) }, taskSets: [] }, t0);
    const reg = await store.recordIntent({ deploymentId: id, nodeId: DEPLOYMENT_NODE, step: "register-task-definition", operation: "RegisterTaskDefinition", intent: {}, at: t0 });
    await store.recordResult(reg.id, "DONE", { arn: arn(registered) }, t0);
  };
  const ok = await store.createDeployment({ id: "d-ok", app: "web", serviceKey: "sim/demo/web", graph: { ...graph, digest: "a" }, createdAt: t0 - 10_000 });
  await journal(ok.id, "web:1", "web:2");
  await store.updateDeployment(ok.id, { state: "SUCCEEDED", startedAt: t0 - 10_000, finishedAt: t0 - 5_000 }, t0);
  const bad = { ...graph, digest: "b", target: { ...graph.target, image: "repo/web:bad" } };
  const d = await store.createDeployment({ id: "d-bad", app: EVIL, serviceKey: "sim/demo/web", graph: bad, createdAt: t0 });
  await journal(d.id, "web:2", "web:3");
  const analysis = graph.nodes.find((n) => n.stage === "ANALYSIS")!;
  const [first] = graph.nodes;
  await store.updateNode(d.id, first.id, { state: "SUCCEEDED", startedAt: t0, finishedAt: t0 + 1000, outputs: { message: "canary steady" } });
  const traffic = graph.nodes.find((n) => n.stage === "ECS_TRAFFIC_ROUTING")!;
  await store.updateNode(d.id, traffic.id, { state: "SUCCEEDED", startedAt: t0 + 1000, finishedAt: t0 + 2000, outputs: { traffic: { primary: 80, canary: 20 } } });
  await store.updateNode(d.id, analysis.id, { state: "FAILED", startedAt: t0 + 2000, finishedAt: t0 + 3000, error: `sample 2 is above max 0.05 ${EVIL}` });
  for (const n of graph.nodes) if ((await store.getNode(d.id, n.id))?.state === "PENDING") await store.updateNode(d.id, n.id, { state: "SKIPPED" });
  for (const [i, n] of graph.rollback.entries()) {
    await store.updateNode(d.id, n.id, { state: "SUCCEEDED", startedAt: t0 + 3000 + i, finishedAt: t0 + 3500 + i, outputs: n.stage === "ROLLBACK_TRAFFIC" ? { traffic: { primary: 100, canary: 0 } } : {} });
  }
  await store.appendEvent({ deploymentId: d.id, at: t0 + 2500, type: "log", nodeId: analysis.id, data: { message: "sample 1 pass", analysisSample: sample(1, "pass", 0.01) } });
  await store.appendEvent({ deploymentId: d.id, at: t0 + 2600, type: "log", nodeId: analysis.id, data: { message: `sample 2 fail ${EVIL}`, analysisSample: sample(2, "fail", 0.3) } });
  await store.appendEvent({ deploymentId: d.id, at: t0 + 3000, type: "node.failed", nodeId: analysis.id, data: { stage: "ANALYSIS", error: "above max" } });
  await store.updateDeployment(d.id, { state: "ROLLED_BACK", failedNode: analysis.id, error: `metrics[0] had 1 failed samples ${EVIL}`, startedAt: t0, finishedAt: t0 + 4000 }, t0 + 4000);
  await store.appendEvent({ deploymentId: d.id, at: t0 + 4000, type: "deployment.state", nodeId: null, data: { state: "ROLLED_BACK" } });
  return { store, failed: d.id, ok: ok.id, graph };
}

const page = async (store: Store, path: string) => {
  const res = await statusPage({ store, clock: systemClock(1) }).request(path);
  return { res, html: await res.text() };
};

describe("status page (server-rendered)", () => {
  test("list: every deployment with version old → new and state; filter by state and app; escaped", async () => {
    const { store } = await world();
    const { res, html } = await page(store, "/");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /data-deployment-row="d-bad" data-state="ROLLED_BACK"/);
    assert.match(html, /data-deployment-row="d-ok" data-state="SUCCEEDED"/);
    const versions = (id: string) => new RegExp(`data-deployment-row="${id}"[\\s\\S]*?<td data-label="Version">([\\s\\S]*?)</td>`).exec(html)?.[1].replace(/<[^>]+>/g, "");
    assert.equal(versions("d-ok"), "unknown image (web:1) →  to nginx:1.27 (web:2)", "the first deployment: revision found, image never seen");
    assert.equal(versions("d-bad"), "nginx:1.27 (web:2) →  to web:bad (web:3)", "image and revision on both sides; the old image is what registered web:2");
    assert.doesNotMatch(html, /<img src=x/);
    assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/);
    assert.doesNotMatch((await page(store, "/?state=SUCCEEDED")).html, /data-deployment-row="d-bad"/);
    const byApp = (await page(store, "/?app=web")).html;
    assert.match(byApp, /data-deployment-row="d-ok"/);
    assert.doesNotMatch(byApp, /data-deployment-row="d-bad"/);
    assert.match((await page(store, "/?state=QUEUED")).html, /No deployments match this filter/);
  });

  test("deployment: pipeline picture with states, lit rollback edge, error in words, traffic, chart, log", async () => {
    const { store, failed, graph } = await world();
    const analysis = graph.nodes.find((n) => n.stage === "ANALYSIS")!;
    const { res, html } = await page(store, `/deployments/${failed}`);
    assert.equal(res.status, 200);
    assert.match(html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="kanaria-pipeline"/);
    assert.match(html, new RegExp(`data-node-id="${analysis.id}" data-path="main" data-state="FAILED"`));
    for (const n of graph.rollback) assert.match(html, new RegExp(`data-node-id="${n.id}" data-path="rollback" data-state="SUCCEEDED"`));
    assert.match(html, new RegExp(`class="kp-fail kp-lit" data-failure-edge="${analysis.id}"`));
    assert.match(html, /Rolled back: ANALYSIS \([^)]+\) failed/);
    assert.match(html, /data-primary="100" data-canary="0"/);
    assert.match(html, /data-check="metrics\[0\]" data-result="failed"/);
    assert.match(html, /<g data-sample="1" data-verdict="pass">/);
    assert.match(html, /<g data-sample="2" data-verdict="fail">/);
    assert.match(html, /class="band"/);
    assert.match(html, /data-final="true"/);
    assert.match(html, /data-last-event-id="\d+"/);
    assert.doesNotMatch(html, /<img src=x/, "app name, errors and log lines are escaped");
    assert.doesNotMatch(html, /data-action="cancel"/, "finished: nothing to cancel");
    assert.match(html, /<a href="\/deployments\/d-bad">Refresh<\/a>/);
    assert.match(html, /<ol class="log" aria-label="Event log, newest first"[^>]*><li class="l-error" data-event-type="deployment.state">/, "the log opens at the newest event");
    assert.match(html, /Rolled back: ANALYSIS \(analysis\) failed/, "the stage's name and its own id");
  });

  test("succeeded: the rollback path was not needed (not 'pending')", async () => {
    const { store, ok, graph } = await world();
    for (const n of graph.nodes) (await store.updateNode(ok, n.id, { state: "SUCCEEDED", startedAt: Date.now() - 1000, finishedAt: Date.now() }));
    const { html } = await page(store, `/deployments/${ok}`);
    for (const n of graph.rollback) {
      assert.match(html, new RegExp(`data-node-id="${n.id}" data-path="rollback" data-state="NOT_NEEDED"`));
      assert.match(html, new RegExp(`<tr data-stage-row="${n.id}" data-state="PENDING">[\\s\\S]*?<span class="badge s-NOT_NEEDED">not needed</span>`));
    }
    assert.doesNotMatch(html, /pending/, "nothing is left pending once it succeeded");
  });

  test("live fragment: the same sections, for the script to swap in; unknown ids are a 404 page", async () => {
    const { store, failed } = await world();
    const { html } = await page(store, `/deployments/${failed}/live`);
    for (const s of ["summary", "pipeline", "traffic", "analysis", "approvals", "log"]) assert.match(html, new RegExp(`data-live="${s}"`));
    assert.doesNotMatch(html, /<dialog/);
    const missing = await page(store, "/deployments/d-nope");
    assert.equal(missing.res.status, 404);
    assert.match(missing.html, /No deployment d-nope/);
  });

  test("approvals: a waiting WAIT_APPROVAL shows who may approve, the approve button and who approved", async () => {
    const store = await openSqlStore(":memory:");
    const graph = compileFixture("canary");
    const wait = { ...graph.nodes[0], id: "approval", stage: "WAIT_APPROVAL" as const, name: "WAIT_APPROVAL", params: { approvers: ["alice", "bob"], minApproverNum: 2 }, next: graph.nodes[0].id };
    const g = { ...graph, entry: "approval", nodes: [wait, ...graph.nodes] };
    const d = await store.createDeployment({ id: "d-wait", app: "web", serviceKey: "s", graph: g, createdAt: Date.now() });
    await store.updateDeployment(d.id, { state: "RUNNING", startedAt: Date.now(), currentNode: "approval" }, Date.now());
    await store.updateNode(d.id, "approval", { state: "RUNNING", startedAt: Date.now() });
    await store.appendEvent({ deploymentId: d.id, at: Date.now(), type: "approval.waiting", nodeId: "approval", data: { approvers: ["alice", "bob"], minApproverNum: 2 } });
    await store.appendEvent({ deploymentId: d.id, at: Date.now(), type: "approval.granted", nodeId: "approval", data: { approver: "alice" } });
    const { html } = await page(store, `/deployments/${d.id}`);
    assert.match(html, /data-waiting-approval="approval"/);
    assert.match(html, /1 of 2 approvals from alice, bob; approved by alice/);
    assert.match(html, /data-action="approve" data-needs-js="true" hidden="" data-url="\/api\/deployments\/d-wait\/approve\?node=approval"/);
    assert.match(html, /data-action="cancel"/);
    assert.match(html, /<template data-confirm="cancel">[\s\S]*traffic goes back to the primary/);
    assert.match(html, /data-approved-by="alice"/);
    assert.match(html, /data-started-at="\d+"/, "the running node ticks");
    assert.match(html, /<noscript>/);
  });

  test("assets: the script parses and uses no inline handlers; the stylesheet is served", async () => {
    const store = await openSqlStore(":memory:");
    const js = await page(store, "/ui/app.js");
    assert.match(js.res.headers.get("content-type") ?? "", /javascript/);
    assert.doesNotThrow(() => new Function(js.html));
    const writes = js.html.match(/innerHTML\s*=[^=][^;]*/g) ?? [];
    assert.deepEqual(writes, ["innerHTML = fresh.innerHTML"], "markup only ever comes from the server's own sections");
    const css = await page(store, "/ui/style.css");
    assert.match(css.res.headers.get("content-type") ?? "", /text\/css/);
    assert.match(css.html, /@media \(max-width:720px\)/);
  });

  test("task sets: live counts as ECS reported them, after a real canary on the simulator", async () => {
    const sim = await startSim();
    const rt = await simRuntime(sim);
    try {
      const graph = compileFixture("canary", { targetGroups: targetGroupArns(sim) });
      const d = await rt.submit(graph);
      assert.equal((await rt.scheduler.wait(d.id)).state, "SUCCEEDED");
      // Every observation the runtime made, per role/version, as the page reads them.
      const seen = (await rt.store.listEvents(d.id)).filter((e) => e.type === "log" && typeof e.data.role === "string").map((e) => `${e.data.role}/${e.data.version} ${e.data.running}/${e.data.desired}`);
      const desired = Number(graph.target.service?.desiredCount);
      const canary = Math.ceil((30 * desired) / 100);
      assert.equal(seen[0], `primary/current ${desired}/${desired}`, "the primary as found at the start");
      assert.ok(seen.includes(`canary/new ${canary}/${canary}`), `the canary once steady: ${seen.join("; ")}`);
      const { html } = await page(rt.store, `/deployments/${d.id}`);
      // Promoted: one row, the new primary, observed running all its tasks.
      assert.match(html, new RegExp(`<tr data-task-set="primary">[\\s\\S]*?data-observed="${desired}/${desired}"[\\s\\S]*?steady`));
      assert.doesNotMatch(html, /data-task-set="canary"/);
    } finally {
      await rt.close();
      await sim.close();
    }
  });

  test("mounted on the API app: / is the page, /api stays JSON", async () => {
    const store = await openSqlStore(":memory:");
    const rt = await createRuntime({ store, providers: [] });
    try {
      const app = createApp(rt, { token: null });
      const home = await app.request("/");
      assert.equal(home.status, 200);
      assert.match(await home.text(), /<h1>Deployments<\/h1>/);
      const api = await app.request("/api/deployments");
      assert.deepEqual(await api.json(), { deployments: [] });
    } finally {
      await rt.close();
    }
  });
});
