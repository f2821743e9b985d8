// Store on embedded SQLite (one file under --data DIR).
import { openDatabase, type Database } from "../platform/sqlite.ts";
import { MIGRATIONS } from "./migrations.ts";
import { Fences } from "./fences.ts";
import { sqliteLeases } from "./leases.ts";
import { DEPLOYMENT_COLUMNS, json, NODE_COLUMNS, toDeployment, toEvent, toJournal, toNode } from "./rows.ts";
import { DuplicateDigestError, FINAL_STATES, type DeploymentState, type DeploymentPatch, type JournalEntry, type NewDeployment, type NodePatch, type Store } from "./store.ts";

function migrate(db: Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  // SQLite's way to change a table: foreign keys off around the transaction (a table rebuilt
  // under its children would fail them), then checked before the commit.
  db.exec("PRAGMA foreign_keys = OFF");
  try {
    // The version is read inside each migration's write transaction (BEGIN IMMEDIATE): a second
    // process opening the store at the same moment waits, then finds that migration applied.
    for (let done = false; !done; ) {
      db.transaction(() => {
        const current = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get<{ v: number | null }>()?.v ?? 0;
        const v = current + 1;
        if (v > MIGRATIONS.length) {
          done = true;
          return;
        }
        db.exec(MIGRATIONS[v - 1]);
        const broken = db.prepare("PRAGMA foreign_key_check").all();
        if (broken.length) throw new Error(`Store migration ${v} left ${broken.length} rows without their deployment; the store is unchanged.`);
        db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(v, Date.now());
      });
    }
  } finally {
    db.exec("PRAGMA foreign_keys = ON");
  }
}

