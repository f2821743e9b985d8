// GitOps benchmark (issue 16): one repository with 200 apps (a service each), a commit touching
// one app. Measures the time from the push reaching Kanaria to the deployment's first AWS call:
// by webhook (POST /api/webhooks/github, signed) and by poll (the poll timer firing; the poll
// interval itself comes on top, on average half of it). Target: < 1 s from the webhook.
// Real git (a bare repository on disk), the real HTTP app, the runtime and the simulator in
// this process; the first AWS call is seen by a proxy in front of the simulator.
//
//   node_modules/.bin/bun bench/gitops.bench.ts   (env: KANARIA_BENCH_APPS, KANARIA_BENCH_RUNS)
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../runtime/simulator/index.ts";
import { createRuntime } from "../runtime/runtime.ts";
import { openSqlStore } from "../runtime/store/sql-store.ts";
import { systemClock } from "../runtime/clock/clock.ts";
import { serve } from "../runtime/platform/index.ts";
import { createApp } from "../runtime/server/app.ts";
import { GitopsAgent } from "../runtime/gitops/agent.ts";
import { Progress } from "../runtime/gitops/progress.ts";
import { appFiles, scenario, taskdef, TestRepo } from "../test/helpers/gitops-repo.ts";
import { CREDENTIALS } from "../test/runtime/helpers.ts";
import { saveResult, stats } from "./harness.ts";

const TARGET_MS = 1000;
const SECRET = "bench-webhook-secret";

export async function run(): Promise<void> {
  const n = Number(process.env.KANARIA_BENCH_APPS ?? 200);
  const runs = Number(process.env.KANARIA_BENCH_RUNS ?? 5);
  const dir = mkdtempSync(join(tmpdir(), "kanaria-gitops-bench-"));
  const names = Array.from({ length: n }, (_, i) => `svc-${i}`);
  const repo = new TestRepo(join(dir, "acme"), "fleet");
  const files: Record<string, string> = {};
  for (const name of names) Object.assign(files, appFiles(`apps/${name}`, name, "nginx:1.26"));
  const initial = repo.commit(`${n} apps`, files);

  const sim = await startSimulator({ scenario: scenario(names, 600) });
  // The first AWS call after `armed` is the one measured.
  let armed = 0;
  let firstCall: number | null = null;
  const proxy = await serve(async (req) => {
    if (armed && firstCall === null) firstCall = performance.now();
    return sim.handler(req);
  });
  const store = await openSqlStore(join(dir, "kanaria.sqlite"));
  const rt = await createRuntime({
    store,
    providers: [{ name: "simulator", region: "us-east-1", endpoints: { ecs: proxy.url, elbv2: proxy.url }, credentials: CREDENTIALS } as any],
    clock: systemClock(600),
    pollIntervalMs: 50,
  });
  // The apps are live already (as after their first deployment): the repository is handled up to the first commit.
  const progress = new Progress(store);
  await progress.setRepo("fleet", { handled: initial });
  for (const name of names) {
    await progress.setApp("fleet", `apps/${name}/app.pipecd.yaml`, { name, commit: { hash: initial, subject: `${n} apps`, author: "bench", at: Date.now() }, deploymentId: null, files: [], diagnostics: [] });
  }
  const agent = new GitopsAgent({
    rt,
    settings: { repositories: [{ repoId: "fleet", remote: repo.remote, branch: "main", apps: null }], sshKeyFile: null, httpsTokenFile: null, username: null, webhookSecretFile: null, pollIntervalMs: 3_600_000, driftIntervalMs: 3_600_000 },
    httpsToken: null,
    mirrorRoot: join(dir, "git"),
    config: null,
    log: () => {},
  });
  const warm = await agent.requestSync("fleet");
  if (warm.deployed.length) throw new Error(`the warm-up sync deployed ${warm.deployed.length} apps`);
  const app = createApp(rt, { token: "bench", gitops: { agent, webhookSecret: SECRET } });
  const server = await serve(app.fetch);

  const body = JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "acme/fleet" } });
  const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  const measure = async (i: number, via: "webhook" | "poll"): Promise<number> => {
    const name = names[(i * 37) % n];
    repo.commit(`${name}: nginx 1.27.${i}`, { [`apps/${name}/taskdef.yaml`]: taskdef(name, `nginx:1.27.${i}`) });
    firstCall = null;
    const wall0 = Date.now();
    const t0 = performance.now();
    armed = t0;
    if (via === "webhook") {
      const r = await fetch(`${server.url}/api/webhooks/github`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": signature }, body });
      if (r.status !== 202) throw new Error(`webhook answered ${r.status}`);
    } else {
      void agent.requestSync("fleet"); // what the poll timer does when it fires
    }
    while (firstCall === null) await new Promise((r) => setTimeout(r, 2));
    const ms = (firstCall as number) - t0;
    armed = 0;
    const outcome = await agent.requestSync("fleet");
    const id = (await rt.store.listDeployments({ limit: 1 }))[0]?.id;
    if (!id || outcome.error) throw new Error(`no deployment for ${name}: ${outcome.error ?? ""}`);
    await rt.scheduler.wait(id);
    queued.push((await rt.store.getDeployment(id))!.createdAt - wall0);
    return ms;
  };
  const queued: number[] = [];
  const webhook: number[] = [];
  const poll: number[] = [];
  // One discarded run of each first: the first compile of a process loads the compiler.
  for (let i = 0; i < runs + 1; i++) {
    const w = await measure(2 * i, "webhook");
    const p = await measure(2 * i + 1, "poll");
    if (i > 0) webhook.push(w), poll.push(p);
  }
  const w = stats(webhook);
  const q = stats(queued.slice(2));
  const p = stats(poll);
  console.log(`${n} apps in one repository, a commit touching 1 app, ${runs} runs each:`);
  console.log(`  webhook → first AWS call: median ${w.medianMs} ms, p90 ${w.p90Ms} ms (target < ${TARGET_MS} ms: ${w.p90Ms < TARGET_MS ? "met" : "NOT met"})`);
  console.log(`  of which push → deployment queued (fetch, diff, compile at the commit): median ${q.medianMs} ms, p90 ${q.p90Ms} ms`);
  console.log(`  poll fires → first AWS call: median ${p.medianMs} ms, p90 ${p.p90Ms} ms (plus the wait for the poll: pollInterval/2 on average)`);
  saveResult("gitops", { apps: n, webhookToFirstAwsCallMs: w, pollToFirstAwsCallMs: p, pushToQueuedMs: q, targetMs: TARGET_MS });
  await agent.stop();
  await server.close();
  await rt.close();
  await proxy.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.main) await run();
