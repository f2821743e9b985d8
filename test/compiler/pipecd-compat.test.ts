// What PipeCD accepts in an ECSApp, `kanaria compile` accepts (and reads the same way); what it
// cannot run is a compile error, not a failure mid-deployment; truly unknown keys stay errors.
// The CLI runs as a process on a copy of examples/canary.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli } from "../helpers/cli.ts";

interface Edits {
  app?: (text: string) => string;
  servicedef?: (text: string) => string;
}

function appCopy(e: Edits): string {
  const dir = mkdtempSync(join(tmpdir(), "kanaria-pipecd-compat-"));
  cpSync(`${ROOT}examples/canary`, dir, { recursive: true });
  const edit = (name: string, f?: (t: string) => string) => f && writeFileSync(join(dir, name), f(readFileSync(join(dir, name), "utf8")));
  edit("app.pipecd.yaml", e.app);
  edit("servicedef.yaml", e.servicedef);
  return dir;
}

function compileJson(dir: string) {
  const r = runCli(["compile", "--format", "json", dir]);
  const out = JSON.parse(r.stdout);
  return { code: r.code, diagnostics: out.diagnostics as Array<{ code: string; line: number; column: number; message: string; severity: string }>, graph: out.apps[0]?.graph };
}

const PIPECD_EXTRAS = (a: string) =>
  a
    .replace(
      "  input:\n",
      `  planner:
    alwaysUsePipeline: false
    autoRollback: true
  plugins:
    ecs: {}
  notification:
    mentions:
      - event: DEPLOYMENT_FAILED
        slack: [U0001]
        slackUsers: [U0002]
        slackGroups: [S0003]
        email: [oncall@example.com]
      - event: "*"
        slackUsers: [U0004]
  input:
`,
    )
    .replace("serviceDefinitionFile: servicedef.yaml", "serviceDefinitionFile: /servicedef.yaml")
    .replace("taskDefinitionFile: taskdef.yaml", "taskDefinitionFile: /taskdef.yaml")
    .replace("      - name: ECS_PRIMARY_ROLLOUT\n", "      - name: WAIT\n      - name: ECS_PRIMARY_ROLLOUT\n")
    .replace("      - name: ECS_TRAFFIC_ROUTING\n        with:\n          primary: 100\n", "      - name: ECS_TRAFFIC_ROUTING\n");

