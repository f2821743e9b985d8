// The traffic model: requests per second per load balancer, split across its listeners, then
// across each listener's rules, then by the weights of each rule's forward action, then evenly
// across the routable targets of each target group, whose revision behaviour decides errors
// and latency. Everything is computed from the recorded history (rule actions, target
// registrations, behaviours, request rates) and the seed, per 10-second bucket of simulated time,
// so the same history always yields the same numbers, whenever it is queried.
//
// Routing follows ALB semantics: healthy targets get the traffic; if a target group has no
// healthy target but has registered (unhealthy) ones, the ALB fails open to those; if it has none
// at all (or only targets still in their initial health check), requests get an ELB 503.

import { forwardTargets } from "../elbv2/actions.ts";
import { loadBalancerDimension } from "../elbv2/load-balancers.ts";
import { targetStateAt } from "../elbv2/target-groups.ts";
import { stableUniform } from "../random.ts";
import { behaviourAt, type ElbAction, type LoadBalancer, type Rule, type SimState, type TargetGroup } from "../state.ts";

export const BUCKET_MS = 10_000;

export interface BucketStats {
  requests: number;
  target2xx: number;
  target5xx: number;
  elb5xx: number;
  /** Sum over requests of the response time in seconds (divide by target requests for the mean). */
  latencySum: number;
  /** Requests answered by a target (excludes ELB 503s). */
  targetRequests: number;
  healthyHosts: number;
  unhealthyHosts: number;
  /** true when the target group is associated with the load balancer in this bucket. */
  inUse: boolean;
}

export interface EntityBucket {
  key: string;
  level: "targetgroup" | "loadbalancer";
  tags: Record<string, string>;
  stats: BucketStats;
}

const emptyStats = (): BucketStats => ({
  requests: 0, target2xx: 0, target5xx: 0, elb5xx: 0, latencySum: 0, targetRequests: 0, healthyHosts: 0, unhealthyHosts: 0, inUse: false,
});

export const targetGroupDimension = (tg: TargetGroup) => `targetgroup/${tg.name}/${tg.id}`;

function actionsAt(rule: Rule, t: number): ElbAction[] | undefined {
  let found: ElbAction[] | undefined;
  for (const entry of rule.actions) if (entry.at <= t) found = entry.actions;
  return found;
}

function rpsAt(lb: LoadBalancer, t: number): number {
  let rps = 0;
  for (const entry of lb.rps) if (entry.at <= t) rps = entry.rps;
  return rps;
}

const cache = new WeakMap<SimState, Map<number, EntityBucket[]>>();

export function clearTrafficCache(s: SimState): void {
  cache.delete(s);
}

/** Per-entity stats for the 10 s bucket starting at `start` (ms, aligned). Cached once in the past. */
export function bucketAt(s: SimState, start: number): EntityBucket[] {
  let perState = cache.get(s);
  if (!perState) cache.set(s, (perState = new Map()));
  const hit = perState.get(start);
  if (hit) return hit;
  const result = computeBucket(s, start);
  if (start + BUCKET_MS <= s.clock.now()) {
    if (perState.size > 50_000) perState.clear();
    perState.set(start, result);
  }
  return result;
}

/** Requests each target group should get from one load balancer in a bucket, by listener rule weights; and those the ELB answers itself (all weights 0). */
function routedRequests(s: SimState, lb: LoadBalancer, t: number, lbRequests: number): { perTg: Map<string, number>; elbOnly: number } {
  const perTg = new Map<string, number>();
  let elbOnly = 0;
  const listeners = [...s.listeners.values()].filter((l) => l.loadBalancerArn === lb.arn && (s.rules.get(l.defaultRuleArn)?.createdAt ?? Infinity) <= t);
  for (const listener of listeners) {
    const rules = [...s.rules.values()].filter((r) => r.listenerArn === listener.arn && r.createdAt <= t);
    const perRule = listeners.length > 0 && rules.length > 0 ? lbRequests / listeners.length / rules.length : 0;
    for (const rule of rules) {
      const actions = actionsAt(rule, t) ?? [];
      const forward = actions.find((a) => a.Type === "forward");
      if (!forward) continue;
      const targets = forwardTargets(forward);
      const total = targets.reduce((sum, x) => sum + x.weight, 0);
      for (const x of targets) perTg.set(x.targetGroupArn, (perTg.get(x.targetGroupArn) ?? 0) + (total > 0 ? (perRule * x.weight) / total : 0));
      if (total === 0) elbOnly += perRule;
    }
  }
  return { perTg, elbOnly };
}

