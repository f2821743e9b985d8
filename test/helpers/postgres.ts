// A real PostgreSQL for the tests (Debian package `postgresql`, binaries under
// /usr/lib/postgresql/<version>/bin; nothing of the package's own cluster is used). One server per
// test process, started on first use: initdb in a temporary directory, the postmaster on a free
// 127.0.0.1 port with its unix socket in that directory, fsync off (a test database need not
// survive a power cut). initdb refuses to run as root, so as root both run as the `postgres`
// user (setpriv execs in place, so the child we hold is the postmaster itself and signals reach
// it). Each test asks for its own database (freshDatabase) and so never sees another's rows.
// Connections use a password over TCP, as a deployment's URL would.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "../../runtime/platform/index.ts";
import { freePort } from "./net.ts";
import { requirement } from "./requirement.ts";

export const MISSING_POSTGRES =
  "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); install it with `apt-get update && apt-get install -y postgresql`";

export const POSTGRES_USER = "kanaria";
const PASSWORD = "kanaria-test-pass";

/** The directory holding initdb and postgres: POSTGRES_BIN_DIR, else Debian's newest version. */
export function findPostgresBinDir(): string | null {
  const override = env("POSTGRES_BIN_DIR");
  if (override !== undefined) return existsSync(join(override, "initdb")) ? override : null;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")) && existsSync(join(base, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], "bin") : null;
}

/** `{skip}` for node:test when PostgreSQL is missing; under CI=true the tests run and fail instead. */
export function postgresRequirement(): { skip?: string } {
  return requirement("real-PostgreSQL tests", findPostgresBinDir() !== null, MISSING_POSTGRES);
}

export interface RunningPostgres {
  /** postgres://kanaria:…@127.0.0.1:PORT/postgres (the maintenance database). */
  url: string;
  port: number;
  /** The temporary directory: data directory `data/` and the unix socket. */
  dir: string;
  /** The postmaster's pid (tests may SIGSTOP it to simulate losing the database). */
  pid: number;
  /** URL of the database `name` on this server. */
  urlOf(name: string): string;
  /** Creates a new, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

const isRoot = () => (globalThis as any).process.getuid?.() === 0;

/** Runs argv as the postgres user when we are root (initdb and postgres refuse root). */
function asDatabaseUser(argv: string[]): [string, string[]] {
  if (!isRoot()) return [argv[0], argv.slice(1)];
  return ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", ...argv]];
}

function databaseUserIds(): { uid: number; gid: number } | null {
  if (!isRoot()) return null;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) throw new Error("running as root but there is no `postgres` user to run PostgreSQL as (the Debian package creates it)");
  return { uid, gid };
}

let nextDatabase = 0;

/** Starts a server of its own (most tests want sharedPostgres instead). */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error(MISSING_POSTGRES);
  const dir = mkdtempSync(join(tmpdir(), "kanaria-postgres-"));
  const ids = databaseUserIds();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, "data");
  const pwfile = join(dir, "pwfile");
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (ids) chownSync(pwfile, ids.uid, ids.gid);
  const [cmd, args] = asDatabaseUser([
    join(bin, "initdb"),
    "-D",
    data,
    "-U",
    POSTGRES_USER,
    `--pwfile=${pwfile}`,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const init = spawnSync(cmd, args, { encoding: "utf8" });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout || init.error}`);
  }
  rmSync(pwfile);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const [pcmd, pargs] = asDatabaseUser([
      join(bin, "postgres"),
      "-D",
      data,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `port=${port}`,
      "-c",
      `unix_socket_directories=${dir}`,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=300",
      "-c",
      "shared_buffers=32MB",
      "-c",
      "log_min_messages=warning",
    ]);
    const child = watchExit(spawn(pcmd, pargs, { stdio: ["ignore", "ignore", "pipe"] }));
    let stderr = "";
    child.stderr?.on("data", (c) => (stderr = (stderr + c.toString()).slice(-4000)));
    const url = `postgres://${POSTGRES_USER}:${PASSWORD}@127.0.0.1:${port}`;
    try {
      await waitReady(bin, port, dir, child, () => stderr);
      return runningServer(child, dir, port, url);
    } catch (e) {
      lastError = e;
      await stopChild(child);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

function runningServer(child: ChildProcess, dir: string, port: number, base: string): RunningPostgres {
  const urlOf = (name: string) => `${base}/${name}`;
  // A server left behind by a test process that ends without stop() would outlive it: SIGQUIT
  // (immediate shutdown) on the way out; the 'exit' handler cannot wait, so the directory stays.
  const onExit = () => {
    if (!exited.has(child)) signal(child.pid, "SIGQUIT");
  };
  (globalThis as any).process.once?.("exit", onExit);
  return {
    url: urlOf("postgres"),
    port,
    dir,
    pid: child.pid as number,
    urlOf,
    async createDatabase(name = `test_${(globalThis as any).process.pid}_${++nextDatabase}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
      await psql(dir, port, `CREATE DATABASE ${name}`);
      return urlOf(name);
    },
    async stop() {
      (globalThis as any).process.off?.("exit", onExit);
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement through psql over the unix socket (trusted, so no password needed). */
export function psql(dir: string, port: number, statement: string, database = "postgres"): Promise<string> {
  const bin = findPostgresBinDir();
  if (!bin) return Promise.reject(new Error(MISSING_POSTGRES));
  const [cmd, args] = asDatabaseUser([join(bin, "psql"), "-h", dir, "-p", String(port), "-U", POSTGRES_USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout?.on("data", (c) => (out += c.toString()));
    child.stderr?.on("data", (c) => (err += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`psql ${JSON.stringify(statement)} failed (${code}): ${err.trim()}`))));
  });
}

async function waitReady(bin: string, port: number, dir: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited.has(child)) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    const ready = spawnSync(join(bin, "pg_isready"), ["-q", "-h", dir, "-p", String(port)]);
    if (ready.status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`postgres did not accept connections within 60 s: ${stderr()}`);
}

// Signals go through process.kill: Deno's ChildProcess.kill counts any signal sent (SIGCONT too)
// as the end of the child and refuses the next one.
function signal(pid: number | undefined, sig: string): void {
  try {
    if (pid) (globalThis as any).process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

const exited = new WeakSet<ChildProcess>();

function watchExit(child: ChildProcess): ChildProcess {
  child.once("exit", () => exited.add(child));
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (exited.has(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => signal(child.pid, "SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    // A SIGSTOPped server (tests do that) must wake up to hear the signal; SIGINT = fast
    // shutdown (rolls back open transactions, disconnects clients).
    signal(child.pid, "SIGCONT");
    signal(child.pid, "SIGINT");
  });
}

let shared: Promise<RunningPostgres> | undefined;

/** The test process's one server, started on first use; stop it in an `after` hook with stopSharedPostgres. */
export function sharedPostgres(): Promise<RunningPostgres> {
  shared ??= startPostgres();
  return shared;
}

/** A new empty database on the shared server: its URL. */
export async function freshDatabase(): Promise<string> {
  return (await sharedPostgres()).createDatabase();
}

export async function stopSharedPostgres(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await (await s).stop();
}

/** Writes the URL to a file (mode 0600) the way the runtime config's `urlFile` expects it. */
export function writeUrlFile(dir: string, url: string, name = "postgres-url"): string {
  const path = join(dir, name);
  writeFileSync(path, `${url}\n`, { mode: 0o600 });
  return path;
}
