// The service as it was before this deployment changed anything: which task set was primary
// (task definition, scale, load balancers), whether the service exists at all. Journaled once
// per deployment, so a restart — or the rollback, after the old primary was deleted — still
// knows what to restore.
import type { Service, TaskSet } from "@aws-sdk/client-ecs";

export interface TaskSetInfo {
  id: string;
  arn: string;
  status: string;
  taskDefinition: string;
  scale: number;
  externalId: string | null;
  loadBalancers: Array<Record<string, unknown>>;
  serviceRegistries: Array<Record<string, unknown>>;
  launchType: string | null;
  capacityProviderStrategy: Array<Record<string, unknown>> | null;
  platformVersion: string | null;
  networkConfiguration: Record<string, unknown> | null;
}

/** What UpdateService / TagResource could change on the service, as it was (see service-definition.ts). */
export interface ServiceSettings {
  arn: string;
  propagateTags: string | null;
  enableExecuteCommand: boolean;
  enableECSManagedTags: boolean;
  placementStrategy: Array<Record<string, unknown>>;
  tags: Array<{ key: string; value: string }>;
}

export interface Snapshot {
  serviceExists: boolean;
  /** Absent in snapshots journaled by older versions: then everything is applied. */
  settings?: ServiceSettings | null;
  controller: string | null;
  desiredCount: number | null;
  primary: TaskSetInfo | null;
  taskSets: TaskSetInfo[];
}

export function taskSetInfo(t: TaskSet): TaskSetInfo {
  return {
    id: t.id ?? "",
    arn: t.taskSetArn ?? "",
    status: t.status ?? "",
    taskDefinition: t.taskDefinition ?? "",
    scale: t.scale?.value ?? 0,
    externalId: t.externalId ?? null,
    loadBalancers: (t.loadBalancers ?? []) as Array<Record<string, unknown>>,
    serviceRegistries: (t.serviceRegistries ?? []) as Array<Record<string, unknown>>,
    launchType: t.launchType ?? null,
    capacityProviderStrategy: (t.capacityProviderStrategy as Array<Record<string, unknown>> | undefined) ?? null,
    platformVersion: t.platformVersion ?? null,
    networkConfiguration: (t.networkConfiguration as Record<string, unknown> | undefined) ?? null,
  };
}

/** Which task set of the page's table an observation is about. */
export interface TaskSetRole {
  role: "primary" | "canary";
  version: "current" | "new";
}

/**
 * What ECS said of a task set, as a "log" event's data: the status page shows the newest one
 * per role and version as the task set's live task counts.
 */
export function taskSetObservation(t: TaskSet, who: TaskSetRole) {
  const running = t.runningCount ?? 0;
  const desired = t.computedDesiredCount ?? 0;
  const pending = t.pendingCount ?? 0;
  const stability = t.stabilityStatus ?? "";
  return { line: `${running}/${desired} running, ${pending} pending, ${stability}`, data: { taskSet: t.id ?? "", running, desired, pending, stability, ...who } };
}

export function snapshotOf(svc: Service | null): Snapshot {
  const live = svc && svc.status !== "INACTIVE" ? svc : null;
  const sets = (live?.taskSets ?? []).filter((t) => t.status !== "DRAINING").map(taskSetInfo);
  return {
    serviceExists: !!live,
    settings: live
      ? {
          arn: live.serviceArn ?? "",
          propagateTags: live.propagateTags ?? null,
          enableExecuteCommand: live.enableExecuteCommand === true,
          enableECSManagedTags: live.enableECSManagedTags === true,
          placementStrategy: (live.placementStrategy ?? []) as Array<Record<string, unknown>>,
          tags: (live.tags ?? []).map((t) => ({ key: String(t.key), value: String(t.value ?? "") })),
        }
      : null,
    controller: live?.deploymentController?.type ?? (live ? "ECS" : null),
    desiredCount: live?.desiredCount ?? null,
    primary: sets.find((t) => t.status === "PRIMARY") ?? null,
    taskSets: sets,
  };
}
