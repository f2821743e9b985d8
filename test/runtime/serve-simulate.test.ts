// Issue 14.4 and 14.5 as a user meets them: `kanaria serve --simulate --config runtime.yaml` with
// the examples' runtime config must deploy into the simulator (never to the AWS the config
// names) and accept deployments once the token files its error message says how to make exist;
// deploying the same app again (back to the last good config) is a redeploy, not a 409.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/net.ts";
import { ROOT, runCli, startCli, until } from "../helpers/cli.ts";

describe("kanaria serve --simulate --config examples/runtime.yaml", () => {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-serve-sim-"));
  let server: ReturnType<typeof startCli> | undefined;
  after(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test("deploy --simulate --config examples/runtime.yaml needs no token files (only serve reads them)", () => {
    const r = runCli(["deploy", "examples/canary", "--simulate", "--config", "examples/runtime.yaml", "--time-scale", "600"], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /deployment\s+SUCCEEDED/);
  });

  test("says how to make its token files, then deploys an app naming the config's provider into the simulator, twice", async () => {
    cpSync(`${ROOT}examples/runtime.yaml`, join(dir, "runtime.yaml"));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = ["serve", "--simulate", "--config", join(dir, "runtime.yaml"), "--address", `127.0.0.1:${port}`, "--data", join(dir, "data"), "--time-scale", "600"];

    // Missing token files: exit 2 and a command that makes each; run it as the user would.
    for (const file of ["server-token", "approvers.yaml"]) {
      const r = runCli(args, { timeoutMs: 120_000 });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`secrets/${file.replace(".", "\\.")}`), r.stderr);
      const make = /Make one: (.*)$/m.exec(r.stderr)?.[1];
      assert.ok(make, `the error says how to make ${file}: ${r.stderr}`);
      const sh = spawnSync("sh", ["-c", make], { encoding: "utf8" });
      assert.equal(sh.status, 0, sh.stderr);
    }
    const token = readFileSync(join(dir, "secrets/server-token"), "utf8").trim();
    assert.match(token, /^[0-9a-f]{48}$/);
    assert.match(readFileSync(join(dir, "secrets/approvers.yaml"), "utf8"), /^[0-9a-f]{48}: alice$/m);

    server = startCli(args);
    await until("kanaria serve to answer /healthz", async () => (await fetch(`${url}/healthz`)).ok || null, 120_000);
    await until("the listening line", () => /listening/.test(server!.output()) || null);
    assert.match(server.output(), /platform providers simulator, ecs-demo, all simulated at http/);

    // POST without the token is refused; with it, accepted.
    const anon = await fetch(`${url}/api/deployments`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(anon.status, 401);

    // The example canary, naming the runtime config's provider (ecs-demo: real AWS without --simulate).
    const app = join(dir, "app");
    cpSync(`${ROOT}examples/canary`, app, { recursive: true });
    const text = readFileSync(join(app, "app.pipecd.yaml"), "utf8");
    writeFileSync(join(app, "app.pipecd.yaml"), text.replace("  name: web\n", "  name: web\n  platformProvider: ecs-demo\n"));
    const deploy = () => runCli(["deploy", app, "--server", url, "--token-file", join(dir, "secrets/server-token")], { timeoutMs: 300_000 });

    const first = deploy();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /deployment\s+SUCCEEDED/);
    const firstId = /deployment (d-\S+) on /.exec(first.stdout)?.[1];
    assert.ok(firstId, first.stdout);
    assert.doesNotMatch(first.stdout, /redeploy/);

    // The same config again (the emergency "back to the last good one"): a redeploy of the first.
    const second = deploy();
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, new RegExp(`deployment d-\\S+ on .*, a redeploy of ${firstId}`));
    assert.match(second.stdout, /deployment\s+SUCCEEDED/);
  });
});
