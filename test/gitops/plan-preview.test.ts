// `kanaria plan --live` and `--base`, run as the real CLI: against a simulator started here
// (the real SDK inside the CLI, nothing changed on ECS), and between two revisions of a Git
// repository made here (the real `git`, no AWS).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliCommand, ROOT } from "../helpers/cli.ts";
import { requirement } from "../helpers/requirement.ts";
import { git, gitPresent } from "../helpers/gitops-repo.ts";
import { FIXTURES, SIM_AWS_ENV, startSim, targetGroupArns, tempDir } from "../runtime/helpers.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

/** The CLI as a child process, without blocking this process (the simulator answers from here). */
function kanaria(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = cliCommand(args);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...SIM_AWS_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c) => (stdout += c));
    child.stderr!.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The canary fixture in a folder of its own, target group ARNs those of `sim` (if given). */
function appCopy(dir: string, sim?: Simulator, edit: { servicedef?: (t: string) => string; taskdef?: (t: string) => string } = {}): string {
  mkdirSync(dir, { recursive: true });
  let app = readFileSync(join(FIXTURES, "canary", "app.pipecd.yaml"), "utf8");
  if (sim) {
    const tgs = targetGroupArns(sim);
    app = app.replace(/arn:aws:elasticloadbalancing:[^\s]*:targetgroup\/([A-Za-z0-9-]+)\/[0-9a-f]+/g, (m, tg) => tgs.get(tg) ?? m);
  }
  writeFileSync(join(dir, "app.pipecd.yaml"), app);
  writeFileSync(join(dir, "servicedef.yaml"), (edit.servicedef ?? ((t) => t))(readFileSync(join(FIXTURES, "canary", "servicedef.yaml"), "utf8")));
  writeFileSync(join(dir, "taskdef.yaml"), (edit.taskdef ?? ((t) => t))(readFileSync(join(FIXTURES, "canary", "taskdef.yaml"), "utf8")));
  return join(dir, "app.pipecd.yaml");
}

