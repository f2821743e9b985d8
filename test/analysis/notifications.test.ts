// Notifications: routing (PipeCD semantics), Slack and webhook payloads, HMAC signatures,
// in-order delivery to a local receiver, retries, and a dead receiver that does not slow
// anything down.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "../../runtime/platform/index.ts";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { EventBus } from "../../runtime/executor/events.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import { createNotifier, Notifier } from "../../runtime/notifications/notifier.ts";
import { fromExecutorEvent, type NotificationEvent } from "../../runtime/notifications/events.ts";
import { receiversFor, routeMatches } from "../../runtime/notifications/routes.ts";
import { hmacSha256Hex, WebhookReceiver } from "../../runtime/notifications/receivers/webhook.ts";
import { slackMessage } from "../../runtime/notifications/receivers/slack.ts";
import { tempDir } from "./helpers.ts";

const ev = (type: NotificationEvent["type"], app = "web", labels: Record<string, string> = { env: "prod" }): NotificationEvent => ({
  type,
  deploymentId: "d-1",
  app: { name: app, labels },
  at: Date.UTC(2025, 0, 1),
  message: `${app} ${type}`,
});

async function receiver(handler?: (req: Request, body: string) => Response | Promise<Response>) {
  const got: { body: any; raw: string; headers: Headers; at: number }[] = [];
  const server = await serve(async (req) => {
    const raw = await req.text();
    const res = handler ? await handler(req, raw) : new Response("ok");
    if (res.ok) got.push({ body: JSON.parse(raw), raw, headers: req.headers, at: Date.now() });
    return res;
  });
  return { server, got };
}

describe("notification routes", () => {
  test("events, groups, apps and labels filter as in PipeCD", () => {
    const e = ev("DEPLOYMENT_FAILED");
    assert.ok(routeMatches({ name: "r", receiver: "x" }, e));
    assert.ok(routeMatches({ name: "r", receiver: "x", events: ["DEPLOYMENT_FAILED"] }, e));
    assert.ok(routeMatches({ name: "r", receiver: "x", events: ["EVENT_DEPLOYMENT_FAILED"] }, e));
    assert.ok(!routeMatches({ name: "r", receiver: "x", events: ["DEPLOYMENT_SUCCEEDED"] }, e));
    assert.ok(!routeMatches({ name: "r", receiver: "x", ignoreEvents: ["DEPLOYMENT_FAILED"] }, e));
    assert.ok(routeMatches({ name: "r", receiver: "x", groups: ["DEPLOYMENT"] }, e));
    assert.ok(!routeMatches({ name: "r", receiver: "x", ignoreGroups: ["DEPLOYMENT"] }, e));
    assert.ok(!routeMatches({ name: "r", receiver: "x", apps: ["api"] }, e));
    assert.ok(!routeMatches({ name: "r", receiver: "x", ignoreApps: ["web"] }, e));
    assert.ok(routeMatches({ name: "r", receiver: "x", labels: { env: "prod" } }, e));
    assert.ok(!routeMatches({ name: "r", receiver: "x", labels: { env: "dev" } }, e));
    assert.ok(!routeMatches({ name: "r", receiver: "x", ignoreLabels: { env: "prod" } }, e));
    assert.deepEqual(receiversFor([{ name: "a", receiver: "x" }, { name: "b", receiver: "x" }, { name: "c", receiver: "y", labels: { env: "dev" } }], e), ["x"]);
  });

  test("executor events map to PipeCD's deployment events", () => {
    const app = { name: "web", labels: {} };
    const rec = (type: string, data: Record<string, unknown>, nodeId: string | null = null) => ({ id: 1, deploymentId: "d-1", at: 1, type, nodeId, data });
    assert.equal(fromExecutorEvent(rec("deployment.state", { state: "QUEUED" }), app)?.type, "DEPLOYMENT_TRIGGERED");
    assert.equal(fromExecutorEvent(rec("deployment.state", { state: "RUNNING" }), app), null);
    assert.equal(fromExecutorEvent(rec("deployment.state", { state: "ROLLED_BACK" }), app)?.type, "DEPLOYMENT_FAILED");
    assert.equal(fromExecutorEvent(rec("approval.waiting", { approvers: ["a"], minApproverNum: 1 }, "approve"), app)?.type, "DEPLOYMENT_WAIT_APPROVAL");
    const sf = fromExecutorEvent(rec("node.failed", { stage: "ANALYSIS", error: "bad canary" }, "analysis"), app)!;
    assert.equal(sf.type, "STAGE_FAILED");
    assert.match(sf.message, /stage analysis \(ANALYSIS\) failed: bad canary/);
  });

  test("Slack message mentions accounts and groups", () => {
    const m = slackMessage(ev("DEPLOYMENT_FAILED"), { mentionedAccounts: ["@alice"], mentionedGroups: ["S123"] });
    assert.match(m.text, /\*DEPLOYMENT_FAILED\* web DEPLOYMENT_FAILED/);
    assert.match(m.text, /<@alice> <!subteam\^S123>/);
  });
});