describe("what PipeCD accepts, Kanaria accepts", () => {
  test("planner.autoRollback, spec.plugins, mentions (slackUsers, slackGroups, email), bare WAIT, bare ECS_TRAFFIC_ROUTING, paths from /", () => {
    const dir = appCopy({ app: PIPECD_EXTRAS });
    const r = compileJson(dir);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === "error"), []);
    assert.equal(r.code, 0);
    const wait = r.graph.nodes.find((n: any) => n.stage === "WAIT");
    assert.equal(wait.params.durationMs, 60_000, "PipeCD's WAIT default: 1m");
    const last = r.graph.nodes.filter((n: any) => n.stage === "ECS_TRAFFIC_ROUTING").at(-1);
    assert.deepEqual([last.params.primary, last.params.canary], [100, 0], "PipeCD's ECS_TRAFFIC_ROUTING default: all traffic to primary");
    assert.deepEqual(last.expect.traffic, { primary: 100, canary: 0 });
    // PipeCD v0 reads only input.autoRollback for ECS: planner.autoRollback: false changes nothing.
    const ignored = compileJson(appCopy({ app: (a) => PIPECD_EXTRAS(a).replace("    autoRollback: true\n", "    autoRollback: false\n") }));
    assert.equal(ignored.graph.target.autoRollback, true);
  });

  test("kanaria plan says when PipeCD's defaults apply, and what a first deployment does", () => {
    const r = runCli(["plan", appCopy({ app: PIPECD_EXTRAS })]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /WAIT\s+wait 1m \(no duration given: PipeCD's default\)/);
    assert.match(r.stdout, /ECS_TRAFFIC_ROUTING\s+primary 100% \/ canary 0% \(no weights given: PipeCD's default\)/);
    assert.match(r.stdout, /First deployment of the service \(no primary task set yet\): a quick sync instead of this pipeline/);
    const always = runCli(["plan", appCopy({ app: (a) => a.replace("  input:\n", "  planner:\n    alwaysUsePipeline: true\n  input:\n") })]);
    assert.match(always.stdout, /First deployment of the service: this pipeline too \(planner\.alwaysUsePipeline\)/);
  });

  test("truly unknown keys and event names PipeCD does not have are still errors, with their line", () => {
    const r = compileJson(
      appCopy({
        app: (a) =>
          a.replace("  input:\n", "  plugin:\n    ecs: {}\n  notification:\n    mentions:\n      - event: DEPLOY_FAILED\n        slackUser: [U1]\n  input:\n"),
      }),
    );
    assert.equal(r.code, 1);
    const schema = r.diagnostics.filter((d) => d.code === "schema");
    assert.ok(schema.some((d) => d.line === 10 && /Unknown key "plugin"/.test(d.message)), JSON.stringify(schema));
    assert.ok(schema.some((d) => d.line === 15 && /Unknown key "slackUser"/.test(d.message)), JSON.stringify(schema));
    assert.ok(schema.some((d) => d.line === 14 && /DEPLOY_FAILED/.test(d.message)), JSON.stringify(schema));
  });
});

describe("read as PipeCD reads it", () => {
  test("clusterArn / roleArn in the servicedef mean cluster / role", () => {
    const r = compileJson(appCopy({ servicedef: (s) => s.replace(/^cluster:/m, "clusterArn:") + "roleArn: arn:aws:iam::123456789012:role/ecsServiceRole\n" }));
    assert.equal(r.code, 0, JSON.stringify(r.diagnostics));
    assert.match(r.graph.target.cluster, /:cluster\/\S+$/);
    assert.equal(r.graph.target.service.cluster, r.graph.target.cluster);
    assert.equal(r.graph.target.service.role, "arn:aws:iam::123456789012:role/ecsServiceRole");
    assert.equal(r.graph.target.service.clusterArn, undefined);
    assert.equal(r.graph.target.service.roleArn, undefined);
  });

  test("quickSync.recreate reaches the quick sync, and an ECS_SYNC stage without its own recreate", () => {
    const quick = compileJson(appCopy({ app: (a) => a.replace(/  pipeline:[\s\S]*$/, "  quickSync:\n    recreate: true\n") }));
    assert.equal(quick.graph.strategy, "quickSync");
    assert.equal(quick.graph.nodes[0].params.recreate, true);
    const plan = runCli(["plan", appCopy({ app: (a) => a.replace(/  pipeline:[\s\S]*$/, "  quickSync:\n    recreate: true\n") })]);
    assert.match(plan.stdout, /scale to 0, replace primary with new version, scale back \(recreate\)/);
    const stage = compileJson(appCopy({ app: (a) => a.replace(/  pipeline:[\s\S]*$/, "  quickSync:\n    recreate: true\n  pipeline:\n    stages:\n      - name: ECS_SYNC\n") }));
    assert.equal(stage.graph.nodes[0].stage, "ECS_SYNC");
    assert.equal(stage.graph.nodes[0].params.recreate, true);
  });

  test("runStandaloneTask: false: the standalone sync only registers the task definition", () => {
    const app = (a: string) =>
      a
        .replace(/  input:[\s\S]*$/, "  input:\n    taskDefinitionFile: taskdef.yaml\n    clusterArn: arn:aws:ecs:us-east-1:123456789012:cluster/demo\n    runStandaloneTask: false\n    awsvpcConfiguration:\n      subnets: [subnet-1]\n");
    const r = compileJson(appCopy({ app }));
    assert.equal(r.code, 0, JSON.stringify(r.diagnostics));
    assert.equal(r.graph.strategy, "standalone");
    assert.equal(r.graph.nodes[0].params.runStandaloneTask, false);
    assert.match(runCli(["plan", appCopy({ app })]).stdout, /register task definition only \(runStandaloneTask: false\)/);
  });
});

describe("what ECS cannot run is a compile error", () => {
  test("ANALYSIS logs: not supported for ECS, reported at the log entry", () => {
    const dir = appCopy({
      app: (a) => a.replace("          metrics:\n", "          logs:\n            - provider: stackdriver\n              query: severity>=ERROR\n              interval: 1m\n          metrics:\n"),
    });
    const r = runCli(["compile", dir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`${dir}/app\\.pipecd\\.yaml:34:25 error analysis-logs-unsupported Log analysis \\(provider "stackdriver"\\) is not supported for ECS`));
  });
});
