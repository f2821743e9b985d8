// ECS resource tags: TagResource, UntagResource, ListTagsForResource over clusters, services,
// task sets, task definitions and tasks.

import { ecsErrors } from "../errors.ts";
import type { SimState, Tag } from "../state.ts";
import { checkTags, type Input, mergeTags, requireString } from "./util.ts";

function taggable(s: SimState, arn: string): { tags: Tag[] } {
  if (!arn.startsWith("arn:aws:ecs:")) throw ecsErrors.invalidParameter("The ARN provided is invalid.");
  const found =
    s.clusters.get(arn) ?? s.services.get(arn) ?? s.taskSets.get(arn) ?? s.taskDefinitions.get(arn) ?? s.tasks.get(arn);
  if (!found || (found as { status?: string }).status === "INACTIVE") throw ecsErrors.resourceNotFound("The specified resource is not found.");
  return found;
}

export function tagResource(s: SimState, input: Input) {
  const res = taggable(s, requireString(input, "resourceArn"));
  const added = checkTags(input.tags);
  if (added.length === 0) throw ecsErrors.invalidParameter("tags must contain at least one tag.");
  const merged = mergeTags(res.tags, added);
  if (merged.length > 50) throw ecsErrors.invalidParameter("A resource can have at most 50 tags.");
  res.tags = merged;
  return {};
}

export function untagResource(s: SimState, input: Input) {
  const res = taggable(s, requireString(input, "resourceArn"));
  const keys = input.tagKeys;
  if (!Array.isArray(keys)) throw ecsErrors.invalidParameter("tagKeys is required.");
  res.tags = res.tags.filter((t) => !keys.includes(t.key));
  return {};
}

export function listTagsForResource(s: SimState, input: Input) {
  const res = taggable(s, requireString(input, "resourceArn"));
  return { tags: res.tags };
}
