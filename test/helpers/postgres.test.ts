// The test PostgreSQL helper itself: a real server from Debian's binaries, reachable over TCP with
// the password in its URL through the `postgres` driver the store uses; one database per test,
// isolated from the others; stop() ends the server and removes its directory.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import postgres from "postgres";
import { findPostgresBinDir, freshDatabase, MISSING_POSTGRES, postgresRequirement, sharedPostgres, startPostgres, stopSharedPostgres } from "./postgres.ts";

const requireBinaries = () => {
  if (!findPostgresBinDir()) throw new Error(`${MISSING_POSTGRES} (CI=true: these tests must run).`);
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });

describe("test PostgreSQL server", postgresRequirement(), () => {
  after(stopSharedPostgres);

  test("each test database is its own: a table in one is not in the other; the driver connects with the URL's password", async () => {
    requireBinaries();
    const a = postgres(await freshDatabase(), { max: 1, onnotice: () => {} });
    const b = postgres(await freshDatabase(), { max: 1, onnotice: () => {} });
    try {
      await a`CREATE TABLE t (x int)`;
      await a`INSERT INTO t VALUES (1), (2)`;
      assert.deepEqual((await a`SELECT sum(x)::int AS s FROM t`).map((r) => r.s), [3]);
      const [{ exists }] = await b`SELECT to_regclass('t') IS NOT NULL AS exists`;
      assert.equal(exists, false);
      const [{ version }] = await b`SHOW server_version`.then((r) => r.map((x) => ({ version: x.server_version })));
      assert.match(version, /^\d+/);
    } finally {
      await a.end();
      await b.end();
    }
  });

  test("the password is checked: a wrong one is refused", async () => {
    requireBinaries();
    const url = new URL((await sharedPostgres()).url);
    url.password = "wrong";
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, connect_timeout: 30 });
    try {
      await assert.rejects(sql`SELECT 1`, /password authentication failed/);
    } finally {
      await sql.end();
    }
  });

  test("one server per test process; stop() ends a server of its own and removes its directory", async () => {
    requireBinaries();
    assert.equal(await sharedPostgres(), await sharedPostgres());
    const own = await startPostgres();
    assert.notEqual(own.port, (await sharedPostgres()).port);
    const sql = postgres(await own.createDatabase("own_db"), { max: 1, onnotice: () => {} });
    assert.deepEqual(await sql`SELECT current_database() AS d`.then((r) => r.map((x) => x.d)), ["own_db"]);
    await sql.end();
    assert.equal(await portOpen(own.port), true);
    await own.stop();
    assert.equal(existsSync(own.dir), false);
    assert.equal(await portOpen(own.port), false);
  });
});
