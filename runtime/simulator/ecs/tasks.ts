// ECS tasks: starting and stopping them (for task sets, ECS-controller deployments and RunTask),
// registering them with their target groups, and RunTask / DescribeTasks / ListTasks.

import { ecsErrors } from "../errors.ts";
import { registerTarget, deregisterTarget } from "../elbv2/target-groups.ts";
import { availabilityZone, digest, ecsArn, newHex, nextIp, type SimState, type Task, type TaskDefinition } from "../state.ts";
import { resolveCluster } from "./clusters.ts";
import { behaviourKeys, isAwsvpc, resolveTaskDefinition } from "./task-definitions.ts";
import { checkLaunchOptions } from "./launch-checks.ts";
import { checkTags, compact, type Input, lastSegment, optionalInt, paginate, requireString, epochSeconds, wantsTags } from "./util.ts";

/** Most stopped tasks kept for DescribeTasks; older ones are forgotten (AWS keeps them ~1 hour). */
const STOPPED_TASKS_KEPT = 1000;

export interface LaunchOptions {
  clusterArn: string;
  td: TaskDefinition;
  group: string;
  startedBy?: string;
  launchType?: string;
  taskSetId?: string;
  serviceArn?: string;
  loadBalancers?: Array<Record<string, any>>;
  tags?: Task["tags"];
  overrides?: Record<string, any>;
  clientToken?: string;
}

export function launchTask(s: SimState, o: LaunchOptions, at = s.clock.now()): Task {
  const clusterName = lastSegment(o.clusterArn);
  const id = newHex(s, 32);
  const n = s.ipCounter;
  const task: Task = {
    id,
    arn: ecsArn(s, `task/${clusterName}/${id}`),
    clusterArn: o.clusterArn,
    taskDefinitionArn: o.td.arn,
    taskSetId: o.taskSetId,
    serviceArn: o.serviceArn,
    group: o.group,
    startedBy: o.startedBy,
    launchType: o.launchType,
    createdAt: at,
    startAt: at + s.config.taskStartDelayMs,
    ip: nextIp(s),
    availabilityZone: availabilityZone(s, n),
    tags: o.tags ?? [],
    overrides: o.overrides,
    registrations: [],
    clientToken: o.clientToken,
  };
  for (const lb of o.loadBalancers ?? []) {
    if (!lb.targetGroupArn) continue;
    const tg = s.targetGroups.get(lb.targetGroupArn);
    if (!tg) continue;
    const targetId = tg.targetType === "ip" ? task.ip : `i-${newHex(s, 17)}`;
    const port = tg.targetType === "ip" ? (lb.containerPort ?? tg.port ?? 80) : 32768 + (n % 28000);
    registerTarget(s, tg, { id: targetId, port, availabilityZone: task.availabilityZone, registeredAt: task.startAt, behaviourKeys: behaviourKeys(o.td) });
    task.registrations.push({ targetGroupArn: tg.arn, id: targetId, port });
  }
  s.tasks.set(task.arn, task);
  return task;
}

export function stopTask(s: SimState, task: Task, reason: string, at = s.clock.now()): void {
  if (task.stoppedAt !== undefined) return;
  task.stoppedAt = at;
  task.stoppedReason = reason;
  for (const r of task.registrations) {
    const tg = s.targetGroups.get(r.targetGroupArn);
    if (tg) deregisterTarget(s, tg, r.id, r.port, at);
  }
}

/** Drop the oldest stopped tasks beyond the retention cap. */
export function forgetOldTasks(s: SimState): void {
  // cheap check first: this runs on every request
  if (s.tasks.size <= STOPPED_TASKS_KEPT) return;
  let stopped = 0;
  for (const t of s.tasks.values()) if (t.stoppedAt !== undefined) stopped++;
  if (stopped <= STOPPED_TASKS_KEPT) return;
  stopped -= Math.floor(STOPPED_TASKS_KEPT / 2); // forget in batches so the scan is rare
  for (const [arn, t] of s.tasks) {
    if (stopped <= 0) break;
    if (t.stoppedAt !== undefined) {
      s.tasks.delete(arn);
      stopped--;
    }
  }
}

export function taskStatus(task: Task, now: number): "PENDING" | "RUNNING" | "STOPPED" {
  if (task.stoppedAt !== undefined && task.stoppedAt <= now) return "STOPPED";
  return task.startAt <= now ? "RUNNING" : "PENDING";
}

