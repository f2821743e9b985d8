// The store contract: the same cases against both implementations, embedded SQLite (always) and
// PostgreSQL on a real server (Debian's, started by test/helpers/postgres.ts). Whatever keeps
// deployments apart is checked under concurrency (several calls in flight at once), because on a
// server database that is what two replicas do: one deployment at a time per service, a digest
// once among those in flight, one journal row per side effect, event ids in commit order.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { openPostgresStore } from "../../runtime/store/postgres-store.ts";
import { DuplicateDigestError, type Store } from "../../runtime/store/store.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import { smallGraph, waitNode } from "../helpers/small-graph.ts";
import { tempDir } from "./helpers.ts";
import { freshDatabase, postgresRequirement, stopSharedPostgres } from "../helpers/postgres.ts";

const graph = (digest: string): Graph => smallGraph({ digest, nodes: [waitNode("a", "b"), waitNode("b")], rollback: [{ ...waitNode("r1"), stage: "ROLLBACK_CLEAN", params: {} }] });

const deployment = (id: string, serviceKey: string, digest: string, createdAt = 1) => ({ id, app: "web", serviceKey, graph: graph(digest), createdAt });

/** How a suite opens its store: `reopen` opens another client of the same database. */
interface Backend {
  name: string;
  skip: { skip?: string };
  /** A new, empty database; returns the opener for clients of it. */
  fresh(): Promise<() => Promise<Store>>;
}

const sqlite: Backend = {
  name: "SQLite",
  skip: {},
  fresh: async () => {
    const path = join(tempDir("kanaria-contract-"), "kanaria.sqlite");
    return () => openSqlStore(path);
  },
};

const pg: Backend = {
  name: "PostgreSQL",
  skip: postgresRequirement(),
  fresh: async () => {
    const url = await freshDatabase();
    return () => openPostgresStore({ url });
  },
};

