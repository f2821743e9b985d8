// Scenario files (YAML or JSON): a starting world for the simulator: clusters, task definitions
// with per-revision behaviour, load balancers with target groups and weighted listeners, and
// services already running their PRIMARY task set. Applied through the same operation functions
// the wire protocols use, so a scenario gets the same validation as API calls. See README.md.

import { parse } from "yaml";
import { createCluster } from "./ecs/clusters.ts";
import { createService } from "./ecs/services.ts";
import { createTaskSet, reconcile, updateServicePrimaryTaskSet } from "./ecs/task-sets.ts";
import { findTaskDefinition, registerTaskDefinition } from "./ecs/task-definitions.ts";
import { createListener, createRule } from "./elbv2/listeners.ts";
import { createLoadBalancer } from "./elbv2/load-balancers.ts";
import { createTargetGroup } from "./elbv2/target-groups.ts";
import { type FaultRule, validateFaultRule } from "./faults.ts";
import { type Behaviour, setBehaviour, type SimConfig, type SimState } from "./state.ts";

export interface ScenarioSettings {
  region?: string;
  accountId?: string;
  seed?: number;
  timeScale?: number;
  startTime?: string | number;
  taskStartDelaySeconds?: number;
  healthCheckDelaySeconds?: number;
  deregistrationDelaySeconds?: number;
  requestsPerSecond?: number;
  metricsDelaySeconds?: number;
  datadogApiKeys?: string[];
  datadogAppKeys?: string[];
}

export interface ScenarioTaskDefinition {
  family: string;
  image?: string;
  containerName?: string;
  containerPort?: number;
  networkMode?: string;
  launchType?: "FARGATE" | "EC2";
  cpu?: string;
  memory?: string;
  containerDefinitions?: Array<Record<string, unknown>>;
  behaviour?: Behaviour;
  [key: string]: unknown;
}

export interface ScenarioTaskSetRef {
  taskDefinition: string;
  targetGroup?: string;
  containerName?: string;
  containerPort?: number;
  scale?: number;
  externalId?: string;
}

export interface Scenario {
  settings?: ScenarioSettings;
  clusters?: string[];
  taskDefinitions?: ScenarioTaskDefinition[];
  loadBalancers?: Array<{
    name: string;
    type?: "application" | "network";
    requestsPerSecond?: number;
    subnets?: string[];
    targetGroups?: Array<{ name: string; id?: string; port?: number; protocol?: string; targetType?: string; healthCheckPath?: string }>;
    listeners?: Array<{
      port: number;
      protocol?: string;
      defaultForward: Record<string, number>;
      rules?: Array<{ priority: number; pathPatterns?: string[]; hostHeaders?: string[]; forward: Record<string, number> }>;
    }>;
  }>;
  services?: Array<{
    cluster?: string;
    serviceName: string;
    desiredCount?: number;
    deploymentController?: "EXTERNAL" | "ECS";
    launchType?: string;
    subnets?: string[];
    securityGroups?: string[];
    assignPublicIp?: "ENABLED" | "DISABLED";
    serviceRegistries?: Array<Record<string, unknown>>;
    primaryTaskSet?: ScenarioTaskSetRef;
    /** ECS-controller services only. */
    taskDefinition?: string;
    targetGroup?: string;
    tags?: Record<string, string>;
  }>;
  behaviours?: Record<string, Behaviour>;
  faults?: FaultRule[];
}

const SETTLED_HISTORY_MS = 3_600_000;

const TOP_KEYS = ["settings", "clusters", "taskDefinitions", "loadBalancers", "services", "behaviours", "faults"];

export function parseScenario(text: string): Scenario {
  const doc = parse(text);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("scenario: the document must be a mapping");
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.includes(key)) throw new Error(`scenario: unknown top-level key "${key}" (expected one of ${TOP_KEYS.join(", ")})`);
  }
  return doc as Scenario;
}

/** Simulator settings a scenario contributes (merged under explicit options). */
export function scenarioConfig(sc: Scenario): { config: Partial<SimConfig>; timeScale?: number; startTime?: number } {
  const st = sc.settings ?? {};
  const config: Partial<SimConfig> = {};
  if (st.region) config.region = st.region;
  if (st.accountId) config.accountId = String(st.accountId);
  if (st.seed !== undefined) config.seed = st.seed;
  if (st.taskStartDelaySeconds !== undefined) config.taskStartDelayMs = st.taskStartDelaySeconds * 1000;
  if (st.healthCheckDelaySeconds !== undefined) config.healthCheckDelayMs = st.healthCheckDelaySeconds * 1000;
  if (st.deregistrationDelaySeconds !== undefined) config.deregistrationDelayMs = st.deregistrationDelaySeconds * 1000;
  if (st.requestsPerSecond !== undefined) config.requestsPerSecond = st.requestsPerSecond;
  if (st.metricsDelaySeconds !== undefined) config.metricsDelayMs = st.metricsDelaySeconds * 1000;
  if (st.datadogApiKeys) config.datadogApiKeys = st.datadogApiKeys;
  if (st.datadogAppKeys) config.datadogAppKeys = st.datadogAppKeys;
  const startTime = st.startTime === undefined ? undefined : typeof st.startTime === "number" ? st.startTime : Date.parse(st.startTime);
  return { config, timeScale: st.timeScale, startTime };
}