export function taskView(s: SimState, task: Task, withTags: boolean) {
  const now = s.clock.now();
  const status = taskStatus(task, now);
  const td = s.taskDefinitions.get(task.taskDefinitionArn);
  const containers = (td?.body.containerDefinitions ?? []).map((c: any) =>
    compact({
      containerArn: ecsArn(s, `container/${lastSegment(task.clusterArn)}/${task.id}/${c.name}`),
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      lastStatus: status,
      networkInterfaces: td && isAwsvpc(td) ? [{ attachmentId: task.id.slice(0, 8), privateIpv4Address: task.ip }] : [],
      healthStatus: "UNKNOWN",
      cpu: c.cpu !== undefined ? String(c.cpu) : undefined,
      memory: c.memory !== undefined ? String(c.memory) : undefined,
    }),
  );
  return compact({
    taskArn: task.arn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    lastStatus: status,
    desiredStatus: task.stoppedAt !== undefined ? "STOPPED" : "RUNNING",
    launchType: task.launchType,
    group: task.group,
    startedBy: task.startedBy,
    createdAt: epochSeconds(task.createdAt),
    pullStartedAt: epochSeconds(task.createdAt),
    startedAt: status !== "PENDING" ? epochSeconds(task.startAt) : undefined,
    stoppedAt: epochSeconds(task.stoppedAt),
    stoppingAt: epochSeconds(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stopCode: task.stoppedAt !== undefined ? "ServiceSchedulerInitiated" : undefined,
    connectivity: "CONNECTED",
    healthStatus: "UNKNOWN",
    availabilityZone: task.availabilityZone,
    cpu: td?.body.cpu,
    memory: td?.body.memory,
    version: status === "PENDING" ? 1 : task.stoppedAt !== undefined ? 3 : 2,
    containers,
    attachments:
      td && isAwsvpc(td)
        ? [
            {
              id: newUuidFor(task),
              type: "ElasticNetworkInterface",
              status: status === "STOPPED" ? "DELETED" : "ATTACHED",
              details: [
                { name: "privateIPv4Address", value: task.ip },
                { name: "networkInterfaceId", value: `eni-${task.id.slice(0, 17)}` },
              ],
            },
          ]
        : [],
    overrides: task.overrides ?? { containerOverrides: [] },
    tags: withTags ? task.tags : undefined,
  });
}

function newUuidFor(task: Task): string {
  const h = task.id;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function findTask(s: SimState, clusterArn: string, ref: string): Task | undefined {
  if (ref.startsWith("arn:")) {
    const t = s.tasks.get(ref);
    return t && t.clusterArn === clusterArn ? t : undefined;
  }
  return s.tasks.get(ecsArn(s, `task/${lastSegment(clusterArn)}/${ref}`));
}

export function runTask(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const td = resolveTaskDefinition(s, requireString(input, "taskDefinition"));
  const count = optionalInt(input, "count", 1, 10) ?? 1;
  checkLaunchOptions(input, td, true);
  const tags = checkTags(input.tags);
  const clientToken: string | undefined = input.clientToken;
  const tokenKey = clientToken ? `RunTask:${cluster.arn}:${clientToken}` : undefined;
  const { clientToken: _c, ...params } = input;
  if (tokenKey) {
    const prior = s.clientTokens.get(tokenKey);
    if (prior) {
      if (prior.digest !== digest(params)) {
        throw ecsErrors.invalidParameter("The clientToken was already used for a RunTask request with different parameters.");
      }
      const tasks = [...s.tasks.values()].filter((t) => t.clientToken === clientToken && t.clusterArn === cluster.arn);
      return { tasks: tasks.map((t) => taskView(s, t, true)), failures: [] };
    }
  }
  const launchType = input.capacityProviderStrategy ? undefined : (input.launchType ?? "EC2");
  const tasks: Task[] = [];
  for (let i = 0; i < count; i++) {
    tasks.push(
      launchTask(s, {
        clusterArn: cluster.arn,
        td,
        group: input.group ?? `family:${td.family}`,
        startedBy: input.startedBy,
        launchType,
        tags,
        overrides: input.overrides,
        clientToken,
      }),
    );
  }
  if (tokenKey) s.clientTokens.set(tokenKey, { digest: digest(params), arn: tasks[0].arn });
  return { tasks: tasks.map((t) => taskView(s, t, true)), failures: [] };
}

export function describeTasks(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const refs = input.tasks;
  if (!Array.isArray(refs) || refs.length === 0) throw ecsErrors.invalidParameter("Tasks cannot be empty.");
  if (refs.length > 100) throw ecsErrors.invalidParameter("Tasks cannot have more than 100 items.");
  const tasks = [];
  const failures = [];
  for (const ref of refs) {
    const t = findTask(s, cluster.arn, String(ref));
    if (t) tasks.push(taskView(s, t, wantsTags(input)));
    else failures.push({ arn: String(ref), reason: "MISSING" });
  }
  return { tasks, failures };
}

export function listTasks(s: SimState, input: Input) {
  const cluster = resolveCluster(s, input.cluster);
  const now = s.clock.now();
  let serviceArn: string | undefined;
  if (input.serviceName !== undefined) {
    const name = lastSegment(String(input.serviceName));
    const svc = s.services.get(ecsArn(s, `service/${cluster.name}/${name}`));
    if (!svc) throw ecsErrors.serviceNotFound();
    serviceArn = svc.arn;
  }
  const desired = input.desiredStatus ?? "RUNNING";
  const items = [...s.tasks.values()].filter((t) => {
    if (t.clusterArn !== cluster.arn) return false;
    if (serviceArn && t.serviceArn !== serviceArn) return false;
    if (input.family && !t.taskDefinitionArn.includes(`:task-definition/${input.family}:`)) return false;
    if (input.startedBy && t.startedBy !== input.startedBy) return false;
    if (input.launchType && t.launchType !== input.launchType) return false;
    const status = taskStatus(t, now);
    return desired === "STOPPED" ? status === "STOPPED" : desired === "PENDING" ? status === "PENDING" : status !== "STOPPED";
  });
  const { page, nextToken } = paginate(items, input);
  return compact({ taskArns: page.map((t) => t.arn), nextToken });
}


