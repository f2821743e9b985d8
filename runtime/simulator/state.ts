// The simulator's whole world, in memory. Plain data plus small lookup helpers; the ECS, ELBv2
// and metrics modules are functions over this object, so tests can build and inspect it directly.

import { createClock, type SimClock } from "./clock.ts";
import type { FaultRule } from "./faults.ts";
import { hex, seededRandom, uuid } from "./random.ts";

export interface Tag {
  key: string;
  value?: string;
}

/** How a task definition revision (or image) behaves under traffic. */
export interface Behaviour {
  /** Fraction of requests answered 5xx by the target (0..1). */
  errorRate?: number;
  /** Mean target response time in milliseconds. */
  latencyMs?: number;
  /** Targets fail their health check (never healthy; ALB fails open if no target is healthy). */
  unhealthy?: boolean;
}

export interface SimConfig {
  region: string;
  accountId: string;
  seed: number;
  /** Simulated ms from task creation to RUNNING. */
  taskStartDelayMs: number;
  /** Simulated ms from RUNNING to the target passing its health check. */
  healthCheckDelayMs: number;
  /** Simulated ms a deregistered target drains, and a deleted task set / service stays DRAINING. */
  deregistrationDelayMs: number;
  /** Default requests per second per load balancer. */
  requestsPerSecond: number;
  /** Metrics younger than this (simulated ms) are not served yet (Datadog's AWS lag). */
  metricsDelayMs: number;
  /** Behaviour of revisions with none configured. */
  defaultBehaviour: Required<Behaviour>;
  /** API keys the Datadog endpoint accepts; empty = any non-empty key. */
  datadogApiKeys: string[];
  datadogAppKeys: string[];
}

export const defaultConfig: SimConfig = {
  region: "us-east-1",
  accountId: "123456789012",
  seed: 1,
  taskStartDelayMs: 30_000,
  healthCheckDelayMs: 10_000,
  deregistrationDelayMs: 30_000,
  requestsPerSecond: 20,
  metricsDelayMs: 0,
  defaultBehaviour: { errorRate: 0, latencyMs: 25, unhealthy: false },
  datadogApiKeys: [],
  datadogAppKeys: [],
};

// ---------------------------------------------------------------- ECS

export interface Cluster {
  arn: string;
  name: string;
  status: "ACTIVE" | "INACTIVE";
  createdAt: number;
  tags: Tag[];
  settings: Array<{ name: string; value: string }>;
  capacityProviders: string[];
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: "ACTIVE" | "INACTIVE";
  registeredAt: number;
  deregisteredAt?: number;
  /** The RegisterTaskDefinition input, minus tags. */
  body: Record<string, any>;
  tags: Tag[];
}

export interface Service {
  arn: string;
  name: string;
  clusterArn: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  desiredCount: number;
  controller: "ECS" | "EXTERNAL" | "CODE_DEPLOY";
  /** Everything else from CreateService/UpdateService that is echoed back. */
  props: Record<string, any>;
  tags: Tag[];
  createdAt: number;
  deletedAt?: number;
}

export type TaskSetStatus = "PRIMARY" | "ACTIVE" | "DRAINING";

export interface TaskSet {
  id: string;
  arn: string;
  serviceArn: string;
  clusterArn: string;
  /** false for the deployments the ECS controller manages itself. */
  external: boolean;
  status: TaskSetStatus;
  taskDefinitionArn: string;
  scale: { value: number; unit: "PERCENT" };
  /** launchType, networkConfiguration, loadBalancers, serviceRegistries, platformVersion... */
  props: Record<string, any>;
  externalId?: string;
  startedBy?: string;
  tags: Tag[];
  createdAt: number;
  updatedAt: number;
  stabilityStatus: "STEADY_STATE" | "STABILIZING";
  stabilityStatusAt: number;
  drainingSince?: number;
  /** ARNs of this task set's tasks that have not stopped, oldest first. */
  liveTasks: string[];
}

export interface Task {
  id: string;
  arn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  taskSetId?: string;
  serviceArn?: string;
  group: string;
  startedBy?: string;
  launchType?: string;
  createdAt: number;
  /** When it becomes RUNNING. */
  startAt: number;
  stoppedAt?: number;
  stoppedReason?: string;
  ip: string;
  availabilityZone: string;
  tags: Tag[];
  overrides?: Record<string, any>;
  /** Target group registrations made for this task (deregistered when it stops). */
  registrations: Array<{ targetGroupArn: string; id: string; port: number }>;
  clientToken?: string;
}

// ---------------------------------------------------------------- ELBv2

export interface LoadBalancer {
  arn: string;
  name: string;
  id: string;
  type: "application" | "network";
  scheme: string;
  dnsName: string;
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
  createdAt: number;
  tags: Tag[];
  /** Request rate over time (requests/s), used by the traffic model. */
  rps: Array<{ at: number; rps: number }>;
}

export interface TargetRecord {
  id: string;
  port: number;
  availabilityZone: string;
  registeredAt: number;
  deregisteredAt?: number;
  /** Behaviour lookup keys, most specific first (`family:revision`, image...). */
  behaviourKeys: string[];
}

export interface TargetGroup {
  arn: string;
  name: string;
  id: string;
  protocol?: string;
  port?: number;
  vpcId?: string;
  targetType: string;
  props: Record<string, any>;
  createdAt: number;
  tags: Tag[];
  /** Append-only registration history; live targets have no deregisteredAt (or a future one). */
  targets: TargetRecord[];
}

