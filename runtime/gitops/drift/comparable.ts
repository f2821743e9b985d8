// What a deployed app looks like once the noise is taken out, built the same way from Git (the
// compiled graph) and from ECS (DescribeServices / DescribeTaskDefinition answers), so that the
// differ compares like with like. Three parts:
// - service: the servicedef's own settings (desiredCount only when the file sets one above 0,
//   as Kanaria and PipeCD leave the count to auto scaling otherwise; tags without Kanaria's);
// - primaryTaskSet: where and how the running version runs (launch type or capacity providers,
//   platform version, network configuration, scale, target group): for an EXTERNAL service
//   these live on the PRIMARY task set, not on the service;
// - taskDefinition: the primary task set's task definition, by content.
// Normalisation follows PipeCD's drift detector (ignoreParameters): ECS-filled fields dropped
// (revision, registeredAt, requiresAttributes, compatibilities...), defaults applied to Git's
// side (essential true, port protocol tcp, assignPublicIp DISABLED, status ACTIVE), hostPort
// ignored (it has several defaults), subnets and security groups sorted; and order-free lists
// (containers, environment, secrets, port mappings, tags, capacity providers, load balancers)
// keyed. Pure.
import { Keyed } from "./differ.ts";

type Obj = Record<string, any>;

export interface Comparable {
  service: Obj;
  primaryTaskSet: Obj;
  taskDefinition: Obj;
}

/** Tags Kanaria or AWS put on a service themselves; never drift. */
export const isOwnTag = (key: string) => key.startsWith("kanaria:") || key.startsWith("aws:");

const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

function keyed(list: unknown, key: (item: Obj) => string, value: (item: Obj) => unknown = (x) => x): Keyed | undefined {
  if (!Array.isArray(list)) return undefined;
  const out = new Keyed();
  for (const item of list) if (isObj(item)) out.set(key(item), value(item));
  return out;
}

function without(o: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k) && v !== undefined) out[k] = v;
  return out;
}

const sorted = (v: unknown) => (Array.isArray(v) ? [...v].map(String).sort() : v);

export function tagsOf(list: unknown): Keyed {
  const out = new Keyed();
  for (const t of Array.isArray(list) ? list : []) {
    if (!isObj(t) || typeof t.key !== "string" || isOwnTag(t.key)) continue;
    out.set(t.key, String(t.value ?? ""));
  }
  return out;
}

function networkOf(n: unknown, fromGit: boolean): Obj | undefined {
  if (!isObj(n)) return undefined;
  const vpc = n.awsvpcConfiguration;
  if (!isObj(vpc)) return n;
  return {
    ...n,
    awsvpcConfiguration: {
      ...vpc,
      subnets: sorted(vpc.subnets),
      securityGroups: sorted(vpc.securityGroups),
      // DISABLED is ECS's default (PipeCD's drift detector applies it the same way).
      ...(fromGit && !vpc.assignPublicIp ? { assignPublicIp: "DISABLED" } : {}),
    },
  };
}

function containerOf(c: Obj, fromGit: boolean): Obj {
  const out = without(c, ["name", "environment", "secrets", "portMappings"]);
  if (fromGit && out.essential === undefined) out.essential = true;
  const env = keyed(c.environment, (e) => String(e.name), (e) => e.value ?? "");
  const secrets = keyed(c.secrets, (e) => String(e.name), (e) => e.valueFrom ?? "");
  const ports = keyed(
    c.portMappings,
    (p) => `${p.containerPort ?? p.containerPortRange ?? ""}/${p.protocol ?? "tcp"}`,
    // hostPort: ignored, it has several defaults (0, or containerPort for awsvpc/host).
    (p) => without(p, ["hostPort", "containerPort", "protocol", ...(p.containerPortRange ? ["containerPortRange"] : [])]),
  );
  // On Git's side an absent list is an empty one, so a variable or port added on ECS shows.
  if (env || fromGit) out.environment = env ?? new Keyed();
  if (secrets || fromGit) out.secrets = secrets ?? new Keyed();
  if (ports || fromGit) out.portMappings = ports ?? new Keyed();
  return out;
}

/** A task definition (RegisterTaskDefinition input from Git, or DescribeTaskDefinition's answer). */
export function taskDefinitionOf(td: Obj, fromGit: boolean): Obj {
  const out = without(td, [
    "taskDefinitionArn", "revision", "registeredAt", "registeredBy", "deregisteredAt", "requiresAttributes", "compatibilities",
    // Kanaria tags every revision it registers with its deployment; DescribeTaskDefinition leaves tags out unless asked.
    "tags",
    "containerDefinitions",
  ]);
  if (fromGit) out.status = "ACTIVE"; // a deregistered (INACTIVE) live revision is drift
  const containers = keyed(td.containerDefinitions, (c) => String(c.name), (c) => containerOf(c, fromGit));
  if (containers || fromGit) out.containerDefinitions = containers ?? new Keyed();
  return out;
}

/** Where the version runs: launch settings, network, scale and target group of a task set (or of an ECS-controller service). */
export function placementOf(t: Obj, fromGit: boolean): Obj {
  const out: Obj = {};
  const cps = keyed(t.capacityProviderStrategy, (s) => String(s.capacityProvider), (s) => ({ weight: s.weight ?? 0, base: s.base ?? 0 }));
  if (cps?.size) out.capacityProviderStrategy = cps;
  else if (t.launchType) out.launchType = t.launchType;
  if (t.platformVersion) out.platformVersion = t.platformVersion;
  const net = networkOf(t.networkConfiguration, fromGit);
  if (net) out.networkConfiguration = net;
  if (t.scale !== undefined) out.scale = isObj(t.scale) ? t.scale.value : t.scale;
  const lbs = keyed(t.loadBalancers, (l) => String(l.targetGroupArn ?? l.loadBalancerName), (l) => without(l, ["targetGroupArn"]));
  if (lbs?.size || (fromGit && lbs)) out.loadBalancers = lbs;
  const regs = keyed(t.serviceRegistries, (r) => String(r.registryArn), (r) => without(r, ["registryArn"]));
  if (regs?.size || (fromGit && regs)) out.serviceRegistries = regs;
  return out;
}

/** Servicedef keys that are not service settings to compare (lookup keys, task-set placement, write-only inputs). */
const NOT_SERVICE_SETTINGS = [
  "cluster", "clusterArn", "serviceName", "serviceArn", "taskDefinition", "loadBalancers", "serviceRegistries", "clientToken",
  "launchType", "capacityProviderStrategy", "platformVersion", "networkConfiguration", "serviceConnectConfiguration",
  "volumeConfigurations", "role", "tags", "desiredCount", "status",
];

/** The service settings a servicedef asks for, as DescribeServices names them. */
export function serviceSettingsOf(def: Obj): Obj {
  const out = without(def, NOT_SERVICE_SETTINGS);
  const given = Number(def.desiredCount ?? 0);
  if (given > 0) out.desiredCount = given;
  const role = def.role ?? def.roleArn;
  if (role) out.roleArn = role;
  // Kanaria sends both flags on every update (as PipeCD does): absent means off.
  out.enableExecuteCommand = def.enableExecuteCommand === true;
  out.enableECSManagedTags = def.enableECSManagedTags === true;
  out.tags = tagsOf(def.tags);
  return out;
}

/** The live service's settings (every field: the differ only looks at those Git names). */
export function liveServiceSettingsOf(svc: Obj): Obj {
  return { ...without(svc, ["taskSets", "deployments", "events", "tags"]), tags: tagsOf(svc.tags) };
}
