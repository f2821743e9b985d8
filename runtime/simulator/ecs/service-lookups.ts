// Finding services and their task sets by reference (name or ARN): what the service, task set and
// reconcile modules all need, kept apart from them so none imports another in a circle.

import { ecsErrors } from "../errors.ts";
import { ecsArn, type Service, type SimState, type TaskSet } from "../state.ts";
import { lastSegment } from "./util.ts";

export function findService(s: SimState, clusterArn: string, ref: string): Service | undefined {
  const name = lastSegment(ref);
  return s.services.get(ecsArn(s, `service/${lastSegment(clusterArn)}/${name}`));
}

export function resolveService(s: SimState, clusterArn: string, ref: string): Service {
  const svc = findService(s, clusterArn, ref);
  if (!svc || svc.status === "INACTIVE") throw ecsErrors.serviceNotFound();
  return svc;
}

export function resolveActiveService(s: SimState, clusterArn: string, ref: string): Service {
  const svc = resolveService(s, clusterArn, ref);
  if (svc.status !== "ACTIVE") throw ecsErrors.serviceNotActive();
  return svc;
}

export function serviceTaskSets(s: SimState, svc: Service): TaskSet[] {
  return [...s.taskSets.values()].filter((t) => t.serviceArn === svc.arn);
}
