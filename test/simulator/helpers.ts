// Shared setup for the simulator tests. By default each test file starts an in-process
// simulator on a free port. With KANARIA_TEST_AWS_ENDPOINT (and KANARIA_TEST_DATADOG_ENDPOINT)
// set, the same tests run against that endpoint instead; tests that need the simulator's
// /_sim/ control API are skipped in that mode.

import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { client, v1 } from "../helpers/datadog-client.ts";
import { env } from "../../runtime/platform/index.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../runtime/simulator/index.ts";

export const externalAws = env("KANARIA_TEST_AWS_ENDPOINT");
export const externalDatadog = env("KANARIA_TEST_DATADOG_ENDPOINT");
export const region = env("KANARIA_TEST_AWS_REGION") ?? "us-east-1";

/** `{skip: reason}` when the test needs the in-process simulator's control API. */
export const needsSim = externalAws
  ? { skip: "KANARIA_TEST_AWS_ENDPOINT is set: this test needs the simulator's /_sim/ control endpoints" }
  : {};
export const needsSimDatadog = externalAws || externalDatadog
  ? { skip: "an external endpoint is set: this test needs the simulator's /_sim/ control endpoints and traffic model" }
  : {};

const list = (v: string | undefined) => v?.split(",").map((x) => x.trim()).filter(Boolean);

/**
 * The network the test world uses. Against a real account (or another implementation) the
 * subnets and security groups must exist: KANARIA_TEST_SUBNETS, KANARIA_TEST_SECURITY_GROUPS
 * (comma-separated) and KANARIA_TEST_VPC_ID name them. Otherwise ids of the shape AWS gives.
 */
export const testNetwork = {
  vpcId: env("KANARIA_TEST_VPC_ID"),
  subnets: list(env("KANARIA_TEST_SUBNETS")) ?? ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
  securityGroups: list(env("KANARIA_TEST_SECURITY_GROUPS")) ?? ["sg-0123456789abcdef0"],
};

const credentials = { accessKeyId: env("KANARIA_TEST_AWS_ACCESS_KEY_ID") ?? "test", secretAccessKey: env("KANARIA_TEST_AWS_SECRET_ACCESS_KEY") ?? "test" };

export interface Harness {
  sim?: Simulator;
  awsUrl: string;
  datadogUrl: string;
  ecs(options?: { maxAttempts?: number }): ECSClient;
  elb(options?: { maxAttempts?: number }): ElasticLoadBalancingV2Client;
  metrics(keys?: { api?: string; app?: string }): v1.MetricsApi;
  /** POST/GET a /_sim/ control endpoint. */
  control(path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const sim = externalAws ? undefined : await startSimulator({ seed: 7, ...options });
  const awsUrl = externalAws ?? sim!.url;
  const datadogUrl = externalDatadog ?? sim?.url ?? awsUrl;
  return {
    sim,
    awsUrl,
    datadogUrl,
    ecs: (o = {}) => new ECSClient({ region, endpoint: awsUrl, credentials, maxAttempts: o.maxAttempts ?? 3 }),
    elb: (o = {}) => new ElasticLoadBalancingV2Client({ region, endpoint: awsUrl, credentials, maxAttempts: o.maxAttempts ?? 3 }),
    metrics: (keys = {}) =>
      new v1.MetricsApi(
        client.createConfiguration({
          authMethods: { apiKeyAuth: keys.api ?? env("DD_API_KEY") ?? "test-api-key", appKeyAuth: keys.app ?? env("DD_APP_KEY") ?? "test-app-key" },
          baseServer: new client.BaseServerConfiguration(datadogUrl, {}),
        }),
      ),
    async control(path: string, body?: unknown) {
      const res = await fetch(`${awsUrl}/_sim/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
      const json = await res.json();
      if (!res.ok) throw new Error(`/_sim/${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    close: async () => {
      await sim?.close();
    },
  };
}

/** A short unique suffix so runs against a shared endpoint do not collide. */
export const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** How long `eventually` waits: minutes against a real account, where tasks take that long to start. */
const EVENTUALLY_MS = Number(env("KANARIA_TEST_WAIT_MS") ?? (externalAws ? 600_000 : 30_000));

/** Poll until `check` returns a value, or fail after `timeoutMs` (real time). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = EVENTUALLY_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Expect a promise to reject with an SDK error of the given name. */
export async function rejectsWith(p: Promise<unknown>, name: string, message?: RegExp): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    if (e?.name !== name) throw new Error(`expected ${name}, got ${e?.name}: ${e?.message}`);
    if (message && !message.test(e.message)) throw new Error(`${name} message "${e.message}" does not match ${message}`);
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";

export interface World {
  cluster: string;
  service: string;
  family: string;
  td1: string;
  td2: string;
  lbArn: string;
  listenerArn: string;
  primaryTg: string;
  canaryTg: string;
  network: { awsvpcConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: "DISABLED" } };
}

/** Cluster, two revisions, an ALB with primary/canary target groups at 100/0, an EXTERNAL service. */
export async function buildWorld(h: Harness, desiredCount = 4): Promise<World> {
  const ecs = h.ecs();
  const elb = h.elb();
  const cluster = unique("c");
  const family = unique("web");
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const register = (image: string) =>
    ecs.send(new RegisterTaskDefinitionCommand({
      family, networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512",
      containerDefinitions: [{ name: "web", image, essential: true, portMappings: [{ containerPort: 80 }] }],
    }));
  const td1 = (await register("nginx:1.25")).taskDefinition!.taskDefinitionArn!;
  const td2 = (await register("nginx:1.26")).taskDefinition!.taskDefinitionArn!;
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: unique("alb"), Subnets: testNetwork.subnets, SecurityGroups: testNetwork.securityGroups }))).LoadBalancers![0];
  const tg = async (name: string) =>
    (await elb.send(new CreateTargetGroupCommand({ Name: unique(name), Protocol: "HTTP", Port: 80, VpcId: testNetwork.vpcId ?? lb.VpcId, TargetType: "ip" }))).TargetGroups![0].TargetGroupArn!;
  const primaryTg = await tg("primary");
  const canaryTg = await tg("canary");
  const listener = (await elb.send(new CreateListenerCommand({
    LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: 80,
    DefaultActions: [{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: primaryTg, Weight: 100 }, { TargetGroupArn: canaryTg, Weight: 0 }] } }],
  }))).Listeners![0];
  const service = unique("svc");
  await ecs.send(new CreateServiceCommand({
    cluster, serviceName: service, desiredCount, deploymentController: { type: "EXTERNAL" }, launchType: "FARGATE",
  }));
  return {
    cluster, service, family, td1, td2, lbArn: lb.LoadBalancerArn!, listenerArn: listener.ListenerArn!, primaryTg, canaryTg,
    network: { awsvpcConfiguration: { subnets: testNetwork.subnets, securityGroups: testNetwork.securityGroups, assignPublicIp: "DISABLED" } },
  };
}
