// Every entry point works from any working directory (issue 14): the checkout's launcher
// (bin/kanaria.js, loaded as JavaScript by the runtime running the tests, the way
// `deno run -A npm:kanaria` and `bun bin/kanaria.js` load it) started in a folder with no
// package.json or tsconfig.json: `serve` renders the status page (JSX, whose settings used to come
// from ./tsconfig.json), `compile` and `--help` work with relative paths.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, until } from "../helpers/cli.ts";
import { freePort } from "../helpers/net.ts";

const isDeno = typeof (globalThis as any).Deno !== "undefined";
const launcher = `${ROOT}bin/kanaria.js`;
const command = (args: string[]): [string, string[]] =>
  isDeno ? [`${ROOT}node_modules/.bin/deno`, ["run", "--allow-all", "--no-check", launcher, ...args]] : [`${ROOT}node_modules/.bin/bun`, [launcher, ...args]];

let dir = "";
before(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "kanaria-any-folder-")));
  cpSync(`${ROOT}examples/canary`, join(dir, "apps/good"), { recursive: true });
  cpSync(`${ROOT}examples/broken/traffic-percentages`, join(dir, "apps/broken"), { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const [cmd, argv] = command(args);
  return spawnSync(cmd, argv, { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

test("--help and compile with paths relative to another folder", { timeout: 180_000 }, () => {
  const help = run(["--help"]);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: kanaria <command>/m);
  const r = run(["compile", "apps"]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^apps\/broken\/app\.pipecd\.yaml:\d+:\d+ error traffic-percentages /m);
  assert.match(r.stdout, /^2 apps checked: 1 error/m);
});

test("serve from another folder answers /healthz and renders the status page", { timeout: 240_000 }, async () => {
  const port = await freePort();
  const config = join(dir, "runtime.yaml");
  writeFileSync(config, `apiVersion: kanaria.dev/v1alpha1\nkind: Runtime\nspec:\n  platformProviders:\n    - name: ecs\n      type: ECS\n      config: { region: us-east-1 }\n  server:\n    address: 127.0.0.1:${port}\n`);
  const [cmd, argv] = command(["serve", "--config", "runtime.yaml", "--data", "data"]);
  const child = spawn(cmd, argv, { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    await until("serve to answer /healthz", async () => child.exitCode === null && (await fetch(`${base}/healthz`)).ok, 120_000).catch((e) => {
      throw new Error(`${(e as Error).message}; exit ${child.exitCode}; output:\n${out}`);
    });
    const page = await fetch(`${base}/`);
    const html = await page.text();
    assert.equal(page.status, 200, html + out);
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /<html lang="en">/);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
  assert.doesNotMatch(out, /internal error|Cannot find package/, out);
});
