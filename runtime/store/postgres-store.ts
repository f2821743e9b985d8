// Store on PostgreSQL, shared by several `kanaria serve` replicas. The `postgres` driver (pure
// JavaScript, Bun and Deno) pipelines queries over a small pool and has LISTEN/NOTIFY.
//
// What keeps replicas from stepping on each other is the database, not the order of JavaScript
// calls: partial unique indexes (one deployment RUNNING / ROLLING_BACK per service, a digest once
// among those in flight), conditional updates (startDeployment), an advisory lock around
// migrations, and a row lock on the deployment while an event is appended (event ids of one
// deployment then commit in id order, which Last-Event-ID relies on).
import postgres from "postgres";
import { PG_MIGRATIONS } from "./postgres-migrations.ts";
import { DEPLOYMENT_COLUMNS, json, NODE_COLUMNS, toDeployment, toEvent, toJournal, toNode } from "./rows.ts";
import { DuplicateDigestError, type DeploymentPatch, type NodePatch, type Store } from "./store.ts";
import { Fences } from "./fences.ts";
import { postgresLeases } from "./leases.ts";

/** pg_notify channel of appended events: `{"o": client, "d": deployment, "i": event id}`. */
export const EVENTS_CHANNEL = "kanaria_events";
/** Name of the advisory lock held while migrating (hashed to the lock's key by the server). */
const MIGRATION_LOCK = "kanaria.migrations";

type Sql = postgres.Sql<Record<string, never>>;

/** The URL and its password, wherever they would appear in a message. */
export function redactUrl(text: string, url: string): string {
  let out = text;
  const secrets = new Set<string>([url]);
  try {
    const u = new URL(url);
    if (u.password) {
      secrets.add(u.password);
      secrets.add(decodeURIComponent(u.password));
    }
  } catch {
    /* not a URL: the whole text is the secret */
  }
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s) out = out.split(s).join("***");
  return out;
}

/** Where the store is, for messages: host, port and database, never the user's password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || new URLSearchParams(u.search).get("host") || "localhost";
    return `postgres://${host}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "postgres (unparseable URL)";
  }
}

/** Any failure of the PostgreSQL store, with the URL's password taken out of the message. */
export class PostgresStoreError extends Error {
  constructor(
    message: string,
    /** The driver's or the server's error code (ECONNREFUSED, 23505, ...). */
    readonly code: string | null,
  ) {
    super(message);
    this.name = "PostgresStoreError";
  }
}