/** One target group's stats in a bucket: its targets' health and behaviour applied to the requests routed to it. */
function targetGroupStats(s: SimState, tg: TargetGroup, expected: number, start: number, t: number): BucketStats {
  const stats = emptyStats();
  stats.inUse = true;
  const healthy: Array<{ keys: string[] }> = [];
  const unhealthy: Array<{ keys: string[] }> = [];
  for (const rec of tg.targets) {
    const state = targetStateAt(s, rec, t)?.state;
    if (state === "healthy") healthy.push({ keys: rec.behaviourKeys });
    else if (state === "unhealthy") unhealthy.push({ keys: rec.behaviourKeys });
  }
  stats.healthyHosts = healthy.length;
  stats.unhealthyHosts = unhealthy.length;
  const requests = Math.floor(expected + stableUniform(s.config.seed, tg.arn, start, "requests"));
  stats.requests = requests;
  const routable = healthy.length > 0 ? healthy : unhealthy;
  if (requests > 0 && routable.length === 0) {
    stats.elb5xx = requests;
  } else if (requests > 0) {
    let errorRatio = 0;
    let latencyMs = 0;
    for (const target of routable) {
      const b = behaviourAt(s, target.keys, t);
      errorRatio += b.errorRate / routable.length;
      latencyMs += b.latencyMs / routable.length;
    }
    const errors = Math.min(requests, Math.floor(requests * errorRatio + stableUniform(s.config.seed, tg.arn, start, "errors")));
    const jitter = 1 + 0.1 * (stableUniform(s.config.seed, tg.arn, start, "latency") - 0.5);
    stats.target5xx = errors;
    stats.target2xx = requests - errors;
    stats.targetRequests = requests;
    stats.latencySum = (requests * latencyMs * jitter) / 1000;
  }
  return stats;
}

function addStats(into: BucketStats, from: BucketStats): void {
  into.requests += from.requests;
  into.target2xx += from.target2xx;
  into.target5xx += from.target5xx;
  into.elb5xx += from.elb5xx;
  into.latencySum += from.latencySum;
  into.targetRequests += from.targetRequests;
  into.healthyHosts += from.healthyHosts;
  into.unhealthyHosts += from.unhealthyHosts;
}

function computeBucket(s: SimState, start: number): EntityBucket[] {
  const t = start + BUCKET_MS / 2;
  const seconds = BUCKET_MS / 1000;
  const out: EntityBucket[] = [];
  const region = s.config.region;
  const account = s.config.accountId;
  for (const lb of s.loadBalancers.values()) {
    if (lb.createdAt > t) continue;
    const lbDim = loadBalancerDimension(lb);
    const lbStats = emptyStats();
    lbStats.inUse = true;
    const { perTg, elbOnly } = routedRequests(s, lb, t, rpsAt(lb, t) * seconds);
    for (const [tgArn, expected] of perTg) {
      const tg = s.targetGroups.get(tgArn);
      if (!tg) continue;
      const stats = targetGroupStats(s, tg, expected, start, t);
      addStats(lbStats, stats);
      out.push({
        key: `${tgArn}|${lb.arn}`,
        level: "targetgroup",
        tags: {
          targetgroup: targetGroupDimension(tg),
          target_group: targetGroupDimension(tg),
          target_group_name: tg.name,
          loadbalancer: lbDim,
          load_balancer_name: lb.name,
          region,
          aws_account: account,
        },
        stats,
      });
    }
    const elbOnlyCount = Math.floor(elbOnly + stableUniform(s.config.seed, lb.arn, start, "elb-only"));
    lbStats.requests += elbOnlyCount;
    lbStats.elb5xx += elbOnlyCount;
    out.push({
      key: lb.arn,
      level: "loadbalancer",
      tags: { loadbalancer: lbDim, load_balancer_name: lb.name, name: lb.name, region, aws_account: account },
      stats: lbStats,
    });
  }
  return out;
}