describe("notification delivery", () => {
  test("a deployment's events reach a local webhook once each, in order, signed", async () => {
    const { server, got } = await receiver();
    const dir = tempDir();
    writeFileSync(join(dir, "secret"), "s3cret\n");
    const notifier = createNotifier(
      {
        routes: [{ name: "all", receiver: "hook", labels: { env: "test" } }],
        receivers: [{ name: "hook", webhook: { url: `${server.url}/hook`, signatureKey: "X-Signature", signatureValueFile: join(dir, "secret") } }],
      },
      { backoffBaseMs: 10 },
    );
    const store = await openSqlStore(":memory:");
    const bus = new EventBus(store);
    const graph = { app: { name: "web", labels: { env: "test" } }, digest: "sha256:x", nodes: [], rollback: [] } as unknown as Graph;
    await store.createDeployment({ id: "d-1", app: "web", serviceKey: "k", graph, createdAt: 1 });
    const detach = notifier.attach(bus, store);
    try {
      await bus.emit("d-1", "deployment.state", null, { state: "QUEUED" });
      await bus.emit("d-1", "deployment.state", null, { state: "RUNNING" });
      await bus.emit("d-1", "approval.waiting", "approve", { approvers: ["alice"], minApproverNum: 1 });
      await bus.emit("d-1", "node.failed", "analysis", { stage: "ANALYSIS", error: "5xx" });
      await bus.emit("d-1", "deployment.state", null, { state: "ROLLING_BACK", error: "5xx" });
      await bus.emit("d-1", "deployment.state", null, { state: "ROLLED_BACK", error: "5xx" });
      await notifier.idle();
      assert.deepEqual(got.map((g) => g.body.event), ["DEPLOYMENT_TRIGGERED", "DEPLOYMENT_WAIT_APPROVAL", "STAGE_FAILED", "DEPLOYMENT_ROLLING_BACK", "DEPLOYMENT_FAILED"]);
      for (const g of got) assert.equal(g.headers.get("x-signature"), `sha256=${await hmacSha256Hex("s3cret", g.raw)}`);
      assert.deepEqual(got[0].body.app, { name: "web", labels: { env: "test" } });
    } finally {
      detach();
      notifier.close();
      await server.close();
    }
  });

  test("HMAC-SHA256 matches the RFC 4231 test case 2", async () => {
    assert.equal(await hmacSha256Hex("Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  test("failed sends are retried with back-off, keeping the order", async () => {
    let failures = 2;
    const { server, got } = await receiver(() => (failures-- > 0 ? new Response("busy", { status: 503 }) : new Response("ok")));
    const notifier = new Notifier([{ name: "all", receiver: "hook" }], [new WebhookReceiver({ name: "hook", url: server.url })], { backoffBaseMs: 10 });
    try {
      notifier.notify(ev("DEPLOYMENT_TRIGGERED"));
      notifier.notify(ev("DEPLOYMENT_SUCCEEDED"));
      await notifier.idle();
      assert.deepEqual(got.map((g) => g.body.event), ["DEPLOYMENT_TRIGGERED", "DEPLOYMENT_SUCCEEDED"]);
    } finally {
      notifier.close();
      await server.close();
    }
  });

  test("a dead receiver does not slow anything down, and a live one still gets everything", async () => {
    const { server, got } = await receiver();
    const dropped: string[] = [];
    // 127.0.0.1:9 (discard) refuses connections; a blackhole would only hit the per-attempt timeout.
    const notifier = new Notifier(
      [
        { name: "dead", receiver: "dead" },
        { name: "live", receiver: "live" },
      ],
      [new WebhookReceiver({ name: "dead", url: "http://127.0.0.1:9/hook" }), new WebhookReceiver({ name: "live", url: server.url })],
      { backoffBaseMs: 5, maxAttempts: 3, onDrop: (r, e) => dropped.push(`${r}:${e.type}`) },
    );
    try {
      // notify() only enqueues: it returns nothing to wait for, and nothing has been delivered
      // (or dropped) when the loop that made 100 deliveries' worth of calls is done.
      for (let i = 0; i < 50; i++) assert.equal(notifier.notify({ ...ev("STAGE_FAILED"), message: `n${i}` }), undefined);
      assert.deepEqual([got.length, dropped.length], [0, 0]);
      await notifier.idle();
      assert.deepEqual(got.map((g) => g.body.message), Array.from({ length: 50 }, (_, i) => `n${i}`));
      assert.equal(dropped.length, 50);
      assert.ok(dropped.every((d) => d === "dead:STAGE_FAILED"));
    } finally {
      notifier.close();
      await server.close();
    }
  });

  test("routes naming an unknown receiver are refused at startup", () => {
    assert.throws(() => new Notifier([{ name: "r", receiver: "nope" }], []), /receiver "nope", which is not defined/);
  });
});