export async function openSqlStore(path: string): Promise<Store> {
  const db = await openDatabase(path);
  migrate(db);
  // Synchronous on SQLite: recordIntent's read-then-write runs in one tick, nothing in between.
  const stepOf = (deploymentId: string, nodeId: string, step: string): JournalEntry | null => {
    const r = db.prepare("SELECT * FROM journal WHERE deployment_id = ? AND node_id = ? AND step = ?").get(deploymentId, nodeId, step);
    if (!r) return null;
    const e = toJournal(r);
    fences.noteJournalRow(e.id, deploymentId);
    return e;
  };
  // One process per SQLite store (store-lock.ts): leases left by an earlier process are over.
  db.exec("UPDATE leases SET expires_at = 0");
  const fences = new Fences();
  const store: Store = {
    leases: sqliteLeases(db),
    fence: (id, token) => fences.set(id, token),
    async createDeployment(d: NewDeployment) {
      db.transaction(() => {
        const earlier = db
          .prepare("SELECT id, state FROM deployments WHERE digest = ? ORDER BY created_at DESC, id DESC")
          .all<{ id: string; state: DeploymentState }>(d.graph.digest);
        const inFlight = earlier.find((e) => !FINAL_STATES.has(e.state));
        if (inFlight) throw new DuplicateDigestError(inFlight.id);
        db.prepare(
          "INSERT INTO deployments (id, app, service_key, digest, graph, state, created_at, updated_at, redeploy_of) VALUES (?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?)",
        ).run(d.id, d.app, d.serviceKey, d.graph.digest, JSON.stringify(d.graph), d.createdAt, d.createdAt, earlier[0]?.id ?? null);
        const ins = db.prepare("INSERT INTO nodes (deployment_id, node_id, path, stage, ord, state) VALUES (?, ?, ?, ?, ?, 'PENDING')");
        d.graph.nodes.forEach((n, i) => {
          ins.run(d.id, n.id, "main", n.stage, i);
        });
        d.graph.rollback.forEach((n, i) => {
          ins.run(d.id, n.id, "rollback", n.stage, 1000 + i);
        });
      });
      return (await store.getDeployment(d.id))!;
    },
    async getDeployment(id) {
      const r = db.prepare("SELECT * FROM deployments WHERE id = ?").get(id);
      return r ? toDeployment(r) : null;
    },
    async listDeployments(filter = {}) {
      const states = filter.states ?? [];
      const where = states.length ? `WHERE state IN (${states.map(() => "?").join(",")})` : "";
      const limit = filter.limit ?? 1000;
      return db
        .prepare(`SELECT * FROM deployments ${where} ORDER BY created_at DESC, id DESC LIMIT ${Math.max(1, Math.floor(limit))}`)
        .all(...states)
        .map(toDeployment);
    },
    async countByState() {
      const out: Record<string, number> = {};
      for (const r of db.prepare("SELECT state, COUNT(*) AS n FROM deployments GROUP BY state").all<{ state: string; n: number }>()) out[r.state] = r.n;
      return out;
    },
    async updateDeployment(id, patch, now) {
      const keys = Object.keys(patch) as (keyof DeploymentPatch)[];
      if (!keys.length) return;
      const sets = keys.map((k) => `${DEPLOYMENT_COLUMNS[k]} = ?`).join(", ");
      const values = keys.map((k) => {
        const v = patch[k];
        return typeof v === "boolean" ? (v ? 1 : 0) : (v ?? null);
      }) as (string | number | null)[];
      db.prepare(`UPDATE deployments SET ${sets}, updated_at = ?, fence = ? WHERE id = ?`).run(...values, now, fences.of(id), id);
    },
    async startDeployment(id, start, now) {
      try {
        const r = db
          .prepare("UPDATE deployments SET state = 'RUNNING', started_at = ?, current_node = ?, updated_at = ?, fence = ? WHERE id = ? AND state = 'QUEUED'")
          .run(start.startedAt, start.currentNode, now, fences.of(id), id);
        return r.changes ? { started: true } : { started: false, reason: "not-queued" };
      } catch (e) {
        if (!/UNIQUE constraint failed: deployments\.service_key/.test(String((e as Error)?.message))) throw e;
        const holder = db
          .prepare("SELECT h.id FROM deployments h JOIN deployments d ON d.service_key = h.service_key WHERE d.id = ? AND h.state IN ('RUNNING', 'ROLLING_BACK')")
          .get<{ id: string }>(id);
        return { started: false, reason: "service-busy", holder: holder?.id ?? null };
      }
    },
    async getNodes(deploymentId) {
      return db.prepare("SELECT * FROM nodes WHERE deployment_id = ? ORDER BY ord").all(deploymentId).map(toNode);
    },
    async getNode(deploymentId, nodeId) {
      const r = db.prepare("SELECT * FROM nodes WHERE deployment_id = ? AND node_id = ?").get(deploymentId, nodeId);
      return r ? toNode(r) : null;
    },
    async updateNode(deploymentId, nodeId, patch) {
      const keys = Object.keys(patch) as (keyof NodePatch)[];
      if (!keys.length) return;
      const sets = keys.map((k) => `${NODE_COLUMNS[k]} = ?`).join(", ");
      const values = keys.map((k) => (k === "outputs" ? json(patch[k]) : (patch[k] ?? null))) as (string | number | null)[];
      db.prepare(`UPDATE nodes SET ${sets}, fence = ? WHERE deployment_id = ? AND node_id = ?`).run(...values, fences.of(deploymentId), deploymentId, nodeId);
    },
    async ensureNode(deploymentId, nodeId, path, stage, ord) {
      db.prepare("INSERT OR IGNORE INTO nodes (deployment_id, node_id, path, stage, ord, state, fence) VALUES (?, ?, ?, ?, ?, 'PENDING', ?)").run(
        deploymentId,
        nodeId,
        path,
        stage,
        ord,
        fences.of(deploymentId),
      );
    },
    async getStep(deploymentId, nodeId, step) {
      return stepOf(deploymentId, nodeId, step);
    },
    async recordIntent(e) {
      const existing = stepOf(e.deploymentId, e.nodeId, e.step);
      if (existing) {
        db.prepare("UPDATE journal SET attempts = attempts + 1, status = 'INTENT', intent = ?, fence = ? WHERE id = ?").run(json(e.intent), fences.of(e.deploymentId), existing.id);
        return { ...existing, attempts: existing.attempts + 1, status: "INTENT", intent: e.intent };
      }
      const r = db
        .prepare("INSERT INTO journal (deployment_id, node_id, step, operation, intent, status, created_at, fence) VALUES (?, ?, ?, ?, ?, 'INTENT', ?, ?)")
        .run(e.deploymentId, e.nodeId, e.step, e.operation, json(e.intent) ?? "null", e.at, fences.of(e.deploymentId));
      return stepOf(e.deploymentId, e.nodeId, e.step) ?? ({ id: r.lastInsertRowid } as JournalEntry);
    },
    async recordResult(id, status, result, at) {
      db.prepare("UPDATE journal SET status = ?, result = ?, finished_at = ?, fence = ? WHERE id = ?").run(status, json(result), at, fences.ofJournalRow(id), id);
    },
    async updateIntent(id, intent) {
      db.prepare("UPDATE journal SET intent = ?, fence = ? WHERE id = ?").run(json(intent) ?? "null", fences.ofJournalRow(id), id);
    },
    async listJournal(deploymentId) {
      return db.prepare("SELECT * FROM journal WHERE deployment_id = ? ORDER BY id").all(deploymentId).map(toJournal);
    },
    async getGitopsState(key) {
      return db.prepare("SELECT value FROM gitops_state WHERE key = ?").get<{ value: string }>(key)?.value ?? null;
    },
    async putGitopsState(key, value, at) {
      db.prepare("INSERT INTO gitops_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at").run(key, value, at);
    },
    async listGitopsState(prefix) {
      // Prefix by range, not LIKE: keys hold paths with `_` and `%`.
      return db.prepare("SELECT key, value FROM gitops_state WHERE key >= ? AND key < ? ORDER BY key").all<{ key: string; value: string }>(prefix, `${prefix}\uffff`);
    },
    async appendEvent(e) {
      const r = db
        .prepare("INSERT INTO events (deployment_id, at, type, node_id, data, fence) VALUES (?, ?, ?, ?, ?, ?)")
        .run(e.deploymentId, e.at, e.type, e.nodeId, JSON.stringify(e.data), fences.of(e.deploymentId));
      return { ...e, id: r.lastInsertRowid };
    },
    async listEvents(deploymentId, afterId = 0) {
      return db
        .prepare("SELECT * FROM events WHERE deployment_id = ? AND id > ? ORDER BY id")
        .all(deploymentId, afterId)
        .map(toEvent);
    },
    async listenEvents() {
      return async () => {};
    },
    async ping() {
      db.prepare("SELECT 1").get();
    },
    async close() {
      db.close();
    },
  };
  return store;
}
