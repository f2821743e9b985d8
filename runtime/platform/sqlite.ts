// Embedded SQLite behind one small interface: bun:sqlite on Bun, node:sqlite on Deno (and Node).
// Both drivers take positional `?` parameters; this adapter smooths over the rest (get() of no
// row, null-prototype rows, module names the type checker should not chase).
import { runtimeName } from "./index.ts";

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface Statement {
  run(...params: SqlValue[]): { changes: number; lastInsertRowid: number };
  get<T = Record<string, unknown>>(...params: SqlValue[]): T | undefined;
  all<T = Record<string, unknown>>(...params: SqlValue[]): T[];
}

export interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  /** Runs fn inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on throw). Not re-entrant. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export interface OpenOptions {
  /** Write-ahead log (default) or SQLite's rollback journal, which needs no shared memory and so
   *  also locks correctly across hosts on a network file system. */
  journal?: "wal" | "rollback";
  /** How long a statement waits for another connection's lock before failing busy (default 5000). */
  busyTimeoutMs?: number;
}

/** The error SQLite raises when another connection holds the lock it needs (SQLITE_BUSY). */
export function isBusy(e: unknown): boolean {
  const err = e as { code?: unknown; errcode?: unknown; errno?: unknown; message?: unknown };
  // bun:sqlite: code "SQLITE_BUSY"; node:sqlite: errcode 5 (the primary code, also in extended codes' low byte).
  if (err?.code === "SQLITE_BUSY") return true;
  const n = typeof err?.errcode === "number" ? err.errcode : typeof err?.errno === "number" ? err.errno : null;
  if (n !== null) return (n & 0xff) === 5;
  return /database is locked/i.test(String(err?.message ?? ""));
}

export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  // Module names in variables so tsc does not need both drivers' typings.
  const bunModule = "bun:sqlite";
  const nodeModule = "node:sqlite";
  let raw: any;
  if (runtimeName === "bun") {
    const { Database: BunDatabase } = await import(bunModule);
    raw = new BunDatabase(path, { create: true });
  } else {
    const { DatabaseSync } = await import(nodeModule);
    raw = new DatabaseSync(path);
  }
  const cache = new Map<string, Statement>();
  const wrap = (st: any): Statement => ({
    run: (...p) => {
      const r = st.run(...p);
      return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
    },
    get: (...p) => {
      const row = st.get(...p);
      return row == null ? undefined : { ...row };
    },
    all: (...p) => st.all(...p).map((r: any) => ({ ...r })),
  });
  const db: Database = {
    exec: (sql) => raw.exec(sql),
    prepare(sql) {
      let st = cache.get(sql);
      if (!st) {
        st = wrap(raw.prepare(sql));
        cache.set(sql, st);
      }
      return st;
    },
    transaction(fn) {
      raw.exec("BEGIN IMMEDIATE");
      try {
        const out = fn();
        raw.exec("COMMIT");
        return out;
      } catch (e) {
        raw.exec("ROLLBACK");
        throw e;
      }
    },
    close: () => raw.close(),
  };
  if (path !== ":memory:" && options.journal !== "rollback") {
    // WAL survives a killed process (only power loss can drop the last commits with NORMAL).
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
  }
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}
