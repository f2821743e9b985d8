// The Prometheus-compatible front end: `GET|POST /api/v1/query_range` and `/api/v1/query`
// (without Datadog's from/to), answering the `alb_*` metrics below from the traffic model.
// Timestamps are simulated epoch seconds. A window with no traffic yields no sample.

import type { SimState } from "../state.ts";
import { type PromMatcher, type PromNode, parseDuration, parsePromQL, PromQLError, type PromSelector } from "./promql.ts";
import { aggregate, levelFor } from "./series.ts";
import { type EntityBucket, type MetricKind, periodValues } from "./traffic-model.ts";

/** Prometheus metric names; counters are cumulative over the last 6 h of history when read raw. */
export const PROMETHEUS_METRICS: Record<string, { kind: MetricKind; type: "counter" | "gauge" }> = {
  alb_request_count: { kind: "request_count", type: "counter" },
  alb_httpcode_target_2xx_count: { kind: "target_2xx", type: "counter" },
  alb_httpcode_target_5xx_count: { kind: "target_5xx", type: "counter" },
  alb_httpcode_elb_5xx_count: { kind: "elb_5xx", type: "counter" },
  alb_target_response_time_seconds: { kind: "response_time", type: "gauge" },
  alb_healthy_host_count: { kind: "healthy_hosts", type: "gauge" },
  alb_unhealthy_host_count: { kind: "unhealthy_hosts", type: "gauge" },
};

const RAW_COUNTER_LOOKBACK_MS = 6 * 3_600_000;
const GAUGE_LOOKBACK_MS = 60_000;
const MAX_POINTS = 11_000;

type Sample = { labels: Record<string, string>; value: number };
type Val = Sample[] | number;

function promLabels(e: EntityBucket, name: string): Record<string, string> {
  const out: Record<string, string> = { __name__: name, load_balancer: e.tags.loadbalancer, load_balancer_name: e.tags.load_balancer_name, region: e.tags.region };
  if (e.level === "targetgroup") {
    out.target_group = e.tags.targetgroup;
    out.target_group_name = e.tags.target_group_name;
  }
  return out;
}