for (const backend of [sqlite, pg]) {
  describe(`store contract: ${backend.name}`, backend.skip, () => {
    const open: Store[] = [];
    const fresh = async () => {
      const opener = await backend.fresh();
      const client = async () => {
        const s = await opener();
        open.push(s);
        return s;
      };
      return { store: await client(), client };
    };
    after(async () => {
      for (const s of open) await s.close();
      if (backend === pg) await stopSharedPostgres();
    });

    test("a deployment is created QUEUED with its nodes PENDING in order; listed newest first; counted by state", async () => {
      const { store } = await fresh();
      const d = await store.createDeployment(deployment("d1", "p/c/web", "sha256:1", 10));
      assert.equal(d.state, "QUEUED");
      assert.equal(d.redeployOf, null);
      assert.deepEqual(d.graph, graph("sha256:1"));
      await store.createDeployment(deployment("d2", "p/c/api", "sha256:2", 20));
      assert.deepEqual((await store.getNodes("d1")).map((n) => [n.nodeId, n.path, n.state]), [
        ["a", "main", "PENDING"],
        ["b", "main", "PENDING"],
        ["r1", "rollback", "PENDING"],
      ]);
      assert.deepEqual((await store.listDeployments()).map((x) => x.id), ["d2", "d1"]);
      assert.deepEqual((await store.listDeployments({ limit: 1 })).map((x) => x.id), ["d2"]);
      await store.updateDeployment("d2", { state: "SUCCEEDED", finishedAt: 30, cancelRequested: true, error: null }, 30);
      assert.deepEqual((await store.listDeployments({ states: ["SUCCEEDED"] })).map((x) => x.id), ["d2"]);
      assert.deepEqual(await store.countByState(), { QUEUED: 1, SUCCEEDED: 1 });
      const d2 = (await store.getDeployment("d2"))!;
      assert.equal(d2.cancelRequested, true);
      assert.equal(d2.finishedAt, 30);
      assert.equal(d2.updatedAt, 30);
      assert.equal(await store.getDeployment("nope"), null);
    });

    test("a digest once among deployments in flight, even submitted at once; a finished one is redeployed", async () => {
      const { store } = await fresh();
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.createDeployment(deployment(`d${i}`, "p/c/web", "sha256:same", i))));
      const won = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
      assert.equal(won.length, 1, "exactly one of six concurrent submissions of the same graph is queued");
      for (const r of results) {
        if (r.status === "rejected") assert.ok(r.reason instanceof DuplicateDigestError && r.reason.existingId === won[0], String(r.reason));
      }
      await store.updateDeployment(won[0], { state: "ROLLED_BACK" }, 10);
      const again = await store.createDeployment(deployment("again", "p/c/web", "sha256:same", 20));
      assert.equal(again.redeployOf, won[0]);
    });

    test("one deployment at a time per service: startDeployment claims atomically, the database refuses a second", async () => {
      const { store } = await fresh();
      for (const i of [1, 2, 3, 4]) await store.createDeployment(deployment(`s${i}`, "p/c/web", `sha256:s${i}`, i));
      await store.createDeployment(deployment("other", "p/c/api", "sha256:o", 5));
      const starts = await Promise.all([1, 2, 3, 4].map((i) => store.startDeployment(`s${i}`, { startedAt: 100, currentNode: "a" }, 100)));
      const started = starts.flatMap((r, i) => (r.started ? [`s${i + 1}`] : []));
      assert.equal(started.length, 1, `one of four claims on one service wins: ${JSON.stringify(starts)}`);
      for (const r of starts) if (!r.started) assert.deepEqual(r, { started: false, reason: "service-busy", holder: started[0] });
      const running = (await store.getDeployment(started[0]))!;
      assert.equal(running.state, "RUNNING");
      assert.equal(running.startedAt, 100);
      assert.equal(running.currentNode, "a");
      assert.deepEqual(await store.startDeployment(started[0], { startedAt: 1, currentNode: "a" }, 1), { started: false, reason: "not-queued" });
      assert.deepEqual(await store.startDeployment("other", { startedAt: 1, currentNode: "a" }, 1), { started: true }, "another service is not held up");
      // Not only startDeployment: any write that would make a second one active is refused.
      const waiting = ["s1", "s2", "s3", "s4"].find((id) => id !== started[0])!;
      await assert.rejects(store.updateDeployment(waiting, { state: "RUNNING" }, 2));
      await store.updateDeployment(started[0], { state: "ROLLING_BACK" }, 3);
      await assert.rejects(store.updateDeployment(waiting, { state: "ROLLING_BACK" }, 4));
      await store.updateDeployment(started[0], { state: "ROLLED_BACK" }, 5);
      assert.deepEqual(await store.startDeployment(waiting, { startedAt: 6, currentNode: "a" }, 6), { started: true }, "the service is free again");
      await store.updateDeployment(waiting, { state: "CANCELLED" }, 7);
      assert.deepEqual(await store.startDeployment(waiting, { startedAt: 8, currentNode: "a" }, 8), { started: false, reason: "not-queued" });
    });

    test("nodes: patches round-trip (outputs JSON, active time); ensureNode adds once", async () => {
      const { store } = await fresh();
      await store.createDeployment(deployment("d", "k", "sha256:n"));
      await store.updateNode("d", "a", { state: "SUCCEEDED", attempts: 2, startedAt: 5, finishedAt: 9, activeMs: 1234, error: null, outputs: { traffic: { primary: 80, canary: 20 }, message: "ok" } });
      const a = (await store.getNode("d", "a"))!;
      assert.deepEqual(
        { state: a.state, attempts: a.attempts, startedAt: a.startedAt, finishedAt: a.finishedAt, activeMs: a.activeMs, outputs: a.outputs },
        { state: "SUCCEEDED", attempts: 2, startedAt: 5, finishedAt: 9, activeMs: 1234, outputs: { traffic: { primary: 80, canary: 20 }, message: "ok" } },
      );
      await store.ensureNode("d", "quick-sync", "main", "ECS_SYNC", -1);
      await store.ensureNode("d", "quick-sync", "main", "ECS_SYNC", -1);
      assert.deepEqual((await store.getNodes("d")).map((n) => n.nodeId), ["quick-sync", "a", "b", "r1"]);
      assert.equal(await store.getNode("d", "nope"), null);
    });

    test("journal: one row per side effect, even when intents race; results and notes are kept", async () => {
      const { store } = await fresh();
      await store.createDeployment(deployment("d", "k", "sha256:j"));
      const first = await store.recordIntent({ deploymentId: "d", nodeId: "a", step: "create-task-set", operation: "CreateTaskSet", intent: { n: 1 }, at: 10 });
      assert.deepEqual({ status: first.status, attempts: first.attempts, intent: first.intent }, { status: "INTENT", attempts: 1, intent: { n: 1 } });
      await store.updateIntent(first.id, { n: 1, pgid: 42 });
      assert.deepEqual((await store.getStep("d", "a", "create-task-set"))!.intent, { n: 1, pgid: 42 });
      await store.recordResult(first.id, "DONE", { arn: "x" }, 11);
      const done = (await store.getStep("d", "a", "create-task-set"))!;
      assert.deepEqual({ status: done.status, result: done.result, finishedAt: done.finishedAt, createdAt: done.createdAt }, { status: "DONE", result: { arn: "x" }, finishedAt: 11, createdAt: 10 });

      const raced = await Promise.all(Array.from({ length: 5 }, () => store.recordIntent({ deploymentId: "d", nodeId: "b", step: "route", operation: "ModifyRule", intent: {}, at: 20 })));
      assert.equal(new Set(raced.map((r) => r.id)).size, 1, "every attempt names the same row");
      const row = (await store.getStep("d", "b", "route"))!;
      assert.equal(row.attempts, 5);
      await store.recordResult(row.id, "FAILED", { error: "boom" }, 21);
      assert.deepEqual((await store.listJournal("d")).map((j) => [j.nodeId, j.step, j.status]), [
        ["a", "create-task-set", "DONE"],
        ["b", "route", "FAILED"],
      ]);
      assert.equal(await store.getStep("d", "a", "nope"), null);
    });

    test("events: ids grow in append order, also with many appends in flight; listEvents resumes after an id", async () => {
      const { store } = await fresh();
      await store.createDeployment(deployment("d", "k", "sha256:e"));
      const e1 = await store.appendEvent({ deploymentId: "d", at: 1, type: "deployment.state", nodeId: null, data: { state: "QUEUED" } });
      const many = await Promise.all(Array.from({ length: 40 }, (_, i) => store.appendEvent({ deploymentId: "d", at: 2 + i, type: "log", nodeId: "a", data: { message: `m${i}` } })));
      const all = await store.listEvents("d");
      assert.equal(all.length, 41);
      assert.deepEqual(all[0], e1);
      assert.deepEqual(
        all.map((e) => e.id),
        [...all.map((e) => e.id)].sort((a, b) => a - b),
        "listed in id order",
      );
      assert.equal(new Set(many.map((e) => e.id)).size, 40);
      assert.deepEqual(
        (await store.listEvents("d", all[20].id)).map((e) => e.id),
        all.slice(21).map((e) => e.id),
      );
      await assert.rejects(store.appendEvent({ deploymentId: "missing", at: 1, type: "log", nodeId: null, data: {} }));
    });

    test("migrations: reopening keeps the data; two clients opening a new database at once both work", async () => {
      const { store, client } = await fresh();
      await store.createDeployment(deployment("kept", "k", "sha256:m"));
      const [a, b] = await Promise.all([client(), client()]);
      assert.equal((await a.getDeployment("kept"))?.id, "kept");
      assert.equal((await b.getDeployment("kept"))?.id, "kept");
      await a.ping();
      const opener = await backend.fresh();
      const both = await Promise.all([opener(), opener()]);
      open.push(...both);
      await both[0].createDeployment(deployment("x", "k", "sha256:x"));
      assert.equal((await both[1].getDeployment("x"))?.id, "x");
    });
  });
}

