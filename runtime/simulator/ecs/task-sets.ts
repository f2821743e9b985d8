// ECS task sets (EXTERNAL deployment controller): Create/Update/Describe/Delete,
// UpdateServicePrimaryTaskSet, and `reconcile`, which moves every task set toward its
// computedDesiredCount (starting tasks after the configured delay, stopping extras) and derives
// STABILIZING / STEADY_STATE. Deleted task sets drain for the deregistration delay, then vanish.

import { ecsErrors } from "../errors.ts";
import { targetStateAt } from "../elbv2/target-groups.ts";
import { digest, ecsArn, newTaskSetId, type Service, type SimState, type TaskSet } from "../state.ts";
import { resolveCluster } from "./clusters.ts";
import { checkLaunchOptions, checkLoadBalancers } from "./launch-checks.ts";
import { findService, resolveActiveService, resolveService, serviceTaskSets } from "./service-lookups.ts";
import { resolveTaskDefinition } from "./task-definitions.ts";
import { forgetOldTasks, launchTask, stopTask } from "./tasks.ts";
import { checkTags, compact, type Input, lastSegment, requireString, epochSeconds, wantsTags } from "./util.ts";

/** AWS allows at most this many task sets (deployments) per service. */
const MAX_TASK_SETS = 5;

export function computedDesiredCount(s: SimState, set: TaskSet): number {
  if (set.status === "DRAINING") return 0;
  const svc = s.services.get(set.serviceArn);
  if (!svc) return 0;
  // ceil, with a tolerance so 10 * 30% is 3, not 4 through float error
  return Math.ceil((svc.desiredCount * set.scale.value) / 100 - 1e-9);
}

export function taskSetCounts(s: SimState, set: TaskSet, now: number): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const arn of set.liveTasks) {
    const t = s.tasks.get(arn);
    if (!t || t.stoppedAt !== undefined) continue;
    if (t.startAt <= now) running++;
    else pending++;
  }
  return { running, pending };
}

function isSteady(s: SimState, set: TaskSet, now: number): { steady: boolean; since: number } {
  const desired = computedDesiredCount(s, set);
  const { running, pending } = taskSetCounts(s, set, now);
  if (running !== desired || pending > 0) return { steady: false, since: now };
  let since = set.updatedAt;
  for (const arn of set.liveTasks) {
    const t = s.tasks.get(arn);
    if (!t) continue;
    since = Math.max(since, t.startAt);
    for (const r of t.registrations) {
      const tg = s.targetGroups.get(r.targetGroupArn);
      const rec = tg?.targets.findLast((x) => x.id === r.id && x.port === r.port);
      if (!tg || !rec) continue;
      if (targetStateAt(s, rec, now)?.state !== "healthy") return { steady: false, since: now };
      since = Math.max(since, rec.registeredAt + s.config.healthCheckDelayMs);
    }
  }
  return { steady: true, since: Math.min(since, now) };
}

/** Bring every task set toward its desired count; update stability; retire drained sets. */
export function reconcile(s: SimState, now = s.clock.now()): void {
  for (const set of [...s.taskSets.values()]) {
    const svc = s.services.get(set.serviceArn);
    const td = s.taskDefinitions.get(set.taskDefinitionArn);
    const desired = computedDesiredCount(s, set);
    set.liveTasks = set.liveTasks.filter((arn) => s.tasks.get(arn)?.stoppedAt === undefined);
    if (set.liveTasks.length < desired && svc && td) {
      for (let i = set.liveTasks.length; i < desired; i++) {
        const task = launchTask(
          s,
          {
            clusterArn: set.clusterArn,
            td,
            group: `service:${svc.name}`,
            startedBy: set.id,
            launchType: set.props.launchType ?? (set.props.capacityProviderStrategy ? undefined : "EC2"),
            taskSetId: set.id,
            serviceArn: svc.arn,
            loadBalancers: set.props.loadBalancers,
            tags: svc.props.propagateTags === "SERVICE" ? svc.tags : svc.props.propagateTags === "TASK_SET" ? set.tags : [],
          },
          now,
        );
        set.liveTasks.push(task.arn);
      }
    } else if (set.liveTasks.length > desired) {
      // stop pending tasks first, then the newest running ones
      const ordered = set.liveTasks
        .map((arn) => s.tasks.get(arn)!)
        .sort((a, b) => (a.startAt > now ? 0 : 1) - (b.startAt > now ? 0 : 1) || b.createdAt - a.createdAt);
      const extra = ordered.slice(0, set.liveTasks.length - desired);
      for (const t of extra) stopTask(s, t, set.status === "DRAINING" ? "Task set deleted" : "Scaling activity initiated by (deployment " + set.id + ")", now);
      const stopped = new Set(extra.map((t) => t.arn));
      set.liveTasks = set.liveTasks.filter((arn) => !stopped.has(arn));
    }
    if (set.status === "DRAINING") {
      if (now >= (set.drainingSince ?? now) + s.config.deregistrationDelayMs) s.taskSets.delete(set.arn);
      continue;
    }
    const { steady, since } = isSteady(s, set, now);
    const status = steady ? "STEADY_STATE" : "STABILIZING";
    if (status !== set.stabilityStatus) {
      set.stabilityStatus = status;
      set.stabilityStatusAt = steady ? since : now;
    }
  }
  // ECS-controller services: once the new deployment is steady, the old ones drain.
  for (const svc of s.services.values()) {
    if (svc.status === "DRAINING" && now >= (svc.deletedAt ?? now) + s.config.deregistrationDelayMs) {
      svc.status = "INACTIVE";
    }
    if (svc.controller !== "ECS") continue;
    const sets = serviceTaskSets(s, svc);
    const primary = sets.find((t) => t.status === "PRIMARY");
    if (primary?.stabilityStatus !== "STEADY_STATE") continue;
    for (const old of sets) {
      if (old.status === "ACTIVE") {
        old.status = "DRAINING";
        old.drainingSince = now;
        old.updatedAt = now;
        for (const arn of old.liveTasks) stopTask(s, s.tasks.get(arn)!, "Deployment replaced", now);
        old.liveTasks = [];
      }
    }
  }
  forgetOldTasks(s);
}

