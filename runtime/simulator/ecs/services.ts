// ECS services: CreateService, UpdateService, DescribeServices, DeleteService. The input checks
// shared with task sets and RunTask are in launch-checks.ts, the lookups in service-lookups.ts.

import { ecsErrors } from "../errors.ts";
import { digest, ecsArn, newTaskSetId, type Service, type SimState, type TaskDefinition, type TaskSet } from "../state.ts";
import { resolveCluster } from "./clusters.ts";
import { checkLaunchOptions, checkLoadBalancers } from "./launch-checks.ts";
import { findService, serviceTaskSets } from "./service-lookups.ts";
import { resolveTaskDefinition } from "./task-definitions.ts";
import { computedDesiredCount, reconcile, taskSetCounts, taskSetView } from "./task-sets.ts";
import { checkTags, compact, type Input, lastSegment, optionalInt, requireString, epochSeconds, wantsTags } from "./util.ts";

const CREATE_PROPS = [
  "loadBalancers", "serviceRegistries", "launchType", "capacityProviderStrategy", "platformVersion", "role",
  "deploymentConfiguration", "placementConstraints", "placementStrategy", "networkConfiguration",
  "healthCheckGracePeriodSeconds", "schedulingStrategy", "enableECSManagedTags", "propagateTags",
  "enableExecuteCommand", "availabilityZoneRebalancing", "taskDefinition",
];

/** Start (or replace) the deployment of an ECS-controller service. */
function newDeployment(s: SimState, svc: Service, td: TaskDefinition): void {
  const now = s.clock.now();
  for (const old of serviceTaskSets(s, svc)) if (old.status === "PRIMARY") old.status = "ACTIVE";
  const id = newTaskSetId(s);
  const set: TaskSet = {
    id,
    arn: ecsArn(s, `task-set/${lastSegment(svc.clusterArn)}/${svc.name}/${id}`),
    serviceArn: svc.arn,
    clusterArn: svc.clusterArn,
    external: false,
    status: "PRIMARY",
    taskDefinitionArn: td.arn,
    scale: { value: 100, unit: "PERCENT" },
    props: {
      launchType: svc.props.launchType,
      capacityProviderStrategy: svc.props.capacityProviderStrategy,
      platformVersion: svc.props.platformVersion,
      networkConfiguration: svc.props.networkConfiguration,
      loadBalancers: svc.props.loadBalancers ?? [],
      serviceRegistries: svc.props.serviceRegistries ?? [],
    },
    startedBy: "ecs-svc",
    tags: [],
    createdAt: now,
    updatedAt: now,
    stabilityStatus: "STABILIZING",
    stabilityStatusAt: now,
    liveTasks: [],
  };
  s.taskSets.set(set.arn, set);
}

export function createService(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const name = requireString(input, "serviceName");
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw ecsErrors.invalidParameter("Service name can contain up to 255 letters, numbers, hyphens and underscores.");
  }
  const controller = input.deploymentController?.type ?? "ECS";
  if (!["ECS", "EXTERNAL", "CODE_DEPLOY"].includes(controller)) throw ecsErrors.invalidParameter(`Invalid deployment controller type: ${controller}`);
  const scheduling = input.schedulingStrategy ?? "REPLICA";
  if (controller !== "ECS" && scheduling === "DAEMON") {
    throw ecsErrors.invalidParameter("The DAEMON scheduling strategy is only supported with the ECS deployment controller.");
  }
  if (controller === "EXTERNAL" && input.serviceConnectConfiguration?.enabled) {
    throw ecsErrors.invalidParameter("Service Connect is not supported for services that use the EXTERNAL deployment controller.");
  }
  const desiredCount = optionalInt(input, "desiredCount", 0, 100000) ?? 0;
  let td: TaskDefinition | undefined;
  if (input.taskDefinition !== undefined) td = resolveTaskDefinition(s, requireString(input, "taskDefinition"));
  else if (controller !== "EXTERNAL") throw ecsErrors.invalidParameter("TaskDefinition can not be blank.");
  checkLaunchOptions(input, td, controller !== "EXTERNAL");
  const loadBalancers = checkLoadBalancers(s, input.loadBalancers, controller === "EXTERNAL" ? undefined : td, 5);
  const tags = checkTags(input.tags);
  const arn = ecsArn(s, `service/${cluster.name}/${name}`);
  const { clientToken, ...params } = input;
  const existing = s.services.get(arn);
  if (existing && existing.status !== "INACTIVE") {
    const prior = clientToken ? s.clientTokens.get(`CreateService:${arn}:${clientToken}`) : undefined;
    if (prior && prior.digest === digest(params)) return { service: serviceView(s, existing, true) };
    throw ecsErrors.invalidParameter("Creation of service was not idempotent.");
  }
  const props: Record<string, any> = {};
  for (const key of CREATE_PROPS) if (input[key] !== undefined) props[key] = input[key];
  props.loadBalancers = loadBalancers;
  props.serviceRegistries = input.serviceRegistries ?? [];
  props.schedulingStrategy = scheduling;
  if (td) props.taskDefinition = td.arn;
  const svc: Service = { arn, name, clusterArn: cluster.arn, status: "ACTIVE", desiredCount, controller, props, tags, createdAt: s.clock.now() };
  // a re-created service starts clean
  for (const old of [...s.taskSets.values()]) if (old.serviceArn === arn) s.taskSets.delete(old.arn);
  s.services.set(arn, svc);
  if (clientToken) s.clientTokens.set(`CreateService:${arn}:${clientToken}`, { digest: digest(params), arn });
  if (controller === "ECS" && td) newDeployment(s, svc, td);
  reconcile(s);
  return { service: serviceView(s, svc, true) };
}

