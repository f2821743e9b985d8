// Issue 16 as a user meets it: `kanaria serve` watching real Git repositories (a bare one on
// disk, and one served over HTTP by `git http-backend` that wants a token), deploying into the
// embedded simulator what each commit touches, exactly once, surviving kill -9.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHmac } from "node:crypto";
import { ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { CREDENTIALS } from "./helpers.ts";
import { freePort } from "../helpers/net.ts";
import { runCli, startCli, until, type CliProcess } from "../helpers/cli.ts";
import { requirement } from "../helpers/requirement.ts";
import { serve, type RunningServer } from "../../runtime/platform/index.ts";
import { appFiles, git, gitPresent, scenario, serveGitHttp, taskdef, TestRepo } from "../helpers/gitops-repo.ts";

const TOKEN = "t0ken-for-the-gitops-test-0123456789";
const WEBHOOK_SECRET = "webhook-secret-for-the-gitops-test";
const GIT_TOKEN = "https-token-for-the-http-backend";

interface Deployment {
  id: string;
  app: string;
  state: string;
  commit: { repoId: string; path: string; hash: string; subject: string; author: string; trigger: string } | null;
}

describe("kanaria serve watching Git repositories", requirement("git", gitPresent, "install Debian's git package"), () => {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-gitops-"));
  const shop = new TestRepo(join(dir, "acme"), "shop");
  const remoteRoot = join(dir, "served");
  const served = new TestRepo(remoteRoot, "billing");
  let http: Awaited<ReturnType<typeof serveGitHttp>>;
  let receiver: RunningServer | undefined;
  const notified: Array<{ event: string; message: string; data?: Record<string, any> }> = [];
  let server: CliProcess | undefined;
  let url = "";
  let args: string[] = [];
  const auth = { authorization: `Bearer ${TOKEN}` };

  const api = async <T,>(path: string): Promise<T> => (await fetch(`${url}${path}`)).json() as Promise<T>;
  const deployments = async () => (await api<{ deployments: Deployment[] }>("/api/deployments?limit=1000")).deployments;
  const ofCommit = async (hash: string) => (await deployments()).filter((d) => d.commit?.hash === hash);
  const sync = async (repoId: string) => {
    const r = await fetch(`${url}/api/repositories/${repoId}/sync`, { method: "POST", headers: auth });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as { head: string; deployed: string[]; failed: string[] };
  };
  const settled = (id: string) => until(`deployment ${id} to finish`, async () => {
    const d = await api<Deployment>(`/api/deployments/${id}`);
    return ["SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED"].includes(d.state) ? d : null;
  });
  const start = async (env: Record<string, string> = {}) => {
    server = startCli(args, { env });
    await until("kanaria serve to answer /healthz", async () => (await fetch(`${url}/healthz`)).ok || null);
  };
  const stop = async () => {
    server?.child.kill("SIGKILL");
    await server?.closed;
    server = undefined;
  };
  const webhook = (body: string, signature: string | null) =>
    fetch(`${url}/api/webhooks/github`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "push", ...(signature ? { "x-hub-signature-256": signature } : {}) },
      body,
    });
  const sign = (body: string) => `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`;
  const push = JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "acme/shop", clone_url: "https://github.com/acme/shop.git" } });

  before(async () => {
    http = await serveGitHttp(remoteRoot, GIT_TOKEN);
    receiver = await serve(async (req) => {
      notified.push(await req.json());
      return new Response("ok");
    });
    shop.commit("Add web and api", { ...appFiles("apps/web", "web", "nginx:1.26"), ...appFiles("apps/api", "api", "nginx:1.26"), "README.md": "shop\n" });
    served.commit("Add billing", appFiles("billing", "billing", "nginx:1.26"));
    writeFileSync(join(dir, "token"), `${TOKEN}\n`);
    writeFileSync(join(dir, "webhook-secret"), `${WEBHOOK_SECRET}\n`);
    writeFileSync(join(dir, "git-token"), `${GIT_TOKEN}\n`);
    writeFileSync(join(dir, "scenario.yaml"), scenario(["web", "api", "billing"]));
    // The bare repository's path ends in acme/shop.git, so GitHub's full_name names it.
    writeFileSync(
      join(dir, "runtime.yaml"),
      `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: simulator
      type: ECS
      config: { region: us-east-1 }
  server:
    tokenFile: token
  notifications:
    routes:
      - name: all
        receiver: hook
    receivers:
      - name: hook
        webhook:
          url: ${receiver!.url}/hook
  git:
    httpsTokenFile: git-token
    webhookSecretFile: webhook-secret
    pollInterval: 1h
    driftInterval: 1s
  repositories:
    - repoId: shop
      remote: ${shop.remote}
      branch: main
    - repoId: billing
      remote: ${http.url}/billing.git
      branch: main
`,
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    args = ["serve", "--simulate", "--scenario", join(dir, "scenario.yaml"), "--config", join(dir, "runtime.yaml"), "--address", `127.0.0.1:${port}`, "--data", join(dir, "data"), "--time-scale", "60"];
    await start();
  });

  after(async () => {
    await stop();
    await http?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("first sync deploys every app of both repositories (disk and HTTP with a token) once, with its commit", async () => {
    const apps = await until("three apps, each with a deployment", async () => {
      const list = (await api<{ applications: Array<{ path: string; lastDeployment: { id: string } | null }> }>("/api/applications")).applications;
      return list.length === 3 && list.every((a) => a.lastDeployment) ? list : null;
    });
    assert.deepEqual(apps.map((a) => a.path).sort(), ["apps/api/app.pipecd.yaml", "apps/web/app.pipecd.yaml", "billing/app.pipecd.yaml"]);
    for (const a of apps) assert.equal((await settled(a.lastDeployment!.id)).state, "SUCCEEDED");
    const all = await deployments();
    assert.equal(all.length, 3);
    const web = all.find((d) => d.app === "web")!;
    assert.equal(web.commit?.subject, "Add web and api");
    assert.equal(web.commit?.author, "Ada Lovelace <ada@example.com>");
    assert.equal(web.commit?.repoId, "shop");
    const triggered = await until("DEPLOYMENT_TRIGGERED of web at the receiver", () => notified.find((n) => n.event === "DEPLOYMENT_TRIGGERED" && /^web /.test(n.message)));
    assert.match(triggered.message, /by commit [0-9a-f]{7} "Add web and api" by Ada Lovelace <ada@example.com>/);
    assert.equal(triggered.data?.commit.hash, web.commit?.hash);
    assert.ok(http.requests() > 0, "the HTTP repository was fetched through git http-backend");
    const repos = (await api<{ repositories: Array<{ repoId: string; lastError: string | null }> }>("/api/repositories")).repositories;
    assert.deepEqual(repos.map((r) => [r.repoId, r.lastError]), [["shop", null], ["billing", null]]);
  });

  test("a commit with a new image deploys that app exactly once; a commit touching only another app deploys only that one", async () => {
    const hash = shop.commit("web: nginx 1.27", { "apps/web/taskdef.yaml": taskdef("web", "nginx:1.27") });
    const first = await sync("shop");
    assert.equal(first.head, hash);
    assert.equal(first.deployed.length, 1);
    assert.equal((await sync("shop")).deployed.length, 0, "syncing the same head again deploys nothing");
    const mine = await ofCommit(hash);
    assert.deepEqual(mine.map((d) => d.app), ["web"]);
    assert.equal((await settled(mine[0].id)).state, "SUCCEEDED");

    const api2 = shop.commit("api: nginx 1.27", { "apps/api/taskdef.yaml": taskdef("api", "nginx:1.27") });
    assert.equal((await sync("shop")).deployed.length, 1);
    assert.deepEqual((await ofCommit(api2)).map((d) => d.app), ["api"]);
    await settled((await ofCommit(api2))[0].id);

    const docs = shop.commit("docs only", { "README.md": "shop, now documented\n" });
    assert.deepEqual((await sync("shop")).deployed, []);
    assert.deepEqual(await ofCommit(docs), []);

    const billing = served.commit("billing: nginx 1.27", { "billing/taskdef.yaml": taskdef("billing", "nginx:1.27") });
    assert.equal((await sync("billing")).deployed.length, 1);
    assert.deepEqual((await ofCommit(billing)).map((d) => d.app), ["billing"]);
    await settled((await ofCommit(billing))[0].id);
  });

  test("a commit that does not compile deploys nothing; /api/applications shows its diagnostics", async () => {
    const before = (await deployments()).length;
    const broken = shop.commit("web: typo", { "apps/web/app.pipecd.yaml": appFiles("apps/web", "web", "x")["apps/web/app.pipecd.yaml"].replace("serviceDefinitionFile: servicedef.yaml", "serviceDefinitionFile: missing.yaml") });
    const r = await sync("shop");
    assert.deepEqual(r.deployed, []);
    assert.deepEqual(r.failed, ["apps/web/app.pipecd.yaml"]);
    assert.equal((await deployments()).length, before);
    const web = (await api<{ applications: Array<{ path: string; lastCommit: { hash: string }; diagnostics: Array<{ file: string; line: number; code: string }> }> }>("/api/applications")).applications.find((a) => a.path === "apps/web/app.pipecd.yaml")!;
    assert.equal(web.lastCommit.hash, broken);
    assert.ok(web.diagnostics.length > 0);
    assert.equal(web.diagnostics[0].file, "apps/web/app.pipecd.yaml");
    assert.equal(web.diagnostics[0].code, "file-not-found");
    assert.ok(web.diagnostics[0].line > 1, "the line of serviceDefinitionFile");
    const sent = await until("DEPLOYMENT_TRIGGER_FAILED at the receiver", () => notified.find((n) => n.event === "DEPLOYMENT_TRIGGER_FAILED"));
    assert.equal(sent.data?.commit.hash, broken);
    assert.equal(sent.data?.diagnostics[0].code, "file-not-found");
    assert.match(sent.message, /web \(shop\) was not deployed: commit [0-9a-f]{7} "web: typo" by Ada Lovelace/);
    const page = await (await fetch(`${url}/applications`)).text();
    assert.match(page, /apps\/web\/app\.pipecd\.yaml:\d+:\d+<\/span> <span class="mono">file-not-found/);
    assert.match(page, /web: typo/);
    // Fixing it deploys the fix.
    const fixed = shop.commit("web: fix the typo", appFiles("apps/web", "web", "nginx:1.27"));
    assert.equal((await sync("shop")).deployed.length, 1);
    await settled((await ofCommit(fixed))[0].id);
  });

  test("a webhook with a bad or missing signature gets 401 and fetches nothing; a good one deploys", async () => {
    const { repositories } = await api<{ repositories: Array<{ repoId: string; head: string }> }>("/api/repositories");
    const headBefore = repositories.find((r) => r.repoId === "shop")!.head;
    const hash = shop.commit("web: nginx 1.27.1", { "apps/web/taskdef.yaml": taskdef("web", "nginx:1.27.1") });
    assert.equal((await webhook(push, null)).status, 401);
    assert.equal((await webhook(push, sign(`${push} `))).status, 401);
    assert.equal((await webhook(push, "sha256=" + "0".repeat(64))).status, 401);
    await new Promise((r) => setTimeout(r, 500));
    const after1 = (await api<{ repositories: Array<{ repoId: string; head: string }> }>("/api/repositories")).repositories;
    assert.equal(after1.find((r) => r.repoId === "shop")!.head, headBefore, "nothing was fetched");
    assert.deepEqual(await ofCommit(hash), []);

    const ok = await webhook(push, sign(push));
    assert.equal(ok.status, 202);
    assert.deepEqual(((await ok.json()) as { syncing: string[] }).syncing, ["shop"]);
    const [d] = await until("the webhook's deployment", async () => {
      const ds = await ofCommit(hash);
      return ds.length ? ds : null;
    });
    assert.equal(d.app, "web");
    assert.equal((await settled(d.id)).state, "SUCCEEDED");
  });

  test("Sync now (PipeCD's SYNC command) redeploys an app at the head with the server token only", async () => {
    const path = encodeURIComponent("apps/api/app.pipecd.yaml");
    const page = await (await fetch(`${url}/applications`)).text();
    assert.ok(page.includes(`data-url="/api/applications/shop/sync?path=${path}"`), "the Applications view has a Sync now button for the app");
    assert.equal((await fetch(`${url}/api/applications/shop/sync?path=${path}`, { method: "POST" })).status, 401);
    const r = await fetch(`${url}/api/applications/shop/sync?path=${path}`, { method: "POST", headers: auth });
    assert.equal(r.status, 202, await r.clone().text());
    const { deploymentId } = (await r.json()) as { deploymentId: string };
    const d = await settled(deploymentId);
    assert.equal(d.state, "SUCCEEDED");
    assert.equal(d.commit?.trigger, "SYNC_COMMAND");
    assert.equal(d.app, "api");
  });

  test("drift: a service changed behind Kanaria's back is OUT_OF_SYNC with the field diff, notified once, on /metrics", async () => {
    const simUrl = /simulator at (http:\/\/\S+)/.exec(server!.output())?.[1];
    assert.ok(simUrl, server!.output());
    const ecs = new ECSClient({ region: "us-east-1", endpoint: simUrl, credentials: CREDENTIALS });
    type App = { path: string; sync: { state: string; diff?: Array<{ path: string; git: unknown; live: unknown }> } };
    const appOf = async (path: string) => (await api<{ applications: App[] }>("/api/applications")).applications.find((a) => a.path === path)!;
    await until("api SYNCED", async () => (await appOf("apps/api/app.pipecd.yaml")).sync.state === "SYNCED" || null);
    await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "api", desiredCount: 5 }));
    const drifted = await until("api OUT_OF_SYNC", async () => {
      const a = await appOf("apps/api/app.pipecd.yaml");
      return a.sync.state === "OUT_OF_SYNC" ? a : null;
    });
    assert.deepEqual(drifted.sync.diff, [{ path: "service.desiredCount", git: 2, live: 5 }]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /kanaria_application_sync_state\{path="apps\/api\/app\.pipecd\.yaml",repo_id="shop",state="OUT_OF_SYNC"\} 1/);
    assert.match(metrics, /kanaria_application_sync_state\{path="apps\/web\/app\.pipecd\.yaml",repo_id="shop",state="OUT_OF_SYNC"\} 0/);
    const page = await (await fetch(`${url}/applications`)).text();
    assert.match(page, /<td class="mono">service\.desiredCount<\/td><td class="mono">2<\/td><td class="mono">5<\/td>/);
    await new Promise((r) => setTimeout(r, 3500)); // three more detection cycles
    const outOfSync = notified.filter((n) => n.event === "APPLICATION_OUT_OF_SYNC" && n.data?.path === "apps/api/app.pipecd.yaml");
    assert.equal(outOfSync.length, 1, "notified once, on entering the state");
    assert.deepEqual(outOfSync[0].data?.diff, [{ path: "service.desiredCount", git: 2, live: 5 }]);
    assert.equal((await appOf("apps/api/app.pipecd.yaml")).sync.state, "OUT_OF_SYNC", "without onOutOfSync nothing redeploys it");
    await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "api", desiredCount: 2 }));
    await until("api SYNCED again", async () => (await appOf("apps/api/app.pipecd.yaml")).sync.state === "SYNCED" || null);
    await until("APPLICATION_SYNCED", () => notified.some((n) => n.event === "APPLICATION_SYNCED" && n.data?.path === "apps/api/app.pipecd.yaml") || null);
  });

  test("drift: trigger.onOutOfSync.disabled: false redeploys Git's version after minWindow", async () => {
    const extra = "  trigger:\n    onOutOfSync:\n      disabled: false\n      minWindow: 2s\n";
    const hash = shop.commit("web: redeploy when drifted", appFiles("apps/web", "web", "nginx:1.28", extra));
    const [first] = (await sync("shop")).deployed;
    await settled(first);
    const simUrl = /simulator at (http:\/\/\S+)/.exec(server!.output())![1];
    const ecs = new ECSClient({ region: "us-east-1", endpoint: simUrl, credentials: CREDENTIALS });
    await until("web SYNCED", async () => (await api<{ applications: Array<{ path: string; sync: { state: string } }> }>("/api/applications")).applications.find((a) => a.path === "apps/web/app.pipecd.yaml")!.sync.state === "SYNCED" || null);
    const driftedAt = Date.now();
    await ecs.send(new UpdateServiceCommand({ cluster: "demo", service: "web", desiredCount: 4 }));
    const redeploy = await until("the onOutOfSync redeploy", async () => (await ofCommit(hash)).find((d) => d.commit?.trigger === "OUT_OF_SYNC"));
    assert.ok(Date.now() - driftedAt >= 2000, "not before minWindow");
    assert.equal(redeploy.app, "web");
    assert.equal((await settled(redeploy.id)).state, "SUCCEEDED");
    await until("web SYNCED after the redeploy", async () => (await api<{ applications: Array<{ path: string; sync: { state: string } }> }>("/api/applications")).applications.find((a) => a.path === "apps/web/app.pipecd.yaml")!.sync.state === "SYNCED" || null);
    assert.equal((await ofCommit(hash)).filter((d) => d.commit?.trigger === "OUT_OF_SYNC").length, 1, "one redeploy");
  });

  test("a newer commit cancels the deployment of an older one still queued behind a running one", async () => {
    const slow = "  pipeline:\n    stages:\n      - name: WAIT\n        with:\n          duration: 2h\n      - name: ECS_PRIMARY_ROLLOUT\n";
    served.commit("billing: slow pipeline", appFiles("billing", "billing", "nginx:1.29", slow));
    const [running] = (await sync("billing")).deployed;
    await until("the slow deployment to run", async () => (await api<Deployment>(`/api/deployments/${running}`)).state === "RUNNING" || null);
    served.commit("billing: nginx 1.30", { "billing/taskdef.yaml": taskdef("billing", "nginx:1.30") });
    const [older] = (await sync("billing")).deployed;
    assert.equal((await api<Deployment>(`/api/deployments/${older}`)).state, "QUEUED");
    const newest = served.commit("billing: nginx 1.31, quick", appFiles("billing", "billing", "nginx:1.31"));
    const [newer] = (await sync("billing")).deployed;
    assert.equal((await api<Deployment>(`/api/deployments/${older}`)).state, "CANCELLED");
    const events = await (await fetch(`${url}/api/deployments/${older}/events`)).text();
    assert.ok(events.includes(`Superseded by deployment ${newer} of a newer commit.`), events);
    assert.equal((await api<Deployment>(`/api/deployments/${newer}`)).state, "QUEUED");
    assert.equal((await fetch(`${url}/api/deployments/${running}/cancel`, { method: "POST", headers: auth })).status, 202);
    const done = await settled(newer);
    assert.equal(done.state, "SUCCEEDED");
    assert.equal(done.commit?.hash, newest);
  });

  test("kanaria deploy shows the commit of committed, unchanged app files (and none once they are edited)", () => {
    const head = git(shop.work, "rev-parse", "HEAD");
    const r = runCli(["deploy", join(shop.work, "apps/web"), "--simulate", "--time-scale", "600"], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`commit ${head.slice(0, 7)} "${git(shop.work, "log", "-1", "--format=%s")}" by Ada Lovelace <ada@example.com>`), r.stdout);
    shop.write({ "apps/web/taskdef.yaml": taskdef("web", "nginx:edited") });
    const edited = runCli(["deploy", join(shop.work, "apps/web"), "--simulate", "--time-scale", "600"], { timeoutMs: 300_000 });
    assert.equal(edited.code, 0, edited.stdout + edited.stderr);
    assert.doesNotMatch(edited.stdout, /^commit /m);
    git(shop.work, "checkout", "--", ".");
  });

  test("kill -9 right after a commit's deployment is queued: the restart runs it, once", async () => {
    await stop();
    const hash = shop.commit("web: nginx 1.28", { "apps/web/taskdef.yaml": taskdef("web", "nginx:1.28") });
    // Dies (SIGKILL, by itself) after queueing the deployment, before recording the commit as handled.
    await start({ KANARIA_CRASH_AT: "gitops:submitted" });
    const { signal } = await server!.closed;
    assert.equal(signal, "SIGKILL", server!.output());
    server = undefined;
    await start();
    const [d] = await until("the commit's deployment", async () => {
      const ds = await ofCommit(hash);
      return ds.length ? ds : null;
    });
    assert.equal((await settled(d.id)).state, "SUCCEEDED");
    assert.deepEqual((await sync("shop")).deployed, []);
    assert.equal((await ofCommit(hash)).length, 1, "deployed once");
  });

  test("kill -9 while a commit's deployment runs: the restart finishes it and queues no second one", async () => {
    const hash = shop.commit("api: nginx 1.28", { "apps/api/taskdef.yaml": taskdef("api", "nginx:1.28") });
    const [id] = (await sync("shop")).deployed;
    await until("the deployment to run", async () => ["RUNNING", "SUCCEEDED"].includes((await api<Deployment>(`/api/deployments/${id}`)).state) || null, undefined, 20);
    await stop();
    await start();
    assert.equal((await settled(id)).state, "SUCCEEDED");
    assert.deepEqual((await sync("shop")).deployed, []);
    assert.deepEqual((await ofCommit(hash)).map((d) => d.id), [id]);
  });
});
