// Deployment leases and write fencing, the same cases on SQLite (the store's own migrations) and
// on a real PostgreSQL: one owner at a time, takeover only after expiry with a higher token, and
// the database itself refusing a write that carries a token no longer current.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { openDatabase, type Database } from "../../runtime/platform/sqlite.ts";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { isFenceRejection, POSTGRES_LEASE_MIGRATION } from "../../runtime/store/lease-sql.ts";
import { postgresLeases, sqliteLeases, type LeaseStore } from "../../runtime/store/leases.ts";
import { LeaseKeeper, LeaseLostError } from "../../runtime/executor/lease-keeper.ts";
import { findPostgresBinDir, freshDatabase, MISSING_POSTGRES, postgresRequirement, stopSharedPostgres } from "../helpers/postgres.ts";
import { tempDir } from "./helpers.ts";

/** What the cases need from a database: its lease store and raw writes with a fence. */
interface Harness {
  leases: LeaseStore;
  addDeployment(id: string, state: string): Promise<void>;
  /** One fenced write per guarded table; rejects when the database refuses it. */
  write(table: "deployments" | "nodes" | "journal" | "events", id: string, fence: number | null): Promise<void>;
  close(): Promise<void>;
}

async function sqliteHarness(): Promise<Harness> {
  const path = join(tempDir("kanaria-leases-"), "k.sqlite");
  const store = await openSqlStore(path); // runs the migrations
  await store.close();
  const db: Database = await openDatabase(path);
  let n = 0;
  return {
    leases: sqliteLeases(db),
    async addDeployment(id, state) {
      db.prepare("INSERT INTO deployments (id, app, service_key, digest, graph, state, created_at, updated_at) VALUES (?, 'a', ?, ?, '{}', ?, ?, ?)").run(id, `k/${id}`, `sha256:${id}`, state, ++n, n);
      db.prepare("INSERT INTO nodes (deployment_id, node_id, path, stage, ord, state) VALUES (?, 'n1', 'main', 'WAIT', 0, 'PENDING')").run(id);
    },
    async write(table, id, fence) {
      if (table === "deployments") db.prepare("UPDATE deployments SET current_node = 'n1', fence = ? WHERE id = ?").run(fence, id);
      if (table === "nodes") db.prepare("UPDATE nodes SET state = 'RUNNING', fence = ? WHERE deployment_id = ?").run(fence, id);
      if (table === "journal")
        db.prepare("INSERT INTO journal (deployment_id, node_id, step, operation, intent, status, created_at, fence) VALUES (?, 'n1', ?, 'Op', '{}', 'INTENT', 0, ?)").run(id, `s${++n}`, fence);
      if (table === "events") db.prepare("INSERT INTO events (deployment_id, at, type, node_id, data, fence) VALUES (?, 0, 'log', NULL, '{}', ?)").run(id, fence);
    },
    async close() {
      db.close();
    },
  };
}

// The tables the lease migration builds on, as the PostgreSQL store defines them (columns the
// cases touch).
const PG_BASE_TABLES = `
  CREATE TABLE deployments (id TEXT PRIMARY KEY, state TEXT NOT NULL, current_node TEXT, created_at BIGINT NOT NULL);
  CREATE TABLE nodes (deployment_id TEXT NOT NULL REFERENCES deployments(id), node_id TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (deployment_id, node_id));
  CREATE TABLE journal (id BIGSERIAL PRIMARY KEY, deployment_id TEXT NOT NULL REFERENCES deployments(id), step TEXT NOT NULL);
  CREATE TABLE events (id BIGSERIAL PRIMARY KEY, deployment_id TEXT NOT NULL REFERENCES deployments(id), type TEXT NOT NULL);`;