/**
 * What UpdateService may change on an EXTERNAL service (the rest needs a new task set). ECS also
 * takes enableExecuteCommand there, though the API reference leaves it out of its list (PipeCD
 * sends it on every update; aws-cdk issue 31181).
 */
const EXTERNAL_UPDATABLE = new Set([
  "cluster", "service", "desiredCount", "placementConstraints", "placementStrategy", "healthCheckGracePeriodSeconds",
  "enableECSManagedTags", "propagateTags", "deploymentConfiguration", "enableExecuteCommand",
]);

export function updateService(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const svc = findService(s, cluster.arn, requireString(input, "service"));
  if (!svc) throw ecsErrors.serviceNotFound();
  if (svc.status !== "ACTIVE") throw ecsErrors.serviceNotActive();
  const desiredCount = optionalInt(input, "desiredCount", 0, 100000);
  if (svc.controller !== "ECS") {
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined || value === null || EXTERNAL_UPDATABLE.has(key)) continue;
      if (key === "forceNewDeployment" && value === false) continue;
      throw ecsErrors.invalidParameter(
        `Unable to update ${key} on a service that uses the ${svc.controller} deployment controller. Only desiredCount, placement, healthCheckGracePeriodSeconds, execute command and tag propagation can be updated; use a new task set for anything else.`,
      );
    }
  }
  let td: TaskDefinition | undefined;
  if (input.taskDefinition !== undefined) td = resolveTaskDefinition(s, requireString(input, "taskDefinition"));
  if (input.capacityProviderStrategy !== undefined && input.launchType !== undefined) checkLaunchOptions(input, undefined, false);
  const merged = { ...svc.props, ...input };
  const currentTd = td ?? (svc.props.taskDefinition ? s.taskDefinitions.get(svc.props.taskDefinition) : undefined);
  if (svc.controller === "ECS") {
    checkLaunchOptions({ ...merged, launchType: input.capacityProviderStrategy ? undefined : merged.launchType }, currentTd, true);
    if (input.loadBalancers !== undefined) checkLoadBalancers(s, input.loadBalancers, currentTd, 5);
  }
  if (desiredCount !== undefined) svc.desiredCount = desiredCount;
  const redeploy = svc.controller === "ECS" &&
    (td !== undefined || input.forceNewDeployment === true || input.networkConfiguration !== undefined ||
      input.loadBalancers !== undefined || input.platformVersion !== undefined || input.capacityProviderStrategy !== undefined ||
      input.serviceRegistries !== undefined);
  for (const key of CREATE_PROPS) if (input[key] !== undefined && key !== "taskDefinition") svc.props[key] = input[key];
  if (td) svc.props.taskDefinition = td.arn;
  if (redeploy && currentTd) newDeployment(s, svc, currentTd);
  reconcile(s);
  return { service: serviceView(s, svc, true) };
}

