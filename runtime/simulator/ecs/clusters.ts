// ECS clusters: CreateCluster, DescribeClusters, and resolving a cluster name or ARN.

import { ecsErrors } from "../errors.ts";
import { type Cluster, ecsArn, type SimState } from "../state.ts";
import { checkTags, compact, type Input, optionalString, wantsTags } from "./util.ts";

/** A cluster reference is a name or an ARN; the default cluster is `default`. */
export function clusterName(ref: string | undefined): string {
  if (!ref) return "default";
  const i = ref.indexOf(":cluster/");
  return i >= 0 ? ref.slice(i + ":cluster/".length) : ref;
}

export function findCluster(s: SimState, ref: string | undefined): Cluster | undefined {
  const name = clusterName(ref);
  const c = s.clusters.get(ecsArn(s, `cluster/${name}`));
  return c && c.status === "ACTIVE" ? c : undefined;
}

export function resolveCluster(s: SimState, ref: string | undefined): Cluster {
  const c = findCluster(s, ref);
  if (!c) throw ecsErrors.clusterNotFound();
  return c;
}

export function createCluster(s: SimState, input: Input) {
  const name = optionalString(input, "clusterName") ?? "default";
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw ecsErrors.invalidParameter("Cluster name can contain up to 255 letters, numbers, hyphens and underscores.");
  }
  const arn = ecsArn(s, `cluster/${name}`);
  let cluster = s.clusters.get(arn);
  if (cluster?.status !== "ACTIVE") {
    cluster = {
      arn,
      name,
      status: "ACTIVE",
      createdAt: s.clock.now(),
      tags: checkTags(input.tags),
      settings: input.settings ?? [{ name: "containerInsights", value: "disabled" }],
      capacityProviders: input.capacityProviders ?? [],
    };
    s.clusters.set(arn, cluster);
  }
  return { cluster: clusterView(s, cluster, true) };
}

export function clusterView(s: SimState, c: Cluster, withTags: boolean) {
  let running = 0;
  let pending = 0;
  const now = s.clock.now();
  for (const t of s.tasks.values()) {
    if (t.clusterArn !== c.arn || t.stoppedAt !== undefined) continue;
    if (t.startAt <= now) running++;
    else pending++;
  }
  let services = 0;
  for (const svc of s.services.values()) if (svc.clusterArn === c.arn && svc.status === "ACTIVE") services++;
  return compact({
    clusterArn: c.arn,
    clusterName: c.name,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: services,
    statistics: [],
    tags: withTags ? c.tags : undefined,
    settings: c.settings,
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: [],
  });
}

export function describeClusters(s: SimState, input: Input) {
  const refs: string[] = Array.isArray(input.clusters) && input.clusters.length > 0 ? input.clusters : ["default"];
  if (refs.length > 100) throw ecsErrors.invalidParameter("clusters can have at most 100 items.");
  const clusters = [];
  const failures = [];
  for (const ref of refs) {
    const c = s.clusters.get(ecsArn(s, `cluster/${clusterName(ref)}`));
    if (c) clusters.push(clusterView(s, c, wantsTags(input)));
    else failures.push({ arn: ref.startsWith("arn:") ? ref : ecsArn(s, `cluster/${ref}`), reason: "MISSING" });
  }
  return { clusters, failures };
}
