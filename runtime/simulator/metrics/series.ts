// Shared by the Datadog and Prometheus front ends: metric name tables and evaluation of one
// metric over aligned periods, with space aggregation over the matching entities.

import type { SimState } from "../state.ts";
import { type EntityBucket, type MetricKind, metricCombine, periodValues } from "./traffic-model.ts";

/** Datadog AWS-integration metric names (plus the common statistic suffixes). */
export const DATADOG_METRICS: Record<string, { kind: MetricKind; scale?: number }> = {
  "aws.applicationelb.request_count": { kind: "request_count" },
  "aws.applicationelb.httpcode_target_2xx": { kind: "target_2xx" },
  "aws.applicationelb.httpcode_target_4xx": { kind: "target_4xx" },
  "aws.applicationelb.httpcode_target_5xx": { kind: "target_5xx" },
  "aws.applicationelb.httpcode_elb_4xx": { kind: "elb_4xx" },
  "aws.applicationelb.httpcode_elb_5xx": { kind: "elb_5xx" },
  "aws.applicationelb.target_response_time.average": { kind: "response_time" },
  "aws.applicationelb.target_response_time.p50": { kind: "response_time", scale: 0.9 },
  "aws.applicationelb.target_response_time.p90": { kind: "response_time", scale: 1.6 },
  "aws.applicationelb.target_response_time.p95": { kind: "response_time", scale: 1.9 },
  "aws.applicationelb.target_response_time.p99": { kind: "response_time", scale: 2.5 },
  "aws.applicationelb.target_response_time.maximum": { kind: "response_time", scale: 4 },
  "aws.applicationelb.healthy_host_count": { kind: "healthy_hosts" },
  "aws.applicationelb.healthy_host_count.maximum": { kind: "healthy_hosts" },
  "aws.applicationelb.healthy_host_count.minimum": { kind: "healthy_hosts" },
  "aws.applicationelb.un_healthy_host_count": { kind: "unhealthy_hosts" },
  "aws.applicationelb.un_healthy_host_count.maximum": { kind: "unhealthy_hosts" },
};

const TG_KEYS = ["targetgroup", "target_group", "target_group_name"];

/** Target-group level series when the query mentions a target group; load balancer level otherwise. */
export function levelFor(keys: string[]): EntityBucket["level"] {
  return keys.some((k) => TG_KEYS.includes(k)) ? "targetgroup" : "loadbalancer";
}

export type Aggregator = "sum" | "avg" | "min" | "max" | "count";

export function aggregate(values: number[], how: Aggregator): number {
  switch (how) {
    case "sum":
      return values.reduce((a, b) => a + b, 0);
    case "avg":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "min":
      return Math.min(...values);
    case "max":
      return Math.max(...values);
    case "count":
      return values.length;
  }
}

export interface GroupSeries {
  /** Group-by tags (empty for a single aggregated series). */
  group: Record<string, string>;
  points: Map<number, number>;
}

/**
 * Evaluate a metric for [fromMs, toMs) at `periodMs` resolution: per period, the matching
 * entities' values (combined over 10 s buckets) are aggregated in space per group. Periods
 * with no matching data produce no point.
 */
export function evaluateMetric(
  s: SimState,
  kind: MetricKind,
  fromMs: number,
  toMs: number,
  periodMs: number,
  match: (entity: EntityBucket) => boolean,
  groupBy: string[],
  spaceAggr: Aggregator,
): GroupSeries[] {
  const groups = new Map<string, GroupSeries>();
  const first = Math.floor(fromMs / periodMs) * periodMs;
  for (let p = first; p < toMs; p += periodMs) {
    const values = periodValues(s, kind, Math.max(p, first), periodMs);
    const perGroup = new Map<string, { group: Record<string, string>; values: number[] }>();
    for (const { entity, value } of values.values()) {
      if (!match(entity)) continue;
      const group: Record<string, string> = {};
      for (const k of groupBy) group[k] = entity.tags[k] ?? "N/A";
      const key = JSON.stringify(group);
      const acc = perGroup.get(key) ?? { group, values: [] };
      acc.values.push(value);
      perGroup.set(key, acc);
    }
    for (const [key, { group, values: vs }] of perGroup) {
      const g = groups.get(key) ?? { group, points: new Map() };
      g.points.set(p, aggregate(vs, spaceAggr));
      groups.set(key, g);
    }
  }
  return [...groups.values()];
}

export const isCountKind = (kind: MetricKind) => metricCombine[kind] === "sum";