export function deleteService(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const svc = findService(s, cluster.arn, requireString(input, "service"));
  if (!svc || svc.status === "INACTIVE") throw ecsErrors.serviceNotFound();
  if (svc.status === "ACTIVE") {
    if (svc.desiredCount > 0 && svc.props.schedulingStrategy !== "DAEMON" && input.force !== true) {
      throw ecsErrors.invalidParameter("The service cannot be stopped while it is scaled above 0.");
    }
    const now = s.clock.now();
    svc.status = "DRAINING";
    svc.desiredCount = 0;
    svc.deletedAt = now;
    for (const set of serviceTaskSets(s, svc)) {
      if (set.status !== "DRAINING") {
        set.status = "DRAINING";
        set.drainingSince = now;
        set.updatedAt = now;
      }
    }
    reconcile(s);
  }
  return { service: serviceView(s, svc, true) };
}

export function describeServices(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const refs = input.services;
  if (!Array.isArray(refs) || refs.length === 0) throw ecsErrors.invalidParameter("Services cannot be empty.");
  if (refs.length > 10) throw ecsErrors.invalidParameter("services can have at most 10 items.");
  const services = [];
  const failures = [];
  for (const ref of refs) {
    const svc = findService(s, cluster.arn, String(ref));
    if (svc) services.push(serviceView(s, svc, wantsTags(input)));
    else failures.push({ arn: String(ref).startsWith("arn:") ? String(ref) : ecsArn(s, `service/${cluster.name}/${ref}`), reason: "MISSING" });
  }
  return { services, failures };
}

export function serviceView(s: SimState, svc: Service, withTags: boolean) {
  const sets = serviceTaskSets(s, svc);
  const now = s.clock.now();
  let running = 0;
  let pending = 0;
  for (const set of sets) {
    const c = taskSetCounts(s, set, now);
    running += c.running;
    pending += c.pending;
  }
  const primary = sets.find((t) => t.status === "PRIMARY");
  const p = svc.props;
  const deployments =
    svc.controller === "ECS"
      ? sets
          .filter((t) => t.status !== "DRAINING")
          .map((t) => {
            const c = taskSetCounts(s, t, now);
            return compact({
              id: t.id,
              status: t.status,
              taskDefinition: t.taskDefinitionArn,
              desiredCount: computedDesiredCount(s, t),
              pendingCount: c.pending,
              runningCount: c.running,
              failedTasks: 0,
              createdAt: epochSeconds(t.createdAt),
              updatedAt: epochSeconds(t.updatedAt),
              launchType: t.props.launchType,
              capacityProviderStrategy: t.props.capacityProviderStrategy,
              platformVersion: t.props.platformVersion,
              networkConfiguration: t.props.networkConfiguration,
              rolloutState: t.status === "PRIMARY" && t.stabilityStatus === "STEADY_STATE" ? "COMPLETED" : "IN_PROGRESS",
              rolloutStateReason:
                t.status === "PRIMARY" && t.stabilityStatus === "STEADY_STATE"
                  ? "ECS deployment ecs-svc completed."
                  : "ECS deployment ecs-svc in progress.",
            });
          })
      : [];
  return compact({
    serviceArn: svc.arn,
    serviceName: svc.name,
    clusterArn: svc.clusterArn,
    loadBalancers: p.loadBalancers ?? [],
    serviceRegistries: p.serviceRegistries ?? [],
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: running,
    pendingCount: pending,
    launchType: p.launchType,
    capacityProviderStrategy: p.capacityProviderStrategy,
    platformVersion: p.platformVersion,
    taskDefinition: primary?.taskDefinitionArn ?? p.taskDefinition,
    deploymentConfiguration: p.deploymentConfiguration ?? { maximumPercent: 200, minimumHealthyPercent: 100 },
    taskSets: svc.controller !== "ECS" ? sets.map((t) => taskSetView(s, t, false)) : undefined,
    deployments,
    roleArn: p.role,
    events: [],
    createdAt: epochSeconds(svc.createdAt),
    placementConstraints: p.placementConstraints ?? [],
    placementStrategy: p.placementStrategy ?? [],
    networkConfiguration: p.networkConfiguration,
    healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
    schedulingStrategy: p.schedulingStrategy ?? "REPLICA",
    deploymentController: { type: svc.controller },
    tags: withTags ? svc.tags : undefined,
    createdBy: `arn:aws:iam::${s.config.accountId}:user/simulator`,
    enableECSManagedTags: p.enableECSManagedTags ?? false,
    propagateTags: p.propagateTags ?? "NONE",
    enableExecuteCommand: p.enableExecuteCommand ?? false,
  });
}
