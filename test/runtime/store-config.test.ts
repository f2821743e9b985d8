// The runtime config's `store`: SQLite by default, PostgreSQL with `type: postgres` and
// `config.urlFile`. A postgres store without its config is refused with file:line:col; `serve`
// refuses a URL file that is missing, not a postgres:// URL, or a server that is not there, with
// exit 2 and a message that names the file (never the URL's password).
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadSettings } from "../../runtime/cli/config.ts";
import { tempDir } from "./helpers.ts";
import { freePort } from "../helpers/net.ts";
import { runCli } from "../helpers/cli.ts";

function config(store: string): { dir: string; path: string } {
  const dir = tempDir("kanaria-store-config-");
  const path = join(dir, "runtime.yaml");
  writeFileSync(
    path,
    `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: prod
      type: ECS
      config: { region: eu-west-1 }
${store}`,
  );
  return { dir, path };
}

test("no store, or type sqlite: SQLite; type postgres: the URL file, relative to the config", () => {
  assert.equal(loadSettings(config("").path).postgres, null);
  assert.equal(loadSettings(config("  store: { type: sqlite, path: k.sqlite }\n").path).postgres, null);
  const { dir, path } = config("  store:\n    type: postgres\n    config: { urlFile: secrets/pg-url, maxConnections: 4 }\n");
  assert.deepEqual(loadSettings(path).postgres, { urlFile: join(dir, "secrets/pg-url"), maxConnections: 4 });
});

test("type postgres without config, or an unknown type, is refused with file:line:col", () => {
  const missing = config("  store:\n    type: postgres\n");
  assert.throws(
    () => loadSettings(missing.path),
    (e: unknown) => e instanceof ConfigError && e.message.includes(`${missing.path}:`) && /config/.test(e.message),
  );
  const unknown = config("  store: { type: mysql }\n");
  assert.throws(
    () => loadSettings(unknown.path),
    (e: unknown) => e instanceof ConfigError && new RegExp(`${unknown.path}:8:\\d+`).test(e.message) && /sqlite|postgres/.test(e.message),
  );
});

test("serve: a missing URL file, a file without a postgres:// URL and an unreachable server exit 2 naming the file, not the password", { timeout: 480_000 }, async () => {
  const { dir, path } = config("  store:\n    type: postgres\n    config: { urlFile: pg-url }\n");
  const serve = () => runCli(["serve", "--config", path, "--address", "127.0.0.1:0"], { timeoutMs: 150_000 });
  const missing = serve();
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /pg-url/);

  writeFileSync(join(dir, "pg-url"), "host=db password=Sekr1t-pw\n");
  const notUrl = serve();
  assert.equal(notUrl.code, 2, notUrl.stderr);
  assert.match(notUrl.stderr, /must hold a postgres:\/\/ URL/);
  assert.ok(!notUrl.stderr.includes("Sekr1t-pw"), notUrl.stderr);

  const port = await freePort(); // nothing listens there
  writeFileSync(join(dir, "pg-url"), `postgres://kanaria:Sekr1t-pw@127.0.0.1:${port}/kanaria\n`);
  const down = serve();
  assert.equal(down.code, 2, down.stderr);
  assert.match(down.stderr, new RegExp(`PostgreSQL store at postgres://127\\.0\\.0\\.1:${port}/kanaria`));
  assert.match(down.stderr, /pg-url/);
  assert.ok(!(down.stdout + down.stderr).includes("Sekr1t-pw"), down.stderr);
});
