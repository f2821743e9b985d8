// A PipeCD v1 app (kind: Application) deploys like its v0 twin: on the embedded simulator with
// `--simulate`, and against ECS endpoints chosen by its spec.deployTarget among the ecs plugin's
// deploy targets of a runtime config in PipeCD v1's piped shape.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli, startCli } from "../helpers/cli.ts";
import { inspect, SIM_AWS_ENV, TEST_TIME_SCALE, tempDir } from "./helpers.ts";
import { startSimulator, type Simulator } from "../../runtime/simulator/index.ts";

describe("PipeCD v1 apps deploy", () => {
  test("kanaria deploy examples/v1-canary --simulate, with the v1 piped-shaped runtime config: analysed, promoted, exit 0", () => {
    const r = runCli(["deploy", "examples/v1-canary", "--simulate", "--time-scale", "600", "--config", "examples/v1-canary/runtime.yaml"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /a world made from the app/);
    assert.match(r.stdout, /ECS_CANARY_ROLLOUT\s+SUCCEEDED/);
    assert.match(r.stdout, /datadog THRESHOLD sample 1 \[.*\]: pass/);
    assert.match(r.stdout, /deployment\s+SUCCEEDED\s+traffic 100\/0/);
  });

  describe("against ECS endpoints picked by spec.deployTarget", () => {
    let sim: Simulator;
    let dir: string;
    before(async () => {
      sim = await startSimulator({ scenario: join(ROOT, "examples/scenario.yaml"), timeScale: TEST_TIME_SCALE });
      dir = tempDir("kanaria-v1-deploy-");
      for (const f of ["servicedef.yaml", "taskdef.yaml"]) copyFileSync(join(ROOT, "examples/v1-canary", f), join(dir, f));
      // The first deploy target answers nothing: only selecting by name reaches the simulator.
      writeFileSync(
        join(dir, "runtime.yaml"),
        `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  plugins:
    - name: ecs
      url: file:///opt/piped/plugins/ecs
      port: 7003
      deployTargets:
        - name: nowhere
          config: { region: us-east-1, endpoints: { ecs: "http://127.0.0.1:9", elbv2: "http://127.0.0.1:9" } }
        - name: staging
          labels: { env: staging }
          config: { region: us-east-1, endpoints: { ecs: "${sim.url}", elbv2: "${sim.url}" } }
    - name: wait
      url: file:///opt/piped/plugins/wait
`,
      );
      writeFileSync(
        join(dir, "app.pipecd.yaml"),
        `apiVersion: pipecd.dev/v1beta1
kind: Application
spec:
  name: web
  plugin: ecs
  deployTarget: staging
  plugins:
    ecs:
      input:
        serviceDefinitionFile: servicedef.yaml
        taskDefinitionFile: taskdef.yaml
        targetGroups:
          primary:
            targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef
            containerName: web
            containerPort: 80
          canary:
            targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210
            containerName: web
            containerPort: 80
  pipeline:
    stages:
      - name: ECS_CANARY_ROLLOUT
        with:
          scale: 50
      - name: ECS_TRAFFIC_ROUTING
        with:
          canary: 30
      - name: WAIT
        with:
          duration: 1m
      - name: ECS_PRIMARY_ROLLOUT
      - name: ECS_TRAFFIC_ROUTING
        with:
          primary: 100
      - name: ECS_CANARY_CLEAN
`,
      );
    });
    after(async () => {
      await sim?.close();
    });

    test("the deploy target named by the app is the one deployed to; the new version ends as the only live task set", async () => {
      const before = await inspect(sim, "web", "demo", "web-alb");
      const oldPrimary = before.taskSets.find((t) => t.status === "PRIMARY");
      assert.ok(oldPrimary, "the scenario starts with a primary task set");
      const run = startCli(["deploy", join(dir, "app.pipecd.yaml"), "--config", join(dir, "runtime.yaml"), "--data", join(dir, "data"), "--time-scale", String(TEST_TIME_SCALE)], { env: SIM_AWS_ENV });
      const code = await run.exited;
      assert.equal(code, 0, run.output());
      assert.match(run.output(), /deployment\s+SUCCEEDED\s+traffic 100\/0/);
      const world = await inspect(sim, "web", "demo", "web-alb");
      const live = world.taskSets.filter((t) => t.status !== "DRAINING");
      assert.equal(live.length, 1, JSON.stringify(world.taskSets));
      assert.equal(live[0].status, "PRIMARY");
      assert.notEqual(live[0].id, oldPrimary.id);
    });

    test("a deployTarget the runtime config lacks is a compile error at spec.deployTarget, nothing is deployed", () => {
      const app = join(dir, "app.pipecd.yaml");
      const r = runCli(["compile", app, "--config", join(dir, "runtime.yaml"), "--format", "json"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      writeFileSync(join(dir, "other.pipecd.yaml"), readFileSync(app, "utf8").replace("deployTarget: staging", "deployTarget: stagign"));
      const bad = runCli(["compile", join(dir, "other.pipecd.yaml"), "--config", join(dir, "runtime.yaml"), "--format", "json"]);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      const [d] = JSON.parse(bad.stdout).diagnostics;
      assert.equal(d.code, "unknown-provider");
      assert.deepEqual([d.line, d.column], [6, 17]);
      assert.match(d.message, /Did you mean "staging"\?/);
    });
  });
});

