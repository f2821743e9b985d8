// Small helpers shared by the ECS operations: input checks, paging, timestamps, tags.

import { ecsErrors } from "../errors.ts";
import type { Tag } from "../state.ts";

export type Input = Record<string, any>;

/** ECS JSON 1.1 timestamps are epoch seconds. */
/** Epoch milliseconds as ECS answers times: epoch seconds (fractional). */
export const epochSeconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export function requireString(input: Input, field: string): string {
  const v = input[field];
  if (typeof v !== "string" || v === "") throw ecsErrors.invalidParameter(`${field} is required and must be a non-empty string.`);
  return v;
}

export function optionalString(input: Input, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw ecsErrors.invalidParameter(`${field} must be a string.`);
  return v;
}

export function optionalInt(input: Input, field: string, min: number, max: number): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw ecsErrors.invalidParameter(`${field} must be an integer between ${min} and ${max}.`);
  }
  return v;
}

export function checkTags(tags: unknown): Tag[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw ecsErrors.invalidParameter("tags must be a list.");
  if (tags.length > 50) throw ecsErrors.invalidParameter("Too many tags (maximum 50).");
  return tags.map((t) => {
    if (!t || typeof t.key !== "string" || t.key.length < 1 || t.key.length > 128) {
      throw ecsErrors.invalidParameter("Tag keys must be 1-128 characters.");
    }
    if (t.value !== undefined && (typeof t.value !== "string" || t.value.length > 256)) {
      throw ecsErrors.invalidParameter("Tag values must be at most 256 characters.");
    }
    return { key: t.key, value: t.value ?? "" };
  });
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const out = existing.filter((t) => !added.some((a) => a.key === t.key));
  return [...out, ...added];
}

export const wantsTags = (input: Input) => Array.isArray(input.include) && input.include.includes("TAGS");

/** Offset-based paging with an opaque token. */
export function paginate<T>(items: T[], input: Input, maxDefault = 100): { page: T[]; nextToken?: string } {
  const max = optionalInt(input, "maxResults", 1, 100) ?? maxDefault;
  let start = 0;
  if (input.nextToken !== undefined) {
    start = Number.parseInt(atob(String(input.nextToken)), 10);
    if (!Number.isFinite(start) || start < 0) throw ecsErrors.invalidParameter("Invalid nextToken.");
  }
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? btoa(String(start + max)) : undefined;
  return { page, nextToken: next };
}

/** Remove undefined fields so responses stay compact. */
export function compact<T extends Record<string, any>>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

export function lastSegment(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}
