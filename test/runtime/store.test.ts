// The SQLite store: migrations, duplicate digests, the journal's intent/result protocol, events.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { DuplicateDigestError } from "../../runtime/store/store.ts";
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

test("store: reopen keeps data (migrations run once), duplicate digest refused", async () => {
  const path = join(tempDir(), "k.sqlite");
  let s = await openSqlStore(path);
  s.createDeployment({ id: "d1", app: "a", serviceKey: "p/c/web", graph: graph("sha256:1"), createdAt: 1 });
  assert.throws(() => s.createDeployment({ id: "d2", app: "a", serviceKey: "p/c/web", graph: graph("sha256:1"), createdAt: 2 }), DuplicateDigestError);
  s.close();
  s = await openSqlStore(path);
  const d = s.getDeployment("d1")!;
  assert.equal(d.state, "QUEUED");
  assert.deepEqual(s.getNodes("d1").map((n) => [n.nodeId, n.path, n.state]), [["n1", "main", "PENDING"], ["n2", "main", "PENDING"], ["r1", "rollback", "PENDING"]]);
  s.close();
});

test("store: journal intent, retry bumps attempts on the same row, result", async () => {
  const s = await openSqlStore(":memory:");
  s.createDeployment({ id: "d1", app: "a", serviceKey: "k", graph: graph("sha256:2"), createdAt: 1 });
  const e = s.recordIntent({ deploymentId: "d1", nodeId: "n1", step: "create", operation: "CreateTaskSet", intent: { scale: 30 }, at: 5 });
  assert.equal(e.status, "INTENT");
  const again = s.recordIntent({ deploymentId: "d1", nodeId: "n1", step: "create", operation: "CreateTaskSet", intent: { scale: 30 }, at: 6 });
  assert.equal(again.id, e.id);
  assert.equal(again.attempts, 2);
  s.recordResult(e.id, "DONE", { arn: "x" }, 7);
  const done = s.getStep("d1", "n1", "create")!;
  assert.deepEqual([done.status, done.result, done.attempts], ["DONE", { arn: "x" }, 2]);
  const ev = s.appendEvent({ deploymentId: "d1", at: 1, type: "log", nodeId: null, data: { message: "hi" } });
  assert.deepEqual(s.listEvents("d1", ev.id - 1).map((x) => x.data.message), ["hi"]);
  assert.deepEqual(s.listEvents("d1", ev.id), []);
  s.updateDeployment("d1", { state: "RUNNING", cancelRequested: true }, 9);
  assert.equal(s.getDeployment("d1")!.cancelRequested, true);
  assert.deepEqual(s.countByState(), { RUNNING: 1 });
  s.close();
});
