// The lease operations a store offers (SQL in lease-sql.ts), on SQLite and on PostgreSQL.
import type { Database } from "../platform/sqlite.ts";
import { POSTGRES_LEASE_SQL, SQLITE_LEASE_SQL } from "./lease-sql.ts";

export interface LeaseHolder {
  owner: string;
  token: number;
  remainingMs: number;
}

export interface LeaseStore {
  /** The new token when this owner got the lease (none, or expired), else null. */
  acquire(deploymentId: string, owner: string, ttlMs: number): Promise<number | null>;
  /** Whether the lease (owner, token) was still held and is now extended by ttlMs. */
  renew(deploymentId: string, owner: string, token: number, ttlMs: number): Promise<boolean>;
  /** renew for many leases of one owner; the ids extended. */
  renewMany(owner: string, held: Array<{ deploymentId: string; token: number }>, ttlMs: number): Promise<Set<string>>;
  release(deploymentId: string, owner: string, token: number): Promise<void>;
  /** RUNNING / ROLLING_BACK deployments without a live lease, oldest first. */
  orphans(limit: number): Promise<string[]>;
  holder(deploymentId: string): Promise<LeaseHolder | null>;
}

export function sqliteLeases(db: Database): LeaseStore {
  const q = SQLITE_LEASE_SQL;
  return {
    async acquire(id, owner, ttlMs) {
      const row = db.prepare(q.acquire).get<{ token: number }>(id, owner, ttlMs);
      return row ? Number(row.token) : null;
    },
    async renew(id, owner, token, ttlMs) {
      return db.prepare(q.renew).get(ttlMs, id, owner, token) !== undefined;
    },
    async renewMany(owner, held, ttlMs) {
      const st = db.prepare(q.renew);
      return new Set(held.filter((h) => st.get(ttlMs, h.deploymentId, owner, h.token) !== undefined).map((h) => h.deploymentId));
    },
    async release(id, owner, token) {
      db.prepare(q.release).run(id, owner, token);
    },
    async orphans(limit) {
      return db.prepare(q.orphans).all<{ id: string }>(limit).map((r) => r.id);
    },
    async holder(id) {
      const r = db.prepare(q.holder).get<{ owner: string; token: number; remaining_ms: number }>(id);
      return r ? { owner: r.owner, token: Number(r.token), remainingMs: Number(r.remaining_ms) } : null;
    },
  };
}

/** The subset of the `postgres` driver's tagged-template client these queries use. */
export interface PostgresClient {
  unsafe(query: string, params?: unknown[]): Promise<any[]>;
}

export function postgresLeases(sql: PostgresClient): LeaseStore {
  const q = POSTGRES_LEASE_SQL;
  return {
    async acquire(id, owner, ttlMs) {
      const [row] = await sql.unsafe(q.acquire, [id, owner, ttlMs]);
      return row ? Number(row.token) : null;
    },
    async renew(id, owner, token, ttlMs) {
      return (await sql.unsafe(q.renew, [ttlMs, id, owner, token])).length > 0;
    },
    async renewMany(owner, held, ttlMs) {
      if (!held.length) return new Set();
      const rows = await sql.unsafe(q.renewMany, [ttlMs, held.map((h) => h.deploymentId), held.map((h) => h.token), owner]);
      return new Set(rows.map((r) => String(r.deployment_id)));
    },
    async release(id, owner, token) {
      await sql.unsafe(q.release, [id, owner, token]);
    },
    async orphans(limit) {
      return (await sql.unsafe(q.orphans, [limit])).map((r) => String(r.id));
    },
    async holder(id) {
      const [r] = await sql.unsafe(q.holder, [id]);
      return r ? { owner: String(r.owner), token: Number(r.token), remainingMs: Number(r.remaining_ms) } : null;
    },
  };
}