async function postgresHarness(): Promise<Harness> {
  const sql = postgres(await freshDatabase(), { max: 4, onnotice: () => {} });
  await sql.unsafe(PG_BASE_TABLES);
  await sql.unsafe(POSTGRES_LEASE_MIGRATION);
  let n = 0;
  return {
    leases: postgresLeases(sql),
    async addDeployment(id, state) {
      await sql`INSERT INTO deployments (id, state, created_at) VALUES (${id}, ${state}, ${++n})`;
      await sql`INSERT INTO nodes (deployment_id, node_id, state) VALUES (${id}, 'n1', 'PENDING')`;
    },
    async write(table, id, fence) {
      if (table === "deployments") await sql`UPDATE deployments SET current_node = 'n1', fence = ${fence} WHERE id = ${id}`;
      if (table === "nodes") await sql`UPDATE nodes SET state = 'RUNNING', fence = ${fence} WHERE deployment_id = ${id}`;
      if (table === "journal") await sql`INSERT INTO journal (deployment_id, step, fence) VALUES (${id}, ${`s${++n}`}, ${fence})`;
      if (table === "events") await sql`INSERT INTO events (deployment_id, type, fence) VALUES (${id}, 'log', ${fence})`;
    },
    close: () => sql.end(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ends a lease now (a renewal by its holder with a 1 ms TTL), instead of waiting out a short TTL. */
async function expire(h: Harness, id: string, owner: string, token: number): Promise<void> {
  assert.equal(await h.leases.renew(id, owner, token, 1), true);
  await sleep(20);
}
const TABLES = ["deployments", "nodes", "journal", "events"] as const;

function leaseCases(open: () => Promise<Harness>, before?: () => void) {
  test("one owner at a time; after expiry another takes over with a higher token; the old owner can no longer renew", async () => {
    before?.();
    const h = await open();
    try {
      await h.addDeployment("d1", "RUNNING");
      const t1 = await h.leases.acquire("d1", "A", 60_000);
      assert.equal(t1, 1);
      assert.equal(await h.leases.acquire("d1", "B", 60_000), null, "B cannot take a live lease");
      assert.equal((await h.leases.holder("d1"))?.owner, "A");
      await expire(h, "d1", "A", 1);
      assert.equal(await h.leases.holder("d1"), null, "expired");
      const t2 = await h.leases.acquire("d1", "B", 10_000);
      assert.equal(t2, 2, "the takeover's token is higher");
      assert.equal(await h.leases.renew("d1", "A", 1, 10_000), false, "A's tenure is over");
      assert.equal(await h.leases.acquire("d1", "A", 10_000), null);
      assert.deepEqual(await h.leases.holder("d1").then((x) => x && { owner: x.owner, token: x.token }), { owner: "B", token: 2 });
    } finally {
      await h.close();
    }
  });

  test("the database refuses every write with a stale or expired token; the current token and unfenced writes pass", async () => {
    before?.();
    const h = await open();
    try {
      await h.addDeployment("d1", "RUNNING");
      await h.addDeployment("d2", "RUNNING");
      await h.leases.acquire("d1", "A", 60_000);
      for (const t of TABLES) await h.write(t, "d1", 1);
      await expire(h, "d1", "A", 1);
      for (const t of TABLES) await assert.rejects(h.write(t, "d1", 1), (e) => isFenceRejection(e), `${t}: expired token refused`);
      assert.equal(await h.leases.acquire("d1", "B", 10_000), 2);
      for (const t of TABLES) await assert.rejects(h.write(t, "d1", 1), (e) => isFenceRejection(e), `${t}: A's old token refused`);
      for (const t of TABLES) await h.write(t, "d1", 2);
      for (const t of TABLES) await h.write(t, "d1", null);
      // A token of one deployment means nothing for another.
      for (const t of TABLES) await assert.rejects(h.write(t, "d2", 2), (e) => isFenceRejection(e), `${t}: d1's token on d2 refused`);
    } finally {
      await h.close();
    }
  });

  test("orphans: in-flight deployments without a live lease; release lets another take it at once", async () => {
    before?.();
    const h = await open();
    try {
      await h.addDeployment("run", "RUNNING");
      await h.addDeployment("back", "ROLLING_BACK");
      await h.addDeployment("queued", "QUEUED");
      await h.addDeployment("done", "SUCCEEDED");
      assert.deepEqual(await h.leases.orphans(10), ["run", "back"]);
      const t = await h.leases.acquire("run", "A", 60_000);
      assert.deepEqual(await h.leases.orphans(10), ["back"]);
      await h.leases.release("run", "A", t!);
      assert.deepEqual(await h.leases.orphans(10), ["run", "back"]);
      assert.equal(await h.leases.acquire("run", "B", 60_000), 2);
    } finally {
      await h.close();
    }
  });

  test("LeaseKeeper: renews in the background; a takeover or a pause past the TTL makes the lease lost", async () => {
    before?.();
    const h = await open();
    try {
      await h.addDeployment("d1", "RUNNING");
      await h.addDeployment("d2", "RUNNING");
      let now = 0;
      const a = new LeaseKeeper(h.leases, { owner: "A", ttlMs: 3_000, now: () => now });
      const lost: string[] = [];
      const l1 = (await a.acquire("d1", (e) => lost.push(e.deploymentId)))!;
      const l2 = (await a.acquire("d2", (e) => lost.push(e.deploymentId)))!;
      assert.equal(l1.token, 1);
      const started = Date.now();
      while (Date.now() - started < 4_000) {
        await sleep(700);
        now += 700;
        await a.renewAll();
      }
      l1.check();
      assert.deepEqual(lost, [], "renewed past the TTL: still held");
      assert.ok((await h.leases.holder("d2"))!.remainingMs > 0);
      // d1 lapses in the store (as when A could not renew for a TTL), B takes it.
      await expire(h, "d1", "A", 1);
      assert.equal(await h.leases.acquire("d1", "B", 60_000), 2);
      now += 100; // the local deadline has not passed: only the store can tell
      await a.renewAll();
      assert.deepEqual(lost, ["d1"]);
      assert.throws(() => l1.check(), LeaseLostError);
      l2.check();
      assert.deepEqual(a.heldIds(), ["d2"]);
      // The local deadline: a process paused past it sees the lease lost before asking anyone.
      // d2 is still A's in the store, yet A, paused past its deadline, must not act on it.
      now += 3_000;
      a.checkDeadlines();
      assert.deepEqual(lost, ["d1", "d2"]);
      assert.throws(() => l2.check(), LeaseLostError);
    } finally {
      await h.close();
    }
  });
}

describe("leases on SQLite", () => {
  leaseCases(sqliteHarness);
});

describe("leases on PostgreSQL", postgresRequirement(), () => {
  after(stopSharedPostgres);
  leaseCases(postgresHarness, () => {
    if (!findPostgresBinDir()) throw new Error(`${MISSING_POSTGRES} (CI=true: these tests must run).`);
  });
});
