// Opens the store the runtime config names: SQLite under --data (locked for this process: one
// process per data directory, see store/store-lock.ts), or PostgreSQL from the URL in
// store.config.urlFile (shared by replicas, so no lock; the URL is never logged).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openSqlStore } from "../store/sql-store.ts";
import { openPostgresStore } from "../store/postgres-store.ts";
import { lockStore, StoreLockedError } from "../store/store-lock.ts";
import type { Store } from "../store/store.ts";
import { readSecretFile } from "../analysis/providers/secrets.ts";
import { ConfigError, type PostgresSettings } from "./config.ts";

export interface StoreOptions {
  dataDir: string | null;
  storePath?: string | null;
  postgres?: PostgresSettings | null;
  /** Who holds the store's lock, as a refused second process reports it. */
  command?: string;
}

/** The store and what to do after closing it (release the data directory's lock). ConfigError when it cannot be opened. */
export async function openConfiguredStore(o: StoreOptions): Promise<{ store: Store; release(): void }> {
  if (o.postgres) return { store: await openPostgres(o.postgres), release: () => {} };
  let path = ":memory:";
  let what = "";
  if (o.dataDir) {
    mkdirSync(o.dataDir, { recursive: true });
    path = join(o.dataDir, "kanaria.sqlite");
    what = `The data directory ${o.dataDir}`;
  } else if (o.storePath) {
    path = o.storePath;
    what = `The store ${o.storePath}`;
  }
  // Taken before the store is opened: a refused process must not even migrate it.
  let lock: Awaited<ReturnType<typeof lockStore>> | null = null;
  try {
    if (path !== ":memory:") lock = await lockStore(path, what, o.command ?? "kanaria");
  } catch (e) {
    if (e instanceof StoreLockedError) throw new ConfigError(e.message);
    throw e;
  }
  try {
    return { store: await openSqlStore(path), release: () => lock?.release() };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function openPostgres(p: PostgresSettings): Promise<Store> {
  let url: string;
  try {
    url = readSecretFile(p.urlFile, "PostgreSQL URL (store.config.urlFile)");
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(`The file ${p.urlFile} (store.config.urlFile) must hold a postgres:// URL on one line.`);
  try {
    return await openPostgresStore({ url, ...(p.maxConnections ? { max: p.maxConnections } : {}) });
  } catch (e) {
    // The store's errors name the server (host, port, database), never the password.
    throw new ConfigError(`${(e as Error).message} (URL from ${p.urlFile})`);
  }
}