export function taskSetView(s: SimState, set: TaskSet, withTags: boolean) {
  const now = s.clock.now();
  const { running, pending } = taskSetCounts(s, set, now);
  const p = set.props;
  return compact({
    id: set.id,
    taskSetArn: set.arn,
    serviceArn: set.serviceArn,
    clusterArn: set.clusterArn,
    startedBy: set.startedBy,
    externalId: set.externalId,
    status: set.status,
    taskDefinition: set.taskDefinitionArn,
    computedDesiredCount: computedDesiredCount(s, set),
    pendingCount: pending,
    runningCount: running,
    createdAt: epochSeconds(set.createdAt),
    updatedAt: epochSeconds(set.updatedAt),
    launchType: p.launchType,
    capacityProviderStrategy: p.capacityProviderStrategy ?? [],
    platformVersion: p.platformVersion ?? (p.launchType === "FARGATE" ? "1.4.0" : undefined),
    platformFamily: p.launchType === "FARGATE" ? "Linux" : undefined,
    networkConfiguration: p.networkConfiguration,
    loadBalancers: p.loadBalancers ?? [],
    serviceRegistries: p.serviceRegistries ?? [],
    scale: set.scale,
    stabilityStatus: set.stabilityStatus,
    stabilityStatusAt: epochSeconds(set.stabilityStatusAt),
    tags: withTags ? set.tags : undefined,
  });
}

function checkScale(scale: unknown): { value: number; unit: "PERCENT" } {
  if (scale === undefined || scale === null) return { value: 100, unit: "PERCENT" };
  const sc = scale as Record<string, unknown>;
  if (typeof sc.value !== "number" || !(sc.value >= 0 && sc.value <= 100)) {
    throw ecsErrors.invalidParameter("Scale value must be a number between 0 and 100.");
  }
  if (sc.unit !== undefined && sc.unit !== "PERCENT") throw ecsErrors.invalidParameter("Scale unit must be PERCENT.");
  return { value: sc.value, unit: "PERCENT" };
}

function requireExternal(svc: Service): void {
  if (svc.controller !== "EXTERNAL") {
    throw ecsErrors.invalidParameter("Amazon ECS only supports task set management on services configured to use external deployment controllers.");
  }
}

export function findTaskSet(s: SimState, svc: Service, ref: string): TaskSet | undefined {
  const id = ref.includes("/ecs-svc/") ? `ecs-svc/${lastSegment(ref)}` : ref.startsWith("arn:") ? lastSegment(ref) : ref;
  for (const set of s.taskSets.values()) {
    if (set.serviceArn === svc.arn && (set.arn === ref || set.id === id || set.id === ref)) return set;
  }
  return undefined;
}

function resolveTaskSet(s: SimState, svc: Service, ref: string): TaskSet {
  const set = findTaskSet(s, svc, ref);
  if (!set) throw ecsErrors.taskSetNotFound();
  return set;
}