describe("store contract: PostgreSQL only", pg.skip, () => {
  after(stopSharedPostgres);

  test("listenEvents hears the events another client appends (not its own)", async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([openPostgresStore({ url }), openPostgresStore({ url })]);
    try {
      const heardByA: Array<[string, number]> = [];
      const heardByB: Array<[string, number]> = [];
      const stopA = await a.listenEvents((d, id) => heardByA.push([d, id]));
      const stopB = await b.listenEvents((d, id) => heardByB.push([d, id]));
      await a.createDeployment(deployment("d", "k", "sha256:l"));
      const e = await a.appendEvent({ deploymentId: "d", at: 1, type: "log", nodeId: null, data: { message: "hi" } });
      const deadline = Date.now() + 30_000;
      while (!heardByB.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(heardByB, [["d", e.id]]);
      assert.deepEqual(heardByA, [], "a client does not hear itself");
      await stopA();
      await stopB();
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("a wrong password fails to open with a message that names the server but not the password", async () => {
    const url = new URL(await freshDatabase());
    url.password = "not-the-Secret-pw";
    await assert.rejects(openPostgresStore({ url: url.toString() }), (e: Error) => {
      assert.ok(!e.message.includes("not-the-Secret-pw"), e.message);
      assert.match(e.message, /PostgreSQL store at postgres:\/\/127\.0\.0\.1:\d+\//);
      assert.match(e.message, /password authentication failed/);
      return true;
    });
  });
});
