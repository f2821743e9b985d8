// Compiles generated app files against the fixture service/task definitions, with the target
// group ARNs the simulator created, and builds a runtime whose analysis providers are the simulator's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../../compiler/compile.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import { createRuntime, type Runtime } from "../../runtime/executor/runtime.ts";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { systemClock } from "../../runtime/clock/clock.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";
import type { ApprovalBoard } from "../../runtime/approvals/board.ts";
import { simProviders } from "./helpers.ts";

export const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

export function arnOf(sim: Simulator, name: string): string {
  const tg = [...sim.state.targetGroups.values()].find((t) => t.name === name);
  if (!tg) throw new Error(`no target group ${name}`);
  return tg.arn;
}

export function appYaml(sim: Simulator, o: { name?: string; stages: string }): string {
  return `apiVersion: pipecd.dev/v1beta1
kind: ECSApp
spec:
  name: ${o.name ?? "web"}
  labels:
    env: test
  input:
    serviceDefinitionFile: servicedef.yaml
    taskDefinitionFile: taskdef.yaml
    targetGroups:
      primary:
        targetGroupArn: ${arnOf(sim, "demo-primary")}
        containerName: web
        containerPort: 80
      canary:
        targetGroupArn: ${arnOf(sim, "demo-canary")}
        containerName: web
        containerPort: 80
  pipeline:
    stages:
${o.stages}`;
}

export function compileApp(appText: string, image: string): Graph {
  const appPath = join(FIXTURES, "app.pipecd.yaml");
  const readFile = (path: string): string | null => {
    if (path === appPath) return appText;
    try {
      const text = readFileSync(path, "utf8");
      return path.endsWith("taskdef.yaml") ? text.replace(/image: .*/, `image: ${image}`) : text;
    } catch {
      return null;
    }
  };
  const r = compile({ appPath, readFile });
  if (!r.graph) throw new Error(`does not compile:\n${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join("\n")}`);
  return r.graph as unknown as Graph;
}

export async function analysisRuntime(sim: Simulator): Promise<{ rt: Runtime; board: ApprovalBoard }> {
  const store = await openSqlStore(":memory:");
  const rt = await createRuntime({
    store,
    providers: [{ name: "simulator", region: "us-east-1", endpoints: { ecs: sim.url, elbv2: sim.url }, credentials: { accessKeyId: "sim", secretAccessKey: "sim" } }],
    clock: systemClock(sim.state.clock.timeScale),
    pollIntervalMs: 50,
    limits: { ecsRead: { rate: 20, burst: 40 }, ecsWrite: { rate: 50, burst: 100 }, elb: { rate: 100, burst: 200 } },
    analysisProviders: simProviders(sim),
  });
  return { rt, board: rt.approvals };
}

/** The canary target group's 5xx ratio, as a Datadog query over ALB metrics. */
export const RATIO = `sum:aws.applicationelb.httpcode_target_5xx{targetgroup:<< .Variant.TargetGroup >>}.as_count().rollup(sum, 10) / sum:aws.applicationelb.request_count{targetgroup:<< .Variant.TargetGroup >>}.as_count().rollup(sum, 10)`;

/** Canary 50% → ANALYSIS → promote → clean; `extra` goes between the traffic shift and the analysis. */
export const canaryStages = (analysis: string, extra = "") => `      - id: canary-rollout
        name: ECS_CANARY_ROLLOUT
        with:
          scale: 50
      - id: canary-traffic
        name: ECS_TRAFFIC_ROUTING
        with:
          canary: 50
${extra}      - id: analysis
        name: ANALYSIS
        with:
${analysis}
      - id: primary-rollout
        name: ECS_PRIMARY_ROLLOUT
      - id: primary-traffic
        name: ECS_TRAFFIC_ROUTING
        with:
          primary: 100
      - id: canary-clean
        name: ECS_CANARY_CLEAN
`;
