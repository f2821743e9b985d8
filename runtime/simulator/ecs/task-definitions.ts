// ECS task definitions: Register, Describe, Deregister, List, and resolving a reference
// (`family`, `family:revision` or an ARN) to a revision.

import { ecsErrors, type SimError } from "../errors.ts";
import { ecsArn, type SimState, type TaskDefinition } from "../state.ts";
import { checkTags, compact, type Input, paginate, requireString, epochSeconds, wantsTags } from "./util.ts";

export function parseTaskDefinitionRef(ref: string): { family: string; revision?: number } {
  const i = ref.indexOf(":task-definition/");
  const tail = i >= 0 ? ref.slice(i + ":task-definition/".length) : ref;
  const colon = tail.lastIndexOf(":");
  if (colon < 0) return { family: tail };
  const revision = Number(tail.slice(colon + 1));
  return { family: tail.slice(0, colon), revision: Number.isInteger(revision) ? revision : NaN };
}

export function findTaskDefinition(s: SimState, ref: string): TaskDefinition | undefined {
  const { family, revision } = parseTaskDefinitionRef(ref);
  if (revision !== undefined) return s.taskDefinitions.get(ecsArn(s, `task-definition/${family}:${revision}`));
  let latest: TaskDefinition | undefined;
  for (const td of s.taskDefinitions.values()) {
    if (td.family === family && td.status === "ACTIVE" && (!latest || td.revision > latest.revision)) latest = td;
  }
  return latest;
}

/** Resolve for use by a service/task set/task: must exist and be ACTIVE. */
export function resolveTaskDefinition(s: SimState, ref: string, notFound: () => SimError = () => ecsErrors.invalidParameter("TaskDefinition not found.")): TaskDefinition {
  const td = findTaskDefinition(s, ref);
  if (!td) throw notFound();
  if (td.status !== "ACTIVE") throw ecsErrors.invalidParameter(`TaskDefinition is inactive: ${td.arn}`);
  return td;
}

export function isAwsvpc(td: TaskDefinition): boolean {
  return td.body.networkMode === "awsvpc";
}

export function containerNames(td: TaskDefinition): string[] {
  return (td.body.containerDefinitions ?? []).map((c: any) => c.name);
}

export function images(td: TaskDefinition): string[] {
  return (td.body.containerDefinitions ?? []).map((c: any) => c.image).filter((i: unknown) => typeof i === "string");
}

/** Behaviour lookup keys for tasks of this revision, most specific first. */
export function behaviourKeys(td: TaskDefinition): string[] {
  return [`${td.family}:${td.revision}`, ...images(td), td.family];
}

export function registerTaskDefinition(s: SimState, input: Input) {
  const family = requireString(input, "family");
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
    throw ecsErrors.client("Family contains invalid characters; up to 255 letters, numbers, hyphens and underscores are allowed.");
  }
  const containers = input.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) throw ecsErrors.client("Container list cannot be empty.");
  for (const c of containers) {
    if (!c || typeof c.name !== "string" || c.name === "") throw ecsErrors.client("Container.name should not be null or empty.");
    if (typeof c.image !== "string" || c.image === "") throw ecsErrors.client("Container.image should not be null or empty.");
  }
  const requires: string[] = input.requiresCompatibilities ?? [];
  if (requires.includes("FARGATE")) {
    if (input.networkMode !== "awsvpc") throw ecsErrors.client("Fargate only supports network mode 'awsvpc'.");
    if (input.cpu === undefined || input.memory === undefined) {
      throw ecsErrors.client("Fargate requires that 'cpu' be defined at the task level.");
    }
  }
  const tags = checkTags(input.tags);
  let revision = 1;
  for (const td of s.taskDefinitions.values()) if (td.family === family) revision = Math.max(revision, td.revision + 1);
  const { tags: _t, ...body } = input;
  const td: TaskDefinition = {
    arn: ecsArn(s, `task-definition/${family}:${revision}`),
    family,
    revision,
    status: "ACTIVE",
    registeredAt: s.clock.now(),
    body,
    tags,
  };
  s.taskDefinitions.set(td.arn, td);
  return { taskDefinition: taskDefinitionView(s, td), tags };
}

export function taskDefinitionView(s: SimState, td: TaskDefinition) {
  const requires: string[] = td.body.requiresCompatibilities ?? [];
  return compact({
    ...td.body,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    networkMode: td.body.networkMode ?? "bridge",
    volumes: td.body.volumes ?? [],
    placementConstraints: td.body.placementConstraints ?? [],
    requiresCompatibilities: td.body.requiresCompatibilities,
    compatibilities: requires.includes("FARGATE") ? ["EC2", "FARGATE"] : ["EC2"],
    registeredAt: epochSeconds(td.registeredAt),
    deregisteredAt: epochSeconds(td.deregisteredAt),
    registeredBy: `arn:aws:iam::${s.config.accountId}:user/simulator`,
  });
}

export function describeTaskDefinition(s: SimState, input: Input) {
  const ref = requireString(input, "taskDefinition");
  const td = findTaskDefinition(s, ref);
  if (!td) throw ecsErrors.client("Unable to describe task definition.");
  return compact({ taskDefinition: taskDefinitionView(s, td), tags: wantsTags(input) ? td.tags : undefined });
}

export function deregisterTaskDefinition(s: SimState, input: Input) {
  const ref = requireString(input, "taskDefinition");
  const { revision } = parseTaskDefinitionRef(ref);
  if (revision === undefined || Number.isNaN(revision)) {
    throw ecsErrors.client("The specified task definition identifier is invalid. Specify a valid revision.");
  }
  const td = findTaskDefinition(s, ref);
  if (!td) throw ecsErrors.client("The specified task definition does not exist.");
  if (td.status === "ACTIVE") {
    td.status = "INACTIVE";
    td.deregisteredAt = s.clock.now();
  }
  return { taskDefinition: taskDefinitionView(s, td) };
}

export function listTaskDefinitions(s: SimState, input: Input) {
  const status = input.status ?? "ACTIVE";
  const sort = input.sort ?? "ASC";
  let items = [...s.taskDefinitions.values()].filter(
    (td) => td.status === status && (input.familyPrefix === undefined || td.family === input.familyPrefix),
  );
  items.sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
  if (sort === "DESC") items = items.reverse();
  const { page, nextToken } = paginate(items, input);
  return compact({ taskDefinitionArns: page.map((td) => td.arn), nextToken });
}
