// Which routes an event goes through (PipeCD's NotificationRoute semantics): every non-empty
// filter must let it through; any ignore filter that matches drops it. Event names may be
// written with or without PipeCD's EVENT_ prefix.
import { groupOf, type NotificationEvent } from "./events.ts";

export interface NotificationRoute {
  name: string;
  receiver: string;
  events?: string[];
  ignoreEvents?: string[];
  groups?: string[];
  ignoreGroups?: string[];
  apps?: string[];
  ignoreApps?: string[];
  labels?: Record<string, string>;
  ignoreLabels?: Record<string, string>;
}

const norm = (xs: string[] | undefined, prefix: string) => (xs ?? []).map((x) => x.replace(new RegExp(`^${prefix}`), ""));

export function routeMatches(r: NotificationRoute, e: NotificationEvent): boolean {
  const events = norm(r.events, "EVENT_");
  if (events.length && !events.includes(e.type)) return false;
  if (norm(r.ignoreEvents, "EVENT_").includes(e.type)) return false;
  const group = groupOf(e.type);
  const groups = norm(r.groups, "EVENT_");
  if (groups.length && !groups.includes(group)) return false;
  if (norm(r.ignoreGroups, "EVENT_").includes(group)) return false;
  if (r.apps?.length && !r.apps.includes(e.app.name)) return false;
  if (r.ignoreApps?.includes(e.app.name)) return false;
  for (const [k, v] of Object.entries(r.labels ?? {})) if (e.app.labels[k] !== v) return false;
  for (const [k, v] of Object.entries(r.ignoreLabels ?? {})) if (e.app.labels[k] === v) return false;
  return true;
}

/** Receiver names an event goes to, each once, in route order. */
export function receiversFor(routes: readonly NotificationRoute[], e: NotificationEvent): string[] {
  const out: string[] = [];
  for (const r of routes) if (routeMatches(r, e) && !out.includes(r.receiver)) out.push(r.receiver);
  return out;
}
