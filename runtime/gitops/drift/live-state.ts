// ECS's side of the comparison, fetched for many apps at once with as few calls as the API
// allows: DescribeServices ten services per call (its maximum), grouped by ECS client and
// cluster, with tags; one DescribeTaskDefinition per distinct task definition ARN. The PRIMARY
// task set comes with DescribeServices (AWS includes an EXTERNAL service's task sets in the
// answer); DescribeTaskSets is only asked when an EXTERNAL service's answer has none listed.
// Every call rides the rate limiter's background lane, behind deployments' own calls.
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTaskSetsCommand } from "@aws-sdk/client-ecs";
import type { AwsApi } from "../../aws/call.ts";
import { DESCRIBE_SERVICES_MAX } from "../../aws/service-poller.ts";
import { liveServiceSettingsOf, placementOf, taskDefinitionOf, type Comparable } from "./comparable.ts";

type Obj = Record<string, any>;

export interface ServiceRef {
  cluster: string;
  service: string;
}

/** `missing`: ECS has no such service (or only a deleted one), as opposed to a failed call. */
export type LiveService = { found: true; service: Obj; primary: Obj | null } | { found: false; reason: string; missing?: boolean };

/** Results of one fetch, by client: services by `cluster/service`, task definitions by ARN. */
export interface LiveSnapshot {
  services: Map<string, LiveService>;
  taskDefinitions: Map<string, { ok: true; taskDefinition: Obj } | { ok: false; reason: string }>;
}

const lastSegment = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);
export const serviceKey = (r: ServiceRef) => `${lastSegment(r.cluster)}/${lastSegment(r.service)}`;

const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

async function primaryOf(api: AwsApi, cluster: string, svc: Obj, signal?: AbortSignal): Promise<Obj | null> {
  if (svc.deploymentController?.type !== "EXTERNAL") return svc; // ECS controller: the service itself runs the version
  let sets: Obj[] | undefined = svc.taskSets;
  if (!sets?.length) {
    const r = await api.call(new DescribeTaskSetsCommand({ cluster, service: svc.serviceArn ?? svc.serviceName }), { signal, background: true });
    sets = r.taskSets ?? [];
  }
  return sets!.find((t) => t.status === "PRIMARY") ?? null;
}

/** Describes every service in `refs` (deduplicated) and the task definitions their primaries run. */
export async function fetchLive(api: AwsApi, refs: ServiceRef[], signal?: AbortSignal): Promise<LiveSnapshot> {
  const services = new Map<string, LiveService>();
  const byCluster = new Map<string, Set<string>>();
  for (const r of refs) {
    const key = serviceKey(r);
    if (services.has(key)) continue;
    services.set(key, { found: false, reason: "not described" });
    let set = byCluster.get(r.cluster);
    if (!set) byCluster.set(r.cluster, (set = new Set()));
    set.add(lastSegment(r.service));
  }
  const batches: Array<{ cluster: string; names: string[] }> = [];
  for (const [cluster, names] of byCluster) {
    const list = [...names];
    for (let i = 0; i < list.length; i += DESCRIBE_SERVICES_MAX) batches.push({ cluster, names: list.slice(i, i + DESCRIBE_SERVICES_MAX) });
  }
  await Promise.all(
    batches.map(async ({ cluster, names }) => {
      const at = (name: string) => `${lastSegment(cluster)}/${name}`;
      try {
        const r = await api.call(new DescribeServicesCommand({ cluster, services: names, include: ["TAGS"] }), { signal, background: true });
        for (const f of r.failures ?? []) {
          const name = lastSegment(String(f.arn ?? ""));
          services.set(at(name), { found: false, missing: true, reason: `ECS has no service "${name}" in cluster "${lastSegment(cluster)}" (${f.reason ?? "MISSING"}${f.detail ? `: ${f.detail}` : ""}).` });
        }
        for (const svc of r.services ?? []) {
          const name = String(svc.serviceName);
          if (svc.status !== "ACTIVE") {
            services.set(at(name), { found: false, missing: svc.status === "INACTIVE", reason: `The service "${name}" in cluster "${lastSegment(cluster)}" is ${svc.status} (deleted or being deleted).` });
            continue;
          }
          const primary = await primaryOf(api, cluster, svc, signal);
          services.set(at(name), { found: true, service: svc, primary });
        }
      } catch (e) {
        if (signal?.aborted) throw e;
        for (const n of names) services.set(at(n), { found: false, reason: `DescribeServices failed: ${message(e)}` });
      }
    }),
  );
  const taskDefinitions: LiveSnapshot["taskDefinitions"] = new Map();
  const arns = new Set<string>();
  for (const s of services.values()) if (s.found && s.primary?.taskDefinition) arns.add(String(s.primary.taskDefinition));
  await Promise.all(
    [...arns].map(async (arn) => {
      try {
        const r = await api.call(new DescribeTaskDefinitionCommand({ taskDefinition: arn }), { signal, background: true });
        taskDefinitions.set(arn, { ok: true, taskDefinition: r.taskDefinition ?? {} });
      } catch (e) {
        if (signal?.aborted) throw e;
        taskDefinitions.set(arn, { ok: false, reason: `DescribeTaskDefinition ${arn} failed: ${message(e)}` });
      }
    }),
  );
  return { services, taskDefinitions };
}

/** The live service in the comparable form; a reason when it cannot be compared. */
export function liveState(snapshot: LiveSnapshot, ref: ServiceRef): { state: Comparable } | { reason: string } | { noPrimary: Obj } {
  const s = snapshot.services.get(serviceKey(ref));
  if (!s) return { reason: "The service was not described." };
  if (!s.found) return { reason: s.reason };
  if (!s.primary) return { noPrimary: s.service };
  const arn = String(s.primary.taskDefinition ?? "");
  const td = snapshot.taskDefinitions.get(arn);
  if (!td) return { reason: `The primary task set runs no task definition ECS could name.` };
  if (!td.ok) return { reason: td.reason };
  return {
    state: {
      service: liveServiceSettingsOf(s.service),
      primaryTaskSet: placementOf(s.primary, false),
      taskDefinition: taskDefinitionOf(td.taskDefinition, false),
    },
  };
}
