// Shared helpers for the runtime tests: compile fixtures with the real compiler, start the
// simulator, build a runtime pointed at it, and inspect the simulated world with the real SDK.
import { copyFileSync, readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { compile } from "../../compiler/compile.ts";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../runtime/simulator/index.ts";
import { createRuntime, type Runtime } from "../../runtime/runtime.ts";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import { systemClock } from "../../runtime/clock/clock.ts";
import type { Graph } from "../../runtime/executor/graph.ts";
import type { SecretKeyring } from "../../runtime/secrets/keyring.ts";

export const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
export const CREDENTIALS = { accessKeyId: "sim", secretAccessKey: "sim" };

export function scenarioPath(name = "canary"): string {
  return join(FIXTURES, name, "scenario.yaml");
}

/** Target group ARNs the simulator actually created, by name. */
export function targetGroupArns(sim: Simulator): Map<string, string> {
  return new Map([...sim.state.targetGroups.values()].map((tg) => [tg.name, tg.arn]));
}

export interface CompileOptions {
  /** Replace `serviceName: web` in the service definition. */
  serviceName?: string;
  /** Replace the image of the first container. */
  image?: string;
  /** Rewrite target group ARNs to these (by target group name). */
  targetGroups?: Map<string, string>;
  /** Rename target groups in the app file: old name -> new name (before ARN rewriting). */
  renameTargetGroups?: Record<string, string>;
  /** Extra text appended to the app name (so digests differ). */
  nameSuffix?: string;
  /** Any other change to the app file's text (applied first). */
  editApp?: (text: string) => string;
  /** Any change to the service definition's text (after serviceName). */
  editServiceDef?: (text: string) => string;
}

export function compileFixture(name: string, o: CompileOptions = {}): Graph {
  const dir = join(FIXTURES, name);
  const appPath = join(dir, "app.pipecd.yaml");
  const readFile = (path: string): string | null => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return null;
    }
    if (path.endsWith("servicedef.yaml") && o.serviceName) text = text.replace(/serviceName: web\b/, `serviceName: ${o.serviceName}`);
    if (path.endsWith("servicedef.yaml") && o.editServiceDef) text = o.editServiceDef(text);
    if (path.endsWith("taskdef.yaml") && o.image) text = text.replace(/image: .*/, `image: ${o.image}`);
    if (path.endsWith("app.pipecd.yaml")) {
      if (o.editApp) text = o.editApp(text);
      for (const [from, to] of Object.entries(o.renameTargetGroups ?? {})) text = text.replaceAll(`targetgroup/${from}/`, `targetgroup/${to}/`);
      if (o.nameSuffix) text = text.replace(/name: (web-[a-z]+)/, `name: $1${o.nameSuffix}`);
      if (o.targetGroups) {
        text = text.replace(/arn:aws:elasticloadbalancing:[^\s]*:targetgroup\/([A-Za-z0-9-]+)\/[0-9a-f]+/g, (m, tg) => o.targetGroups!.get(tg) ?? m);
      }
    }
    return text;
  };
  const r = compile({ appPath, readFile });
  if (!r.graph) throw new Error(`fixture ${name} does not compile:\n${r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`).join("\n")}`);
  return r.graph;
}

export const TEST_TIME_SCALE = 300;

/** Limits for tests: ECS describes as in production; writes and ELB faster than production defaults. */
export const TEST_LIMITS = { ecsRead: { rate: 20, burst: 40 }, ecsWrite: { rate: 50, burst: 100 }, elb: { rate: 100, burst: 200 } };

export async function startSim(o: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ scenario: scenarioPath(), timeScale: TEST_TIME_SCALE, ...o });
}

export function tempDir(prefix = "kanaria-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function simRuntime(
  sim: Simulator,
  o: { dataDir?: string; timeScale?: number; limitFloorMs?: number; pollIntervalMs?: number; callTimeoutMs?: number; secrets?: SecretKeyring; endpoint?: string } = {},
): Promise<Runtime> {
  const store = await openSqlStore(o.dataDir ? join(o.dataDir, "kanaria.sqlite") : ":memory:");
  return createRuntime({
    store,
    providers: [
      {
        name: "simulator",
        region: "us-east-1",
        endpoints: { ecs: o.endpoint ?? sim.url, elbv2: o.endpoint ?? sim.url },
        credentials: CREDENTIALS,
        ...(o.callTimeoutMs ? { callTimeoutMs: o.callTimeoutMs } : {}),
      },
    ],
    clock: systemClock(o.timeScale ?? sim.state.clock.timeScale, o.limitFloorMs),
    pollIntervalMs: o.pollIntervalMs ?? 50,
    limits: TEST_LIMITS,
    ...(o.secrets ? { secrets: o.secrets } : {}),
  });
}

export interface WorldView {
  taskSets: Array<{ id: string; status: string; taskDefinition: string; scale: number; externalId?: string; targetGroup?: string }>;
  /** Weights per forwarding rule: { rule, primary, canary }. */
  rules: Array<{ rule: string; isDefault: boolean; weights: Record<string, number> }>;
}

/** What the simulated AWS looks like now, read through the real SDK clients. */
export async function inspect(sim: Pick<Simulator, "url">, service = "web", cluster = "demo", lbName = "demo-alb"): Promise<WorldView> {
  const ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
  const elb = new ElasticLoadBalancingV2Client({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
  try {
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0];
    const taskSets = (svc?.taskSets ?? []).map((t) => ({
      id: t.id!,
      status: t.status!,
      taskDefinition: t.taskDefinition!,
      scale: t.scale?.value ?? 0,
      externalId: t.externalId,
      targetGroup: t.loadBalancers?.[0]?.targetGroupArn,
    }));
    const lbs = await elb.send(new DescribeLoadBalancersCommand({ Names: [lbName] }));
    const rules: WorldView["rules"] = [];
    for (const lb of lbs.LoadBalancers ?? []) {
      const ls = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
      for (const l of ls.Listeners ?? []) {
        const rs = await elb.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }));
        for (const r of rs.Rules ?? []) {
          const weights: Record<string, number> = {};
          for (const a of r.Actions ?? []) {
            if (a.Type !== "forward") continue;
            for (const t of a.ForwardConfig?.TargetGroups ?? [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }]) {
              const name = String(t.TargetGroupArn).split("/")[1];
              weights[name] = (weights[name] ?? 0) + (t.Weight ?? 1);
            }
          }
          rules.push({ rule: r.RuleArn!, isDefault: !!r.IsDefault, weights });
        }
      }
    }
    return { taskSets, rules };
  } finally {
    ecs.destroy();
    elb.destroy();
  }
}

export interface ScriptApp {
  dir: string;
  /** app.pipecd.yaml: the canary fixture with its WAIT (stage id `bake`) replaced by SCRIPT_RUN `script`. */
  app: string;
  /** runtime.yaml: platform provider "sim" pointing at the simulator; server.tokenFile when a token is given. */
  config: string;
  /** A --data directory for it (not created). */
  data: string;
}

/** The canary pipeline with a SCRIPT_RUN in the middle, in a fresh folder, for CLI processes. */
export function scriptApp(sim: Simulator, run: string, o: { serverToken?: string } = {}): ScriptApp {
  const dir = tempDir("kanaria-script-app-");
  for (const f of ["servicedef.yaml", "taskdef.yaml"]) copyFileSync(join(FIXTURES, "canary", f), join(dir, f));
  const original = readFileSync(join(FIXTURES, "canary", "app.pipecd.yaml"), "utf8");
  const app = original.replace(
    /      - id: bake\n        name: WAIT\n        with:\n          duration: 30s\n/,
    () => `      - id: script\n        name: SCRIPT_RUN\n        with:\n          run: ${JSON.stringify(run)}\n`,
  );
  if (app === original) throw new Error("the canary fixture no longer has the WAIT stage scriptApp replaces");
  writeFileSync(join(dir, "app.pipecd.yaml"), app);
  if (o.serverToken) writeFileSync(join(dir, "server-token"), o.serverToken);
  writeFileSync(
    join(dir, "runtime.yaml"),
    `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: sim
      type: ECS
      config:
        region: us-east-1
        endpoints: { ecs: "${sim.url}", elbv2: "${sim.url}" }
${o.serverToken ? "  server:\n    tokenFile: server-token\n" : ""}`,
  );
  return { dir, app: join(dir, "app.pipecd.yaml"), config: join(dir, "runtime.yaml"), data: join(dir, "data") };
}

/** Credentials for CLI child processes talking to the simulator. */
export const SIM_AWS_ENV = { AWS_ACCESS_KEY_ID: "sim", AWS_SECRET_ACCESS_KEY: "sim", AWS_REGION: "us-east-1" };