describe("kanaria plan --live against the simulator", () => {
  let sim: Simulator;
  let dir: string;
  let config: string;
  before(async () => {
    sim = await startSim();
    dir = tempDir("kanaria-plan-live-");
    config = join(dir, "runtime.yaml");
    writeFileSync(
      config,
      `apiVersion: kanaria.dev/v1alpha1\nkind: Runtime\nspec:\n  platformProviders:\n    - name: sim\n      type: ECS\n      config:\n        region: us-east-1\n        endpoints: { ecs: "${sim.url}", elbv2: "${sim.url}" }\n`,
    );
  });
  after(() => sim.close());

  test("json: the task definition's image and the service's count change; stages with live task counts; ECS only read", async () => {
    // The servicedef asks for 6 tasks; the live service (scenario) runs web:1 with nginx:1.25 and 4 tasks.
    const app = appCopy(join(dir, "web"), sim, { servicedef: (t) => t.replace("desiredCount: 4", "desiredCount: 6") });
    const was = { ...sim.state.calls };
    const r = await kanaria(["plan", app, "--live", "--config", config, "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.status, "changes");
    assert.deepEqual(p.against, { kind: "live", provider: "sim", cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/demo", service: "web" });
    assert.deepEqual(p.changes, {
      service: [{ path: "service.desiredCount", from: 4, to: 6 }],
      taskDefinition: [{ path: "taskDefinition.containerDefinitions[web].image", from: "public.ecr.aws/nginx/nginx:1.25", to: "public.ecr.aws/nginx/nginx:1.27" }],
    });
    assert.equal(p.firstDeployment, false);
    assert.equal(p.desiredCount, 6);
    assert.deepEqual(
      p.stages.map((s: any) => `${s.stage} ${s.traffic.primary}/${s.traffic.canary} ${s.primary?.tasks ?? "-"}/${s.canary?.tasks ?? "-"}`),
      ["ECS_CANARY_ROLLOUT 100/0 6/2", "ECS_TRAFFIC_ROUTING 80/20 6/2", "WAIT 80/20 6/2", "ECS_PRIMARY_ROLLOUT 80/20 6/2", "ECS_TRAFFIC_ROUTING 100/0 6/2", "ECS_CANARY_CLEAN 100/0 6/-"],
    );
    const calls = Object.entries(sim.state.calls).filter(([k, v]) => k.startsWith("ecs:") && v !== (was[k] ?? 0)).map(([k, v]) => `${k} ${v - (was[k] ?? 0)}`);
    assert.deepEqual(calls.sort(), ["ecs:DescribeServices 1", "ecs:DescribeTaskDefinition 1"]);
  });

  test("markdown for a pull-request comment: summary, collapsible diff, table of stages", async () => {
    const app = appCopy(join(dir, "web-md"), sim);
    const r = await kanaria(["plan", app, "--live", "--config", config, "--format", "markdown"]);
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, /^<!-- kanaria-plan: web-canary -->\n### Kanaria plan: `web-canary`\n/);
    assert.match(md, /\*\*1 change\*\* against the live service `demo\/web` \(platform provider `sim`\)\./);
    assert.ok(
      md.includes(
        "<details><summary>Task definition: 1 change</summary>\n\n```diff\n# taskDefinition.containerDefinitions[web].image\n- public.ecr.aws/nginx/nginx:1.25\n+ public.ecr.aws/nginx/nginx:1.27\n```\n\n</details>",
      ),
      md,
    );
    assert.ok(!md.includes("Service:"), "no service section when the service does not change");
    assert.ok(md.includes("| # | stage | what happens | primary | canary | traffic p/c | timeout |\n|---|---|---|---|---|---|---|\n| 1 | ECS_CANARY_ROLLOUT | canary task set at 30% scale | current 4 tasks | new 2 tasks | 100/0 | 30m |"), md);
    assert.ok(md.includes("<details><summary>On failure: the rollback path</summary>"), md);
  });

  test("text, when nothing differs but the image; and a service ECS does not have is a new service", async () => {
    const same = appCopy(join(dir, "same"), sim, { taskdef: (t) => t.replace("nginx:1.27", "nginx:1.25") });
    const r = await kanaria(["plan", same, "--live", "--config", config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^web-canary: No changes against the live service demo\/web \(platform provider sim\)/);
    const ghost = appCopy(join(dir, "ghost"), sim, { servicedef: (t) => t.replace("serviceName: web", "serviceName: ghost") });
    const g = await kanaria(["plan", ghost, "--live", "--config", config, "--format", "json"]);
    assert.equal(g.code, 0, g.stderr);
    const p = JSON.parse(g.stdout);
    assert.equal(p.status, "new-service");
    assert.equal(p.firstDeployment, true);
    assert.match(p.notes[0], /ECS has no service "ghost" in cluster "demo" \(MISSING\)\. The deployment creates it\./);
  });

  test("no platform provider, both modes at once, an unknown format: exit 2 saying what to do", async () => {
    const app = appCopy(join(dir, "noconfig"), sim);
    const r = await kanaria(["plan", app, "--live"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--live reads ECS through a platform provider: pass --config runtime\.yaml/);
    const both = await kanaria(["plan", app, "--live", "--base", "main"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--live and --base compare with different things; give one/);
    const bad = await kanaria(["plan", app, "--format", "yaml"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be text, markdown or json, not "yaml"/);
  });
});

describe("kanaria plan --base against a Git revision", { ...requirement("git", gitPresent, "install git (apt-get install git)") }, () => {
  let repo: string;
  let app: string;
  before(() => {
    repo = tempDir("kanaria-plan-base-");
    git(repo, "init", "--quiet", "--initial-branch=main");
    app = appCopy(join(repo, "deploy", "web"), undefined, { servicedef: (t) => t.replace("desiredCount: 4", "desiredCount: 2") });
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "web on nginx 1.27");
    git(repo, "checkout", "--quiet", "-b", "feature");
    // The pull request: 4 tasks, a new image, an environment variable, and the tags changed.
    appCopy(join(repo, "deploy", "web"), undefined, {
      servicedef: (t) => `${t}tags:\n  - { key: team, value: payments }\n`,
      taskdef: (t) => t.replace("nginx:1.27", "nginx:1.28").replace("    essential: true\n", "    essential: true\n    environment:\n      - { name: MODE, value: fast }\n"),
    });
    git(repo, "commit", "--quiet", "-am", "nginx 1.28, 4 tasks, MODE=fast");
  });

  test("json: exactly the fields the pull request changes, no AWS", async () => {
    const r = await kanaria(["plan", app, "--base", "main", "--format", "json"], { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" });
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.equal(p.status, "changes");
    assert.equal(p.against.kind, "base");
    assert.equal(p.against.ref, "main");
    assert.equal(p.against.commit, git(repo, "rev-parse", "main"));
    assert.deepEqual(p.changes, {
      service: [
        { path: "service.desiredCount", from: 2, to: 4 },
        { path: "service.tags[team]", from: null, to: "payments" },
      ],
      taskDefinition: [
        { path: "taskDefinition.containerDefinitions[web].image", from: "public.ecr.aws/nginx/nginx:1.27", to: "public.ecr.aws/nginx/nginx:1.28" },
        { path: "taskDefinition.containerDefinitions[web].environment[MODE]", from: null, to: "fast" },
      ],
    });
    assert.equal(p.stages[0].primary.tasks, 4);
  });

  test("the working tree against HEAD; markdown shows removed and added lines", async () => {
    const td = join(repo, "deploy", "web", "taskdef.yaml");
    const committed = readFileSync(td, "utf8");
    writeFileSync(td, committed.replace("      - { name: MODE, value: fast }\n", ""));
    try {
      const r = await kanaria(["plan", join(repo, "deploy", "web"), "--base", "HEAD", "--format", "markdown"]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.includes("```diff\n# taskDefinition.containerDefinitions[web].environment[MODE]\n- fast\n```"), r.stdout);
      assert.match(r.stdout, /\*\*1 change\*\* against `HEAD` \(`[0-9a-f]{12}`\)\./);
    } finally {
      writeFileSync(td, committed);
    }
  });

  test("an app the base revision does not have is new; one that does not compile there is not compared", async () => {
    const other = appCopy(join(repo, "deploy", "api"));
    const r = await kanaria(["plan", other, "--base", "main", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, "new-app");
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "api");
    const broken = readFileSync(join(repo, "deploy", "api", "app.pipecd.yaml"), "utf8");
    writeFileSync(join(repo, "deploy", "api", "app.pipecd.yaml"), broken.replace("scale: 30", "scale: 300"));
    git(repo, "commit", "--quiet", "-am", "broken api");
    writeFileSync(join(repo, "deploy", "api", "app.pipecd.yaml"), broken);
    const t = await kanaria(["plan", other, "--base", "HEAD"]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^web-canary: Not compared with HEAD/);
    assert.match(t.stdout, /Note: The app does not compile at HEAD \(1 error\), so there is nothing to compare with\. First: deploy\/api\/app\.pipecd\.yaml:\d+:\d+ scale-range/);
  });

  test("an unknown revision, or a folder outside Git: exit 2 saying what to do", async () => {
    const r = await kanaria(["plan", app, "--base", "no-such-branch"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--base no-such-branch: no such revision in .* \(fetch it first/);
    const outside = appCopy(join(tempDir("kanaria-plan-nogit-"), "web"));
    const o = await kanaria(["plan", outside, "--base", "main"]);
    assert.equal(o.code, 2);
    assert.match(o.stderr, /is not inside a Git repository/);
  });

  test("the app's own errors are reported as by compile (exit 1)", async () => {
    const dir = join(tempDir("kanaria-plan-err-"), "web");
    const bad = appCopy(dir);
    writeFileSync(bad, readFileSync(bad, "utf8").replace("scale: 30", "scale: 300"));
    const r = await kanaria(["plan", bad, "--base", "main"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /scale-range/);
  });
});