function forwardAction(tgArns: Map<string, string>, weights: Record<string, number>, where: string) {
  const TargetGroups = Object.entries(weights).map(([name, Weight]) => {
    const arn = tgArns.get(name);
    if (!arn) throw new Error(`scenario: ${where} forwards to unknown target group "${name}"`);
    return { TargetGroupArn: arn, Weight };
  });
  return [{ Type: "forward", ForwardConfig: { TargetGroups } }];
}

/** Mark a task set's tasks as long running and healthy (the world before the scenario starts). */
function settle(s: SimState, taskSetArn: string): void {
  const set = s.taskSets.get(taskSetArn);
  if (!set) return;
  const now = s.clock.now();
  // running and healthy for the last hour, so "previous" windows have data too
  const start = now - SETTLED_HISTORY_MS;
  for (const arn of set.liveTasks) {
    const task = s.tasks.get(arn);
    if (!task) continue;
    task.createdAt = start - s.config.taskStartDelayMs;
    task.startAt = start;
    for (const r of task.registrations) {
      const rec = s.targetGroups.get(r.targetGroupArn)?.targets.findLast((x) => x.id === r.id && x.port === r.port);
      if (rec) rec.registeredAt = start;
    }
  }
  set.createdAt = set.updatedAt = start - s.config.taskStartDelayMs;
  reconcile(s, now);
}