async function migrate(sql: Sql): Promise<void> {
  // Two replicas starting at once: the second waits for the first's transaction, then finds the
  // migrations applied. DDL is transactional in PostgreSQL, so a failed migration leaves nothing.
  await sql.begin(async (tx) => {
    await tx.unsafe("SELECT pg_advisory_xact_lock(hashtext($1))", [MIGRATION_LOCK]);
    await tx.unsafe("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
    const [{ v }] = await tx.unsafe("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations");
    for (let version = Number(v) + 1; version <= PG_MIGRATIONS.length; version++) {
      await tx.unsafe(PG_MIGRATIONS[version - 1]);
      await tx.unsafe("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [version, Date.now()]);
    }
  });
}

const isUnique = (e: unknown, constraint: string) => (e as { code?: string; constraint_name?: string })?.code === "23505" && (e as { constraint_name?: string }).constraint_name === constraint;

export interface PostgresStoreOptions {
  url: string;
  /** Pool size (default 10). */
  max?: number;
}

export async function openPostgresStore(o: PostgresStoreOptions): Promise<Store> {
  const where = describeUrl(o.url);
  const sql: Sql = postgres(o.url, {
    max: o.max ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: "kanaria" },
    // BIGINT (epoch ms, ids) as numbers: all of them fit in 2^53.
    types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } } as never,
  }) as Sql;
  const redacted = (e: unknown): Error => {
    if (e instanceof DuplicateDigestError || e instanceof PostgresStoreError) return e;
    const message = redactUrl(e instanceof Error ? e.message : String(e), o.url);
    const code = (e as { code?: unknown })?.code;
    return new PostgresStoreError(`PostgreSQL store at ${where}: ${message}`, typeof code === "string" ? code : null);
  };
  try {
    await migrate(sql);
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    throw redacted(e);
  }
  const client = crypto.randomUUID();
  /** Every query's error is redacted: the driver may quote connection details. */
  const q = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw redacted(e);
    }
  };
  const fences = new Fences();
  const stepOf = async (db: Sql | postgres.TransactionSql, deploymentId: string, nodeId: string, step: string) => {
    const [r] = await db.unsafe("SELECT * FROM journal WHERE deployment_id = $1 AND node_id = $2 AND step = $3", [deploymentId, nodeId, step]);
    if (!r) return null;
    const e = toJournal(r);
    fences.noteJournalRow(e.id, deploymentId);
    return e;
  };
  const leases = postgresLeases(sql);

  const store: Store = {
    leases: {
      acquire: (...a) => q(() => leases.acquire(...a)),
      renew: (...a) => q(() => leases.renew(...a)),
      renewMany: (...a) => q(() => leases.renewMany(...a)),
      release: (...a) => q(() => leases.release(...a)),
      orphans: (...a) => q(() => leases.orphans(...a)),
      holder: (...a) => q(() => leases.holder(...a)),
    },
    fence: (id, token) => fences.set(id, token),
    createDeployment: (d) =>
      q(async () => {
        try {
          await sql.begin(async (tx) => {
            const [earlier] = await tx.unsafe("SELECT id FROM deployments WHERE digest = $1 ORDER BY created_at DESC, id DESC LIMIT 1", [d.graph.digest]);
            await tx.unsafe(
              "INSERT INTO deployments (id, app, service_key, digest, graph, state, created_at, updated_at, redeploy_of) VALUES ($1, $2, $3, $4, $5, 'QUEUED', $6, $6, $7)",
              [d.id, d.app, d.serviceKey, d.graph.digest, JSON.stringify(d.graph), d.createdAt, earlier?.id ?? null],
            );
            const rows = [
              ...d.graph.nodes.map((n, i) => [d.id, n.id, "main", n.stage, i]),
              ...d.graph.rollback.map((n, i) => [d.id, n.id, "rollback", n.stage, 1000 + i]),
            ];
            for (const r of rows) await tx.unsafe("INSERT INTO nodes (deployment_id, node_id, path, stage, ord, state) VALUES ($1, $2, $3, $4, $5, 'PENDING')", r);
          });
        } catch (e) {
          if (!isUnique(e, "deployments_digest_in_flight")) throw e;
          const [holder] = await sql.unsafe("SELECT id FROM deployments WHERE digest = $1 AND state IN ('QUEUED', 'RUNNING', 'ROLLING_BACK')", [d.graph.digest]);
          throw new DuplicateDigestError(holder?.id ?? "unknown");
        }
        return (await store.getDeployment(d.id))!;
      }),
    getDeployment: (id) =>
      q(async () => {
        const [r] = await sql.unsafe("SELECT * FROM deployments WHERE id = $1", [id]);
        return r ? toDeployment(r) : null;
      }),
    listDeployments: (filter = {}) =>
      q(async () => {
        const states = filter.states ?? [];
        const limit = Math.max(1, Math.floor(filter.limit ?? 1000));
        const rows = states.length
          ? await sql.unsafe("SELECT * FROM deployments WHERE state = ANY($1::text[]) ORDER BY created_at DESC, id DESC LIMIT $2", [states as never, limit])
          : await sql.unsafe("SELECT * FROM deployments ORDER BY created_at DESC, id DESC LIMIT $1", [limit]);
        return rows.map(toDeployment);
      }),
    countByState: () =>
      q(async () => {
        const out: Record<string, number> = {};
        for (const r of await sql.unsafe("SELECT state, COUNT(*)::int AS n FROM deployments GROUP BY state")) out[r.state] = Number(r.n);
        return out;
      }),
    updateDeployment: (id, patch, now) =>
      q(async () => {
        const keys = Object.keys(patch) as (keyof DeploymentPatch)[];
        if (!keys.length) return;
        const sets = keys.map((k, i) => `${DEPLOYMENT_COLUMNS[k]} = $${i + 1}`).join(", ");
        const values = keys.map((k) => patch[k] ?? null) as never[];
        await sql.unsafe(`UPDATE deployments SET ${sets}, updated_at = $${keys.length + 1}, fence = $${keys.length + 3} WHERE id = $${keys.length + 2}`, [
          ...values,
          now as never,
          id as never,
          fences.of(id) as never,
        ]);
      }),
    startDeployment: (id, start, now) =>
      q(async () => {
        try {
          const r = await sql.unsafe("UPDATE deployments SET state = 'RUNNING', started_at = $1, current_node = $2, updated_at = $3, fence = $5 WHERE id = $4 AND state = 'QUEUED'", [
            start.startedAt,
            start.currentNode,
            now,
            id,
            fences.of(id),
          ]);
          return r.count ? { started: true as const } : { started: false as const, reason: "not-queued" as const };
        } catch (e) {
          if (!isUnique(e, "deployments_one_active_per_service")) throw e;
          const [holder] = await sql.unsafe(
            "SELECT h.id FROM deployments h JOIN deployments d ON d.service_key = h.service_key WHERE d.id = $1 AND h.state IN ('RUNNING', 'ROLLING_BACK')",
            [id],
          );
          return { started: false as const, reason: "service-busy" as const, holder: holder?.id ?? null };
        }
      }),
    getNodes: (deploymentId) => q(async () => (await sql.unsafe("SELECT * FROM nodes WHERE deployment_id = $1 ORDER BY ord", [deploymentId])).map(toNode)),
    getNode: (deploymentId, nodeId) =>
      q(async () => {
        const [r] = await sql.unsafe("SELECT * FROM nodes WHERE deployment_id = $1 AND node_id = $2", [deploymentId, nodeId]);
        return r ? toNode(r) : null;
      }),
    updateNode: (deploymentId, nodeId, patch) =>
      q(async () => {
        const keys = Object.keys(patch) as (keyof NodePatch)[];
        if (!keys.length) return;
        const sets = keys.map((k, i) => `${NODE_COLUMNS[k]} = $${i + 1}`).join(", ");
        const values = keys.map((k) => (k === "outputs" ? json(patch[k]) : (patch[k] ?? null))) as never[];
        await sql.unsafe(`UPDATE nodes SET ${sets}, fence = $${keys.length + 3} WHERE deployment_id = $${keys.length + 1} AND node_id = $${keys.length + 2}`, [
          ...values,
          deploymentId as never,
          nodeId as never,
          fences.of(deploymentId) as never,
        ]);
      }),
    ensureNode: (deploymentId, nodeId, path, stage, ord) =>
      q(async () => {
        await sql.unsafe("INSERT INTO nodes (deployment_id, node_id, path, stage, ord, state, fence) VALUES ($1, $2, $3, $4, $5, 'PENDING', $6) ON CONFLICT DO NOTHING", [
          deploymentId,
          nodeId,
          path,
          stage,
          ord,
          fences.of(deploymentId),
        ]);
      }),
    getStep: (deploymentId, nodeId, step) => q(() => stepOf(sql, deploymentId, nodeId, step)),
    recordIntent: (e) =>
      q(async () => {
        // One statement: a new row, or one more attempt of the existing one (atomic either way).
        const [r] = await sql.unsafe(
          `INSERT INTO journal (deployment_id, node_id, step, operation, intent, status, created_at, fence) VALUES ($1, $2, $3, $4, $5, 'INTENT', $6, $7)
           ON CONFLICT (deployment_id, node_id, step) DO UPDATE SET attempts = journal.attempts + 1, status = 'INTENT', intent = EXCLUDED.intent, fence = EXCLUDED.fence
           RETURNING *`,
          [e.deploymentId, e.nodeId, e.step, e.operation, json(e.intent) ?? "null", e.at, fences.of(e.deploymentId)],
        );
        const entry = toJournal(r);
        fences.noteJournalRow(entry.id, e.deploymentId);
        return { ...entry, intent: e.intent };
      }),
    recordResult: (id, status, result, at) =>
      q(async () => {
        await sql.unsafe("UPDATE journal SET status = $1, result = $2, finished_at = $3, fence = $5 WHERE id = $4", [status, json(result), at, id, fences.ofJournalRow(id)]);
      }),
    updateIntent: (id, intent) =>
      q(async () => {
        await sql.unsafe("UPDATE journal SET intent = $1, fence = $3 WHERE id = $2", [json(intent) ?? "null", id, fences.ofJournalRow(id)]);
      }),
    listJournal: (deploymentId) => q(async () => (await sql.unsafe("SELECT * FROM journal WHERE deployment_id = $1 ORDER BY id", [deploymentId])).map(toJournal)),
    getGitopsState: (key) =>
      q(async () => {
        const [r] = await sql.unsafe("SELECT value FROM gitops_state WHERE key = $1", [key]);
        return (r?.value as string | undefined) ?? null;
      }),
    putGitopsState: (key, value, at) =>
      q(async () => {
        await sql.unsafe("INSERT INTO gitops_state (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at", [key, value, at]);
      }),
    listGitopsState: (prefix) =>
      q(async () => {
        // Prefix by range, not LIKE: keys hold paths with `_` and `%`; COLLATE "C" orders by code point.
        const rows = await sql.unsafe(`SELECT key, value FROM gitops_state WHERE key COLLATE "C" >= $1 AND key COLLATE "C" < $2 ORDER BY key COLLATE "C"`, [prefix, `${prefix}\uffff`]);
        return rows.map((r) => ({ key: r.key as string, value: r.value as string }));
      }),
    appendEvent: (e) =>
      q(async () => {
        // The deployment's row lock orders its appends: ids are drawn, and committed, one
        // append at a time, so a reader that has seen id N never gets a smaller one later.
        const [r] = await sql.unsafe(
          `WITH owner AS (SELECT id FROM deployments WHERE id = $1 FOR UPDATE),
                ins AS (INSERT INTO events (deployment_id, at, type, node_id, data, fence) SELECT owner.id, $2, $3, $4, $5, $8 FROM owner RETURNING *)
           SELECT ins.*, pg_notify($6, json_build_object('o', $7::text, 'd', ins.deployment_id, 'i', ins.id)::text) FROM ins`,
          [e.deploymentId, e.at, e.type, e.nodeId, JSON.stringify(e.data), EVENTS_CHANNEL, client, fences.of(e.deploymentId)],
        );
        if (!r) throw new Error(`No deployment ${e.deploymentId} to append an event to.`);
        return { ...e, id: Number(r.id) };
      }),
    listEvents: (deploymentId, afterId = 0) =>
      q(async () => (await sql.unsafe("SELECT * FROM events WHERE deployment_id = $1 AND id > $2 ORDER BY id", [deploymentId, afterId])).map(toEvent)),
    listenEvents: (l) =>
      q(async () => {
        const { unlisten } = await sql.listen(EVENTS_CHANNEL, (payload) => {
          let n: { o?: string; d?: string; i?: number };
          try {
            n = JSON.parse(payload);
          } catch {
            return;
          }
          if (n.o !== client && typeof n.d === "string" && typeof n.i === "number") l(n.d, n.i);
        });
        return async () => {
          await unlisten().catch(() => undefined);
        };
      }),
    ping: () =>
      q(async () => {
        await sql.unsafe("SELECT 1");
      }),
    close: async () => {
      await sql.end({ timeout: 5 }).catch(() => undefined);
    },
  };
  return store;
}