function matches(m: PromMatcher, value: string | undefined): boolean {
  const v = value ?? "";
  switch (m.op) {
    case "=":
      return v === m.value;
    case "!=":
      return v !== m.value;
    case "=~":
      return new RegExp(`^(?:${m.value})$`).test(v);
    case "!~":
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

function select(s: SimState, sel: PromSelector, t: number, windowMs: number, how: "sum" | "rate" | "value", preferTg: boolean): Sample[] {
  const def = PROMETHEUS_METRICS[sel.name];
  if (!def) return [];
  const level = preferTg || levelFor(sel.matchers.map((m) => m.label)) === "targetgroup" ? "targetgroup" : "loadbalancer";
  const values = periodValues(s, def.kind, t - windowMs, windowMs);
  const out: Sample[] = [];
  for (const { entity, value } of values.values()) {
    if (entity.level !== level) continue;
    const labels = promLabels(entity, sel.name);
    if (!sel.matchers.every((m) => matches(m, labels[m.label]))) continue;
    out.push({ labels, value: how === "rate" ? value / (windowMs / 1000) : value });
  }
  return out;
}

const dropName = (l: Record<string, string>) => {
  const { __name__: _n, ...rest } = l;
  return rest;
};

function evalAt(s: SimState, node: PromNode, t: number, preferTg = false): Val {
  switch (node.kind) {
    case "num":
      return node.value;
    case "neg": {
      const v = evalAt(s, node.arg, t, preferTg);
      return typeof v === "number" ? -v : v.map((x) => ({ labels: dropName(x.labels), value: -x.value }));
    }
    case "selector": {
      if (node.rangeMs !== undefined) throw new PromQLError("a range vector must be wrapped in a function such as rate()");
      const def = PROMETHEUS_METRICS[node.name];
      if (!def) return [];
      return def.type === "counter" ? select(s, node, t, RAW_COUNTER_LOOKBACK_MS, "sum", preferTg) : select(s, node, t, GAUGE_LOOKBACK_MS, "value", preferTg);
    }
    case "func": {
      const sel = node.arg;
      const how = node.name === "rate" || node.name === "irate" ? "rate" : "sum";
      const samples = select(s, sel, t, sel.rangeMs!, node.name.endsWith("_over_time") ? "value" : how, preferTg);
      return samples.map((x) => ({ labels: dropName(x.labels), value: x.value }));
    }
    case "aggr": {
      const wantsTg = (node.by ?? []).some((l) => l.startsWith("target_group"));
      const v = evalAt(s, node.arg, t, preferTg || wantsTg);
      if (typeof v === "number") return v;
      const groups = new Map<string, { labels: Record<string, string>; values: number[] }>();
      for (const x of v) {
        const labels: Record<string, string> = {};
        if (node.by) for (const l of node.by) { if (x.labels[l] !== undefined) labels[l] = x.labels[l]; }
        else if (node.without) for (const [k, val] of Object.entries(dropName(x.labels))) { if (!node.without.includes(k)) labels[k] = val; }
        const key = JSON.stringify(labels);
        const g = groups.get(key) ?? { labels, values: [] };
        g.values.push(x.value);
        groups.set(key, g);
      }
      return [...groups.values()].map((g) => ({ labels: g.labels, value: aggregate(g.values, node.op) }));
    }
    case "bin": {
      const l = evalAt(s, node.left, t, preferTg);
      const r = evalAt(s, node.right, t, preferTg);
      const f = (a: number, b: number) => (node.op === "+" ? a + b : node.op === "-" ? a - b : node.op === "*" ? a * b : a / b);
      if (typeof l === "number" && typeof r === "number") return f(l, r);
      if (typeof l === "number") return (r as Sample[]).map((x) => ({ labels: dropName(x.labels), value: f(l, x.value) }));
      if (typeof r === "number") return l.map((x) => ({ labels: dropName(x.labels), value: f(x.value, r) }));
      const out: Sample[] = [];
      for (const a of l) {
        const key = JSON.stringify(dropName(a.labels));
        const b = r.find((x) => JSON.stringify(dropName(x.labels)) === key);
        if (b) out.push({ labels: dropName(a.labels), value: f(a.value, b.value) });
      }
      return out;
    }
  }
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const bad = (error: string) => json({ status: "error", errorType: "bad_data", error }, 400);

function parseTime(v: string | null, fallback: number): number {
  if (v === null || v === "") return fallback;
  const n = Number(v);
  if (Number.isFinite(n)) return n * 1000;
  const d = Date.parse(v);
  if (Number.isFinite(d)) return d;
  throw new PromQLError(`cannot parse "${v}" to a valid timestamp`);
}

function parseStep(v: string | null): number {
  if (!v) throw new PromQLError("missing step");
  const n = Number(v);
  return Number.isFinite(n) ? n * 1000 : parseDuration(v);
}

async function params(req: Request, url: URL): Promise<URLSearchParams> {
  const out = new URLSearchParams(url.searchParams);
  if (req.method === "POST") for (const [k, v] of new URLSearchParams(await req.text())) out.set(k, v);
  return out;
}

const fmt = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(v));

export async function handlePromQueryRange(s: SimState, req: Request, url: URL): Promise<Response> {
  const p = await params(req, url);
  try {
    const query = p.get("query");
    if (!query) return bad("missing query");
    const node = parsePromQL(query);
    const start = parseTime(p.get("start"), NaN);
    const end = parseTime(p.get("end"), NaN);
    const step = parseStep(p.get("step"));
    if (!Number.isFinite(start) || !Number.isFinite(end)) return bad("start and end are required");
    if (end < start) return bad("end timestamp must not be before start time");
    if (!(step > 0)) return bad("zero or negative query resolution step widths are not accepted");
    if ((end - start) / step > MAX_POINTS) return bad("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    const series = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
    for (let t = start; t <= end; t += step) {
      if (t > s.clock.now()) break;
      const v = evalAt(s, node, t);
      const samples = typeof v === "number" ? [{ labels: {}, value: v }] : v;
      for (const x of samples) {
        if (!Number.isFinite(x.value)) continue;
        const key = JSON.stringify(x.labels);
        const entry = series.get(key) ?? { metric: x.labels, values: [] };
        entry.values.push([t / 1000, fmt(x.value)]);
        series.set(key, entry);
      }
    }
    return json({ status: "success", data: { resultType: "matrix", result: [...series.values()] } });
  } catch (e) {
    if (e instanceof PromQLError) return bad(e.message);
    throw e;
  }
}

export async function handlePromQuery(s: SimState, req: Request, url: URL): Promise<Response> {
  const p = await params(req, url);
  try {
    const query = p.get("query");
    if (!query) return bad("missing query");
    const t = parseTime(p.get("time"), s.clock.now());
    const v = evalAt(s, parsePromQL(query), t);
    if (typeof v === "number") return json({ status: "success", data: { resultType: "scalar", result: [t / 1000, fmt(v)] } });
    return json({
      status: "success",
      data: { resultType: "vector", result: v.filter((x) => Number.isFinite(x.value)).map((x) => ({ metric: x.labels, value: [t / 1000, fmt(x.value)] })) },
    });
  } catch (e) {
    if (e instanceof PromQLError) return bad(e.message);
    throw e;
  }
}
