// The CLI as a user runs it, as child processes: `kanaria deploy APP --simulate` on the
// examples (a healthy canary judged by its Datadog analysis; the same with 30% 5xx, rolled
// back), and `kanaria serve` + `kanaria deploy --server` + `kanaria approve` for a
// WAIT_APPROVAL pipeline, with notifications reaching a local webhook receiver in order.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/net.ts";
import { runCli, startCli, until } from "../helpers/cli.ts";
import { serve, type RunningServer } from "../../runtime/platform/index.ts";

describe("kanaria demo (the README's first command)", () => {
  test("promotes the healthy release, rolls back the 5xx one by analysis and the broken one by health", () => {
    const r = runCli(["demo", "--time-scale", "600"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const results = [...r.stdout.matchAll(/=> (\w+)/g)].map((m) => m[1]);
    assert.deepEqual(results, ["SUCCEEDED", "ROLLED_BACK", "ROLLED_BACK"]);
    assert.match(r.stdout, /AnalysisFailed: metrics\[0\] datadog THRESHOLD .*above max 0\.01/);
    assert.match(r.stdout, /traffic was 100% primary again \d+ ms after the failing analysis sample/);
    assert.match(r.stdout, /canary-rollout \(ECS_CANARY_ROLLOUT\) did not finish within its timeout/);
    assert.match(r.stdout, /Demo passed/);
  });
});

describe("kanaria deploy --simulate on the examples", () => {
  test("a healthy canary: every analysis sample is printed, it is promoted, exit 0", () => {
    const r = runCli(["deploy", "examples/canary", "--simulate", "--time-scale", "600"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /a world made from the app/);
    assert.match(r.stdout, /datadog THRESHOLD sample 1 \[.*\]: pass: value 0/);
    assert.match(r.stdout, /ANALYSIS\s+SUCCEEDED/);
    assert.match(r.stdout, /deployment\s+SUCCEEDED\s+traffic 100\/0/);
  });

  test("blue/green and service discovery run in worlds made from their apps too", () => {
    for (const ex of ["bluegreen", "service-discovery"]) {
      const r = runCli(["deploy", `examples/${ex}`, "--simulate", "--time-scale", "600"]);
      assert.equal(r.code, 0, `${ex}:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /deployment\s+SUCCEEDED/, ex);
    }
  });

  test("30% 5xx: every sample after delay fails; past failureLimit (1) it is rolled back to 100% primary, exit 1", () => {
    const r = runCli(["deploy", "examples/canary", "--simulate", "--time-scale", "600", "--error-rate", "0.3"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /sample 1 \[.*\]: fail: value 0\.3\d* .*above max 0\.01 \(failures 1, limit 1\)/);
    assert.match(r.stdout, /sample 2 \[.*\]: fail: .*\(failures 2, limit 1\)/);
    assert.doesNotMatch(r.stdout, /sample 3 /, "no third sample: the second failure ended the analysis");
    assert.match(r.stdout, /ROLLBACK_TRAFFIC\s+SUCCEEDED\s+traffic 100\/0/);
    assert.match(r.stdout, /deployment\s+ROLLED_BACK/);
  });

  test("bad input is a usage error naming the flag, not a crash", () => {
    const r = runCli(["deploy", "examples/canary", "--simulate", "--error-rate", "lots"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--error-rate must be a fraction/);
    const missing = runCli(["deploy", "examples/nope", "--simulate"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /examples\/nope: no such file or folder/);
    const noToken = runCli(["deploy", "examples/canary", "--server", "http://127.0.0.1:9", "--token-file", "/nonexistent/token"]);
    assert.equal(noToken.code, 2, noToken.stderr);
    assert.match(noToken.stderr, /Cannot read the token file \/nonexistent\/token/);
    // A file that is not a token (here: a YAML file) is refused before anything is sent.
    const notAToken = runCli(["approve", "d-1", "--server", "http://127.0.0.1:9", "--token-file", "examples/runtime.yaml"]);
    assert.equal(notAToken.code, 2);
    assert.match(notAToken.stderr, /examples\/runtime.yaml must hold one token on one line/);
  });
});

describe("kanaria serve + deploy --server + approve", () => {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-cli-"));
  const SERVER_TOKEN = "server-token-0123456789abcdef";
  const tokens = { alice: "alice-token-0123456789abcdef", bob: "bob-token-0123456789abcdef", mallory: "mallory-token-0123456789abc" };
  const received: { event: string; deploymentId: string }[] = [];
  let receiver: RunningServer;
  let server: ReturnType<typeof startCli>;
  let url: string;

  before(async () => {
    receiver = await serve(async (req) => {
      received.push(await req.json());
      return new Response("ok");
    });
    writeFileSync(join(dir, "server-token"), SERVER_TOKEN);
    writeFileSync(join(dir, "approvers.yaml"), Object.entries(tokens).map(([name, t]) => `${t}: ${name}`).join("\n"));
    for (const [name, t] of Object.entries(tokens)) writeFileSync(join(dir, `${name}.token`), t);
    writeFileSync(
      join(dir, "runtime.yaml"),
      `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  server:
    tokenFile: server-token
    approvers:
      tokensFile: approvers.yaml
  notifications:
    routes:
      - name: all
        receiver: hook
    receivers:
      - name: hook
        webhook:
          url: ${receiver.url}/hook
`,
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // 60×: the example's 2h approval window is 2 real minutes, room for five `kanaria approve`
    // processes to start on a loaded machine (at 600× it was 12 s, and Deno missed it).
    server = startCli(["serve", "--simulate", "--config", join(dir, "runtime.yaml"), "--address", `127.0.0.1:${port}`, "--data", join(dir, "data"), "--time-scale", "60"]);
    await until("kanaria serve to answer /healthz", async () => (await fetch(`${url}/healthz`)).ok || null, 60_000);
  });

  after(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("WAIT_APPROVAL: wrong token 401, unlisted approver 403, one approver counts once, two approve, it ships", async () => {
    const deploy = startCli(["deploy", "examples/wait-approval", "--server", url, "--token-file", join(dir, "server-token")]);
    const id = await until("the deployment to wait for approval", async () => {
      const list = (await (await fetch(`${url}/api/deployments`)).json()) as { deployments: { id: string; currentNode: string | null }[] };
      const d = list.deployments[0];
      if (!d) return null;
      const detail = (await (await fetch(`${url}/api/deployments/${d.id}`)).json()) as { nodes: { stage: string; state: string }[] };
      return detail.nodes.some((n) => n.stage === "WAIT_APPROVAL" && n.state === "RUNNING") ? d.id : null;
    });

    const approve = (who: string) => runCli(["approve", id, "--server", url, "--token-file", join(dir, `${who}.token`)]);
    writeFileSync(join(dir, "nobody.token"), "not-a-known-token-0123456789");
    const wrong = approve("nobody");
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /401/);
    const unlisted = approve("mallory");
    assert.equal(unlisted.code, 1);
    assert.match(unlisted.stderr, /403/);
    assert.equal(approve("alice").code, 0);
    const again = approve("alice");
    assert.equal(again.code, 0, "a repeated approval is accepted but not counted twice");
    const waiting = (await (await fetch(`${url}/api/deployments/${id}`)).json()) as { nodes: { stage: string; state: string }[] };
    assert.equal(waiting.nodes.find((n) => n.stage === "WAIT_APPROVAL")!.state, "RUNNING", "alice twice is one approval of the two needed");
    const bob = approve("bob");
    assert.equal(bob.code, 0);
    assert.match(bob.stdout, /can proceed/);

    assert.equal(await deploy.exited, 0, deploy.output());
    assert.match(deploy.output(), /WAIT_APPROVAL\s+SUCCEEDED.*Approved by alice, bob/);
    const final = (await (await fetch(`${url}/api/deployments/${id}`)).json()) as { state: string; traffic: { primary: number } };
    assert.equal(final.state, "SUCCEEDED");
    assert.equal(final.traffic.primary, 100);

    const events = await until("DEPLOYMENT_SUCCEEDED at the webhook", async () =>
      received.some((e) => e.event === "DEPLOYMENT_SUCCEEDED") ? received.filter((e) => e.deploymentId === id).map((e) => e.event) : null,
    );
    const order = ["DEPLOYMENT_TRIGGERED", "DEPLOYMENT_WAIT_APPROVAL", "DEPLOYMENT_SUCCEEDED"];
    assert.deepEqual(
      events.filter((e) => order.includes(e)),
      order,
      `each event once, in order: ${events.join(", ")}`,
    );
  });
});
