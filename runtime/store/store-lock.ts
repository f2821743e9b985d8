// One process per store: `kanaria serve` and `kanaria deploy --data` hold a lock on their store
// for as long as they live, so a second process on the same data directory refuses to start
// instead of resuming (and running a second time) the deployments the first one is running.
//
// Why a SQLite lock database next to the store (`kanaria.sqlite.lock`) and not a pid file: the
// lock is an OS lock (SQLite's POSIX fcntl locks), so the kernel drops it when the process dies,
// even by kill -9 — a pid file would have to guess whether its pid is still the same process,
// which a restarted container (a new host name, pid 1 again) cannot tell. The lock database
// uses SQLite's rollback journal, not WAL (WAL needs shared memory, which hosts sharing a network
// volume do not share), so on NFS the lock is forwarded to the server like any fcntl lock (NFSv4:
// freed when the dead client's lease expires). Both Bun and Deno embed SQLite with the same unix
// locking, so a Bun and a Deno process exclude each other too.
//
// The holder keeps a write transaction open (BEGIN IMMEDIATE: SQLite's RESERVED lock), which
// excludes other writers but not readers, so the process that is refused can still read who
// holds the lock (pid, host, command, since) from the holder table and say so.
import { openDatabase, isBusy, type Database } from "../platform/sqlite.ts";
import { processIdentity } from "../platform/process.ts";

export interface LockHolder {
  pid: number;
  host: string;
  /** The command that holds it (`kanaria serve`, ...). */
  command: string;
  /** ISO time it was taken. */
  since: string;
}

export class StoreLockedError extends Error {
  constructor(
    readonly what: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder ? `pid ${holder.pid} on host ${holder.host} (${holder.command}, since ${holder.since})` : "a process that did not record itself";
    super(
      `${what} is in use by another Kanaria process: ${who}. One process per data directory: stop that process first, or give this one another --data directory.`,
    );
    this.name = "StoreLockedError";
  }
}

export interface StoreLock {
  readonly path: string;
  release(): void;
}

/** How long a refused process keeps trying before it reports the holder: covers the moment
 *  between another process taking the lock and recording itself in it. */
const SETTLE_MS = 500;

async function readHolder(db: Database): Promise<LockHolder | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = db.prepare("SELECT pid, host, command, since FROM holder WHERE id = 1").get<LockHolder>();
      return r ? { pid: Number(r.pid), host: String(r.host), command: String(r.command), since: String(r.since) } : null;
    } catch (e) {
      // Busy: the holder is committing its record right now.
      if (isBusy(e) && attempt < 20) await new Promise((r) => setTimeout(r, 25));
      else return null; // no holder table: a holder that died before recording itself
    }
  }
}

function tryBegin(db: Database): boolean {
  try {
    db.exec("BEGIN IMMEDIATE");
    return true;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  }
}

/**
 * Takes the lock of the store at `storePath` (the file `<storePath>.lock`) for this process, or
 * throws StoreLockedError naming the holder. `what` names the store in the message.
 */
export async function lockStore(storePath: string, what: string, command: string): Promise<StoreLock> {
  const path = `${storePath}.lock`;
  const db = await openDatabase(path, { journal: "rollback", busyTimeoutMs: 0 });
  const me = { ...processIdentity(), command, since: new Date().toISOString(), token: crypto.randomUUID() };
  try {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      if (!tryBegin(db)) {
        if (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 25));
          continue;
        }
        throw new StoreLockedError(what, await readHolder(db));
      }
      // Record who holds it, then hold it: the record has to be committed to be readable, and
      // committing releases the lock for a moment, so check the record is still ours afterwards.
      db.exec("CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, host TEXT, command TEXT, since TEXT, token TEXT)");
      db.prepare("INSERT OR REPLACE INTO holder (id, pid, host, command, since, token) VALUES (1, ?, ?, ?, ?, ?)").run(me.pid, me.host, me.command, me.since, me.token);
      db.exec("COMMIT");
      if (!tryBegin(db)) continue;
      const token = db.prepare("SELECT token FROM holder WHERE id = 1").get<{ token: string }>()?.token;
      if (token === me.token) break;
      db.exec("ROLLBACK");
    }
  } catch (e) {
    db.close();
    throw e;
  }
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      try {
        db.exec("ROLLBACK");
      } finally {
        db.close();
      }
    },
  };
}