/** Aligned bucket starts covering [fromMs, toMs), limited to complete buckets old enough to serve. */
export function bucketStarts(s: SimState, fromMs: number, toMs: number): number[] {
  const newest = s.clock.now() - s.config.metricsDelayMs;
  const end = Math.min(toMs, newest);
  const out: number[] = [];
  const first = Math.ceil(fromMs / BUCKET_MS) * BUCKET_MS;
  for (let b = first; b + BUCKET_MS <= end; b += BUCKET_MS) {
    out.push(b);
    if (out.length > 200_000) break;
  }
  return out;
}

// ---------------------------------------------------------------- metric kinds

export type MetricKind =
  | "request_count" | "target_2xx" | "target_4xx" | "target_5xx" | "elb_5xx" | "elb_4xx"
  | "response_time" | "healthy_hosts" | "unhealthy_hosts";

/** How a metric combines over time: counts add up, gauges average (response time by requests). */
export const metricCombine: Record<MetricKind, "sum" | "avg" | "weighted"> = {
  request_count: "sum", target_2xx: "sum", target_4xx: "sum", target_5xx: "sum", elb_5xx: "sum", elb_4xx: "sum",
  response_time: "weighted", healthy_hosts: "avg", unhealthy_hosts: "avg",
};

/** One bucket's value of a metric for an entity, or undefined for "no data" (no traffic). */
export function metricValue(kind: MetricKind, st: BucketStats): { value: number; weight: number } | undefined {
  if (kind === "healthy_hosts") return st.inUse ? { value: st.healthyHosts, weight: 1 } : undefined;
  if (kind === "unhealthy_hosts") return st.inUse ? { value: st.unhealthyHosts, weight: 1 } : undefined;
  if (st.requests <= 0) return undefined;
  switch (kind) {
    case "request_count":
      return { value: st.requests, weight: 1 };
    case "target_2xx":
      return { value: st.target2xx, weight: 1 };
    case "target_5xx":
      return { value: st.target5xx, weight: 1 };
    case "elb_5xx":
      return { value: st.elb5xx, weight: 1 };
    case "target_4xx":
    case "elb_4xx":
      return { value: 0, weight: 1 };
    case "response_time":
      return st.targetRequests > 0 ? { value: st.latencySum / st.targetRequests, weight: st.targetRequests } : undefined;
  }
}

/** Per entity, the metric's value over [start, start + periodMs) combined from 10 s buckets. */
export function periodValues(s: SimState, kind: MetricKind, start: number, periodMs: number): Map<string, { entity: EntityBucket; value: number; weight: number }> {
  const out = new Map<string, { entity: EntityBucket; value: number; weight: number; n: number }>();
  for (const b of bucketStarts(s, start, start + periodMs)) {
    for (const entity of bucketAt(s, b)) {
      const v = metricValue(kind, entity.stats);
      if (!v) continue;
      const acc = out.get(entity.key) ?? { entity, value: 0, weight: 0, n: 0 };
      const how = metricCombine[kind];
      if (how === "sum") acc.value += v.value;
      else if (how === "avg") acc.value += v.value;
      else acc.value += v.value * v.weight;
      acc.weight += v.weight;
      acc.n += 1;
      out.set(entity.key, acc);
    }
  }
  for (const acc of out.values()) {
    const how = metricCombine[kind];
    if (how === "avg") acc.value /= acc.n;
    else if (how === "weighted") acc.value = acc.weight > 0 ? acc.value / acc.weight : 0;
  }
  return out;
}
