// The SQLite store: migrations, duplicate digests, the journal's intent/result protocol, events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { DuplicateDigestError } from "../../runtime/store/store.ts";
import { MIGRATIONS } from "../../runtime/store/migrations.ts";
import { openDatabase } from "../../runtime/platform/sqlite.ts";
import { tempDir } from "./helpers.ts";
import type { Graph } from "../../runtime/executor/graph.ts";

const graph = (digest: string) =>
  ({
    digest,
    app: { name: "a", labels: {} },
    strategy: "pipeline",
    target: { service: { serviceName: "web" }, taskDefinition: {}, targetGroups: { primary: null, canary: null } },
    entry: "n1",
    nodes: [{ id: "n1", stage: "WAIT" }, { id: "n2", stage: "WAIT" }],
    rollback: [{ id: "r1", stage: "ROLLBACK_CLEAN" }],
  }) as unknown as Graph;

test("store: reopen keeps data (migrations run once), duplicate digest refused while in flight", async () => {
  const path = join(tempDir(), "k.sqlite");
  let s = await openSqlStore(path);
  await s.createDeployment({ id: "d1", app: "a", serviceKey: "p/c/web", graph: graph("sha256:1"), createdAt: 1 });
  await assert.rejects(() => s.createDeployment({ id: "d2", app: "a", serviceKey: "p/c/web", graph: graph("sha256:1"), createdAt: 2 }), DuplicateDigestError);
  await s.close();
  s = await openSqlStore(path);
  const d = (await s.getDeployment("d1"))!;
  assert.equal(d.state, "QUEUED");
  assert.deepEqual((await s.getNodes("d1")).map((n) => [n.nodeId, n.path, n.state]), [["n1", "main", "PENDING"], ["n2", "main", "PENDING"], ["r1", "rollback", "PENDING"]]);
  await s.close();
});

test("store: journal intent, retry bumps attempts on the same row, result", async () => {
  const s = await openSqlStore(":memory:");
  await s.createDeployment({ id: "d1", app: "a", serviceKey: "k", graph: graph("sha256:2"), createdAt: 1 });
  const e = await s.recordIntent({ deploymentId: "d1", nodeId: "n1", step: "create", operation: "CreateTaskSet", intent: { scale: 30 }, at: 5 });
  assert.equal(e.status, "INTENT");
  const again = await s.recordIntent({ deploymentId: "d1", nodeId: "n1", step: "create", operation: "CreateTaskSet", intent: { scale: 30 }, at: 6 });
  assert.equal(again.id, e.id);
  assert.equal(again.attempts, 2);
  await s.recordResult(e.id, "DONE", { arn: "x" }, 7);
  const done = (await s.getStep("d1", "n1", "create"))!;
  assert.deepEqual([done.status, done.result, done.attempts], ["DONE", { arn: "x" }, 2]);
  const ev = await s.appendEvent({ deploymentId: "d1", at: 1, type: "log", nodeId: null, data: { message: "hi" } });
  assert.deepEqual((await s.listEvents("d1", ev.id - 1)).map((x) => x.data.message), ["hi"]);
  assert.deepEqual(await s.listEvents("d1", ev.id), []);
  await s.updateDeployment("d1", { state: "RUNNING", cancelRequested: true }, 9);
  assert.equal((await s.getDeployment("d1"))!.cancelRequested, true);
  assert.deepEqual(await s.countByState(), { RUNNING: 1 });
  await s.close();
});

test("store: a finished digest can be deployed again, as a redeploy of the latest one", async () => {
  const s = await openSqlStore(":memory:");
  await s.createDeployment({ id: "d1", app: "a", serviceKey: "k", graph: graph("sha256:r"), createdAt: 1 });
  assert.equal((await s.getDeployment("d1"))!.redeployOf, null);
  for (const state of ["RUNNING", "ROLLING_BACK"] as const) {
    await s.updateDeployment("d1", { state }, 2);
    await assert.rejects(() => s.createDeployment({ id: "d2", app: "a", serviceKey: "k", graph: graph("sha256:r"), createdAt: 3 }), (e: unknown) => e instanceof DuplicateDigestError && e.existingId === "d1");
  }
  await s.updateDeployment("d1", { state: "SUCCEEDED" }, 4);
  assert.equal((await s.createDeployment({ id: "d2", app: "a", serviceKey: "k", graph: graph("sha256:r"), createdAt: 5 })).redeployOf, "d1");
  // While d2 is queued the digest is taken again; once it is over, the next one redeploys d2.
  await assert.rejects(() => s.createDeployment({ id: "d3", app: "a", serviceKey: "k", graph: graph("sha256:r"), createdAt: 6 }), DuplicateDigestError);
  await s.updateDeployment("d2", { state: "ROLLED_BACK" }, 7);
  assert.equal((await s.createDeployment({ id: "d3", app: "a", serviceKey: "k", graph: graph("sha256:r"), createdAt: 8 })).redeployOf, "d2");
  assert.deepEqual((await s.getNodes("d3")).map((n) => n.state), ["PENDING", "PENDING", "PENDING"]);
  await s.close();
});

test("store: a store written before redeploys existed is migrated, its rows kept", async () => {
  const path = join(tempDir(), "old.sqlite");
  // The store as version 2 of the migrations left it (digest UNIQUE), with a finished deployment.
  const db = await openDatabase(path);
  db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  MIGRATIONS.slice(0, 2).forEach((m, i) => {
    db.exec(m);
    db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(i + 1, 1);
  });
  db.prepare("INSERT INTO deployments (id, app, service_key, digest, graph, state, created_at, updated_at) VALUES ('old', 'a', 'k', 'sha256:o', ?, 'SUCCEEDED', 1, 1)").run(JSON.stringify(graph("sha256:o")));
  db.prepare("INSERT INTO nodes (deployment_id, node_id, path, stage, ord, state) VALUES ('old', 'n1', 'main', 'WAIT', 0, 'SUCCEEDED')").run();
  db.prepare("INSERT INTO events (deployment_id, at, type, node_id, data) VALUES ('old', 1, 'log', NULL, '{}')").run();
  db.close();
  const s = await openSqlStore(path);
  assert.equal((await s.getDeployment("old"))!.state, "SUCCEEDED");
  assert.deepEqual((await s.getNodes("old")).map((n) => n.state), ["SUCCEEDED"]);
  assert.equal((await s.listEvents("old")).length, 1);
  assert.equal((await s.createDeployment({ id: "new", app: "a", serviceKey: "k", graph: graph("sha256:o"), createdAt: 2 })).redeployOf, "old");
  await s.close();
});