export interface WeightedTarget {
  targetGroupArn: string;
  weight: number;
}

/** A normalized ELBv2 action (the wire shape, PascalCase), stored as given. */
export type ElbAction = Record<string, any>;

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port?: number;
  protocol?: string;
  props: Record<string, any>;
  defaultRuleArn: string;
}

export interface Rule {
  arn: string;
  listenerArn: string;
  priority: string; // "default" or a number as text, as ELBv2 returns it
  isDefault: boolean;
  conditions: Array<Record<string, any>>;
  /** Action history; the last entry is current. Traffic is computed from this history. */
  actions: Array<{ at: number; actions: ElbAction[] }>;
  createdAt: number;
  tags: Tag[];
}

export interface SimState {
  config: SimConfig;
  clock: SimClock;
  /** Ids and names. */
  rand: () => number;
  /** Fault decisions (separate stream so faults do not shift ids). */
  faultRand: () => number;
  faults: FaultRule[];
  behaviours: Array<{ at: number; key: string; behaviour: Behaviour }>;
  clusters: Map<string, Cluster>; // by ARN
  taskDefinitions: Map<string, TaskDefinition>; // by ARN
  services: Map<string, Service>; // by ARN
  taskSets: Map<string, TaskSet>; // by ARN
  tasks: Map<string, Task>; // by ARN
  loadBalancers: Map<string, LoadBalancer>;
  targetGroups: Map<string, TargetGroup>;
  listeners: Map<string, Listener>;
  rules: Map<string, Rule>;
  /** clientToken idempotency: key -> digest of the request and the ARN it created. */
  clientTokens: Map<string, { digest: string; arn: string }>;
  /** Operation counters, for /_sim/state. */
  calls: Record<string, number>;
  /**
   * Every AWS request (newest last, the latest REQUEST_LOG_LIMIT): real time, operation and the
   * caller's SDK app id (`AWS_SDK_UA_APP_ID`), so a test can tell which process called.
   */
  requestLog: SimRequest[];
  /** Calls that took effect and then had their answer lost (apply-then faults), per `service:operation`. */
  lostAnswers: Record<string, number>;
  ipCounter: number;
}

export interface SimRequest {
  /** Real epoch ms the request arrived. */
  at: number;
  service: string;
  operation: string;
  /** The SDK's app id from its user agent (`app/ID`), or null. */
  caller: string | null;
}

export const REQUEST_LOG_LIMIT = 500_000;

export function createState(config: Partial<SimConfig> = {}, clock?: SimClock): SimState {
  const full: SimConfig = { ...defaultConfig, ...config, defaultBehaviour: { ...defaultConfig.defaultBehaviour, ...config.defaultBehaviour } };
  return {
    config: full,
    clock: clock ?? createClock(),
    rand: seededRandom(full.seed),
    faultRand: seededRandom(full.seed ^ 0x5eed),
    faults: [],
    behaviours: [],
    clusters: new Map(),
    taskDefinitions: new Map(),
    services: new Map(),
    taskSets: new Map(),
    tasks: new Map(),
    loadBalancers: new Map(),
    targetGroups: new Map(),
    listeners: new Map(),
    rules: new Map(),
    clientTokens: new Map(),
    calls: {},
    requestLog: [],
    lostAnswers: {},
    ipCounter: 0,
  };
}

// ---------------------------------------------------------------- ids and ARNs

export const ecsArn = (s: SimState, resource: string) => `arn:aws:ecs:${s.config.region}:${s.config.accountId}:${resource}`;
export const elbArn = (s: SimState, resource: string) =>
  `arn:aws:elasticloadbalancing:${s.config.region}:${s.config.accountId}:${resource}`;
export const newHex = (s: SimState, n: number) => hex(s.rand, n);
export const newUuid = (s: SimState) => uuid(s.rand);
/** ECS task set ids look like `ecs-svc/1234567890123456789`. */
export const newTaskSetId = (s: SimState) => `ecs-svc/${Array.from({ length: 19 }, () => Math.floor(s.rand() * 10)).join("")}`;

export function nextIp(s: SimState): string {
  const n = s.ipCounter++;
  return `10.0.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
}

export function availabilityZone(s: SimState, n: number): string {
  return `${s.config.region}${"abc"[n % 3]}`;
}

/** A stable digest of a request, for clientToken comparisons. */
export function digest(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** The behaviour in force for a set of lookup keys at simulated time `at`. */
export function behaviourAt(s: SimState, keys: string[], at: number): Required<Behaviour> {
  for (const key of keys) {
    let found: Behaviour | undefined;
    for (const entry of s.behaviours) {
      if (entry.key === key && entry.at <= at) found = entry.behaviour;
    }
    if (found) return { ...s.config.defaultBehaviour, ...found };
  }
  return s.config.defaultBehaviour;
}

export function setBehaviour(s: SimState, key: string, behaviour: Behaviour, at = s.clock.now()): void {
  if (behaviour.errorRate !== undefined && !(behaviour.errorRate >= 0 && behaviour.errorRate <= 1)) {
    throw new Error("errorRate must be in 0..1");
  }
  if (behaviour.latencyMs !== undefined && !(behaviour.latencyMs >= 0)) throw new Error("latencyMs must be >= 0");
  s.behaviours.push({ at, key, behaviour: { ...behaviour } });
}