export function createTaskSet(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const svc = resolveService(s, cluster.arn, requireString(input, "service"));
  if (svc.status !== "ACTIVE") throw ecsErrors.serviceNotActive();
  requireExternal(svc);
  const td = resolveTaskDefinition(s, requireString(input, "taskDefinition"));
  checkLaunchOptions(input, td, true);
  const loadBalancers = checkLoadBalancers(s, input.loadBalancers, td, 1);
  const scale = checkScale(input.scale);
  const tags = checkTags(input.tags);
  const { clientToken, ...params } = input;
  const tokenKey = clientToken ? `CreateTaskSet:${svc.arn}:${clientToken}` : undefined;
  if (tokenKey) {
    const prior = s.clientTokens.get(tokenKey);
    if (prior) {
      if (prior.digest !== digest(params)) {
        throw ecsErrors.invalidParameter("The clientToken was already used for a CreateTaskSet request with different parameters.");
      }
      const existing = s.taskSets.get(prior.arn);
      if (existing) return { taskSet: taskSetView(s, existing, true) };
    }
  }
  if (serviceTaskSets(s, svc).length >= MAX_TASK_SETS) {
    throw ecsErrors.invalidParameter(
      `${MAX_TASK_SETS} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.`,
    );
  }
  if (input.serviceRegistries !== undefined && !Array.isArray(input.serviceRegistries)) {
    throw ecsErrors.invalidParameter("serviceRegistries must be a list.");
  }
  const now = s.clock.now();
  const id = newTaskSetId(s);
  const set: TaskSet = {
    id,
    arn: ecsArn(s, `task-set/${cluster.name}/${svc.name}/${id}`),
    serviceArn: svc.arn,
    clusterArn: cluster.arn,
    external: true,
    status: "ACTIVE",
    taskDefinitionArn: td.arn,
    scale,
    props: {
      launchType: input.capacityProviderStrategy ? undefined : (input.launchType ?? svc.props.launchType),
      capacityProviderStrategy: input.capacityProviderStrategy,
      platformVersion: input.platformVersion,
      networkConfiguration: input.networkConfiguration,
      loadBalancers,
      serviceRegistries: input.serviceRegistries ?? [],
    },
    externalId: input.externalId,
    tags,
    createdAt: now,
    updatedAt: now,
    stabilityStatus: "STABILIZING",
    stabilityStatusAt: now,
    liveTasks: [],
  };
  s.taskSets.set(set.arn, set);
  if (tokenKey) s.clientTokens.set(tokenKey, { digest: digest(params), arn: set.arn });
  reconcile(s, now);
  return { taskSet: taskSetView(s, set, true) };
}

export function updateTaskSet(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const svc = resolveActiveService(s, cluster.arn, requireString(input, "service"));
  requireExternal(svc);
  const set = resolveTaskSet(s, svc, requireString(input, "taskSet"));
  if (input.scale === undefined) throw ecsErrors.invalidParameter("scale is required.");
  const scale = checkScale(input.scale);
  if (set.status === "DRAINING") throw ecsErrors.invalidParameter("The task set is being deleted and cannot be updated.");
  const now = s.clock.now();
  if (scale.value !== set.scale.value) {
    set.scale = scale;
    set.updatedAt = now;
  }
  reconcile(s, now);
  return { taskSet: taskSetView(s, set, false) };
}

export function updateServicePrimaryTaskSet(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const svc = resolveActiveService(s, cluster.arn, requireString(input, "service"));
  requireExternal(svc);
  const set = resolveTaskSet(s, svc, requireString(input, "primaryTaskSet"));
  if (set.status === "DRAINING") throw ecsErrors.invalidParameter("A task set that is being deleted cannot become the primary task set.");
  const now = s.clock.now();
  for (const other of serviceTaskSets(s, svc)) {
    if (other !== set && other.status === "PRIMARY") {
      other.status = "ACTIVE";
      other.updatedAt = now;
    }
  }
  if (set.status !== "PRIMARY") {
    set.status = "PRIMARY";
    set.updatedAt = now;
  }
  reconcile(s, now);
  return { taskSet: taskSetView(s, set, false) };
}

export function deleteTaskSet(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const svc = resolveService(s, cluster.arn, requireString(input, "service"));
  requireExternal(svc);
  const set = resolveTaskSet(s, svc, requireString(input, "taskSet"));
  if (set.scale.value > 0 && input.force !== true) {
    throw ecsErrors.invalidParameter(
      "Cannot delete a task set with a scale greater than 0. Update the scale to 0 first, or use the force parameter.",
    );
  }
  const now = s.clock.now();
  if (set.status !== "DRAINING") {
    set.status = "DRAINING";
    set.drainingSince = now;
    set.updatedAt = now;
  }
  const view = taskSetView(s, set, false);
  reconcile(s, now);
  return { taskSet: { ...view, status: "DRAINING" } };
}

export function describeTaskSets(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const svc = findService(s, cluster.arn, requireString(input, "service"));
  if (!svc) throw ecsErrors.serviceNotFound();
  requireExternal(svc);
  const withTags = wantsTags(input);
  if (input.taskSets === undefined || (Array.isArray(input.taskSets) && input.taskSets.length === 0)) {
    return { taskSets: serviceTaskSets(s, svc).map((t) => taskSetView(s, t, withTags)), failures: [] };
  }
  if (!Array.isArray(input.taskSets)) throw ecsErrors.invalidParameter("taskSets must be a list.");
  const taskSets = [];
  const failures = [];
  for (const ref of input.taskSets) {
    const set = findTaskSet(s, svc, String(ref));
    if (set) taskSets.push(taskSetView(s, set, withTags));
    else failures.push({ arn: String(ref), reason: "MISSING" });
  }
  return { taskSets, failures };
}