export function applyScenario(s: SimState, sc: Scenario): void {
  const where = (what: string, e: unknown) => new Error(`scenario: ${what}: ${(e as Error).message}`);
  for (const name of sc.clusters ?? []) createCluster(s, { clusterName: name.includes(":cluster/") ? name.split(":cluster/")[1] : name });
  for (const td of sc.taskDefinitions ?? []) {
    const { family, image, containerName, containerPort, launchType, behaviour, containerDefinitions, ...rest } = td;
    const fargate = (launchType ?? "FARGATE") === "FARGATE";
    const input: Record<string, unknown> = {
      family,
      networkMode: td.networkMode ?? "awsvpc",
      requiresCompatibilities: fargate ? ["FARGATE"] : ["EC2"],
      cpu: td.cpu ?? "256",
      memory: td.memory ?? "512",
      ...rest,
      containerDefinitions: containerDefinitions ?? [
        { name: containerName ?? family, image, essential: true, portMappings: [{ containerPort: containerPort ?? 80, protocol: "tcp" }] },
      ],
    };
    try {
      const out = registerTaskDefinition(s, input) as { taskDefinition: { family: string; revision: number } };
      if (behaviour) setBehaviour(s, `${out.taskDefinition.family}:${out.taskDefinition.revision}`, behaviour, 0);
    } catch (e) {
      throw where(`task definition ${family}`, e);
    }
  }
  for (const [key, behaviour] of Object.entries(sc.behaviours ?? {})) setBehaviour(s, key, behaviour, 0);
  const tgArns = new Map<string, string>();
  for (const lbDef of sc.loadBalancers ?? []) {
    try {
      const lb = (createLoadBalancer(s, { Name: lbDef.name, Type: lbDef.type ?? "application", Subnets: lbDef.subnets ?? ["subnet-sim-a", "subnet-sim-b"] }) as any).LoadBalancers[0];
      const stored = s.loadBalancers.get(lb.LoadBalancerArn)!;
      if (lbDef.requestsPerSecond !== undefined) stored.rps = [{ at: 0, rps: lbDef.requestsPerSecond }];
      else stored.rps = [{ at: 0, rps: s.config.requestsPerSecond }];
      for (const tg of lbDef.targetGroups ?? []) {
        const out = createTargetGroup(s, {
          Name: tg.name,
          Protocol: tg.protocol ?? (lbDef.type === "network" ? "TCP" : "HTTP"),
          Port: String(tg.port ?? 80),
          VpcId: stored.vpcId,
          TargetType: tg.targetType ?? "ip",
          ...(tg.healthCheckPath ? { HealthCheckPath: tg.healthCheckPath } : {}),
        }, tg.id) as any;
        tgArns.set(tg.name, out.TargetGroups[0].TargetGroupArn);
      }
      for (const l of lbDef.listeners ?? []) {
        const listener = (createListener(s, {
          LoadBalancerArn: stored.arn,
          Port: String(l.port),
          Protocol: l.protocol ?? "HTTP",
          DefaultActions: forwardAction(tgArns, l.defaultForward, `listener ${l.port}`) as any,
        }) as any).Listeners[0];
        for (const r of l.rules ?? []) {
          const Conditions: any[] = [];
          if (r.pathPatterns) Conditions.push({ Field: "path-pattern", PathPatternConfig: { Values: r.pathPatterns } });
          if (r.hostHeaders) Conditions.push({ Field: "host-header", HostHeaderConfig: { Values: r.hostHeaders } });
          createRule(s, { ListenerArn: listener.ListenerArn, Priority: String(r.priority), Conditions, Actions: forwardAction(tgArns, r.forward, `rule ${r.priority}`) as any });
        }
      }
      // everything created "before the scenario starts"
      for (const rule of s.rules.values()) for (const a of rule.actions) a.at = Math.min(a.at, 0);
      for (const rule of s.rules.values()) rule.createdAt = Math.min(rule.createdAt, 0);
      stored.createdAt = 0;
    } catch (e) {
      throw where(`load balancer ${lbDef.name}`, e);
    }
  }
  for (const svc of sc.services ?? []) {
    try {
      const controller = svc.deploymentController ?? "EXTERNAL";
      const networkConfiguration = svc.subnets
        ? { awsvpcConfiguration: { subnets: svc.subnets, securityGroups: svc.securityGroups ?? [], assignPublicIp: svc.assignPublicIp ?? "DISABLED" } }
        : { awsvpcConfiguration: { subnets: ["subnet-sim-a", "subnet-sim-b"], securityGroups: [], assignPublicIp: "DISABLED" } };
      const tags = Object.entries(svc.tags ?? {}).map(([key, value]) => ({ key, value }));
      const lbFor = (tgName: string | undefined, tdRef: string, containerName?: string, containerPort?: number) => {
        if (!tgName) return [];
        const arn = tgArns.get(tgName);
        if (!arn) throw new Error(`unknown target group "${tgName}"`);
        const td = findTaskDefinition(s, tdRef);
        const c = td?.body.containerDefinitions?.[0];
        return [{ targetGroupArn: arn, containerName: containerName ?? c?.name, containerPort: containerPort ?? c?.portMappings?.[0]?.containerPort ?? 80 }];
      };
      if (controller === "ECS") {
        if (!svc.taskDefinition) throw new Error("an ECS-controller service needs taskDefinition");
        createService(s, {
          cluster: svc.cluster ?? "default", serviceName: svc.serviceName, desiredCount: svc.desiredCount ?? 1,
          taskDefinition: svc.taskDefinition, launchType: svc.launchType ?? "FARGATE", networkConfiguration,
          loadBalancers: lbFor(svc.targetGroup, svc.taskDefinition), serviceRegistries: svc.serviceRegistries ?? [], tags,
        });
        for (const set of s.taskSets.values()) if (set.serviceArn.endsWith(`/${svc.serviceName}`)) settle(s, set.arn);
        continue;
      }
      createService(s, {
        cluster: svc.cluster ?? "default", serviceName: svc.serviceName, desiredCount: svc.desiredCount ?? 1,
        deploymentController: { type: "EXTERNAL" }, launchType: svc.launchType ?? "FARGATE", networkConfiguration,
        serviceRegistries: svc.serviceRegistries ?? [], tags,
      });
      const p = svc.primaryTaskSet;
      if (p) {
        const out = createTaskSet(s, {
          cluster: svc.cluster ?? "default", service: svc.serviceName, taskDefinition: p.taskDefinition,
          launchType: svc.launchType ?? "FARGATE", networkConfiguration, externalId: p.externalId,
          loadBalancers: lbFor(p.targetGroup, p.taskDefinition, p.containerName, p.containerPort),
          serviceRegistries: svc.serviceRegistries ?? [], scale: { value: p.scale ?? 100, unit: "PERCENT" },
        }) as { taskSet: { taskSetArn: string } };
        updateServicePrimaryTaskSet(s, { cluster: svc.cluster ?? "default", service: svc.serviceName, primaryTaskSet: out.taskSet.taskSetArn });
        settle(s, out.taskSet.taskSetArn);
      }
    } catch (e) {
      throw where(`service ${svc.serviceName}`, e);
    }
  }
  s.faults = (sc.faults ?? []).map(validateFaultRule);
}
