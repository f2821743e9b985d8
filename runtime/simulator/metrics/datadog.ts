// The Datadog front end: `GET /api/v1/query?from=<s>&to=<s>&query=<q>` (MetricsApi.queryMetrics)
// answering ALB metrics from the traffic model, `GET /api/v1/validate`, and
// `POST /api/v2/query/timeseries` (formulas over named queries). Keys are checked: missing or
// wrong DD-API-KEY / DD-APPLICATION-KEY gives 403 `{"errors": ["Forbidden"]}` as Datadog does.
// Timestamps are simulated epoch time (see GET /_sim/clock).

import type { SimState } from "../state.ts";
import { type DdMetric, type DdNode, parseDatadogQuery, QueryError, tagMatches } from "./query-parser.ts";
import { aggregate, DATADOG_METRICS, evaluateMetric, type GroupSeries, isCountKind, levelFor } from "./series.ts";

interface Series {
  group: Record<string, string>;
  points: Map<number, number>;
  metric: string;
  aggr?: string;
  scope: string;
  expression: string;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export function checkDatadogKeys(s: SimState, req: Request): Response | undefined {
  const api = req.headers.get("dd-api-key");
  const app = req.headers.get("dd-application-key");
  const okApi = !!api && (s.config.datadogApiKeys.length === 0 || s.config.datadogApiKeys.includes(api));
  const okApp = !!app && (s.config.datadogAppKeys.length === 0 || s.config.datadogAppKeys.includes(app));
  if (!okApi || !okApp) return json({ errors: ["Forbidden"] }, 403);
  return undefined;
}

/** The default rollup interval: ALB metrics are per minute; long windows get coarser points. */
export function defaultIntervalSeconds(fromMs: number, toMs: number): number {
  const minutes = Math.max(1, (toMs - fromMs) / 60_000);
  return Math.max(60, Math.ceil(minutes / 1500) * 60);
}

function evalMetricNode(s: SimState, node: DdMetric, fromMs: number, toMs: number): Series[] {
  const def = DATADOG_METRICS[node.metric];
  if (!def) return []; // unknown metric: no data, exactly as Datadog answers
  let interval = node.rollup?.seconds ?? defaultIntervalSeconds(fromMs, toMs);
  interval = Math.max(10, Math.ceil(interval / 10) * 10);
  const native = Math.min(interval, 60);
  if (interval > 60) interval = Math.ceil(interval / 60) * 60;
  const level = levelFor([...node.filters.map((f) => f.key), ...node.groupBy]);
  const match = (e: { level: string; tags: Record<string, string> }) =>
    e.level === level && node.filters.every((f) => tagMatches(f.value, e.tags[f.key]) !== f.negate);
  const groups: GroupSeries[] = evaluateMetric(s, def.kind, fromMs, toMs, native * 1000, match, node.groupBy, node.aggr);
  const method = node.rollup?.method ?? (node.asCount && isCountKind(def.kind) ? "sum" : "avg");
  return groups
    .map((g) => {
      const rolled = new Map<number, number[]>();
      for (const [t, v0] of g.points) {
        let v = v0 * (def.scale ?? 1);
        if (node.asRate && isCountKind(def.kind)) v = v / native;
        const bucket = Math.floor(t / (interval * 1000)) * interval * 1000;
        const list = rolled.get(bucket) ?? [];
        list.push(v);
        rolled.set(bucket, list);
      }
      const points = new Map<number, number>();
      for (const [t, vs] of [...rolled].sort((a, b) => a[0] - b[0])) points.set(t, aggregate(vs, method));
      const groupScope = Object.entries(g.group).map(([k, v]) => `${k}:${v}`);
      return {
        group: g.group,
        points,
        metric: node.metric,
        aggr: node.aggr,
        scope: [node.scope === "*" ? "" : node.scope, ...groupScope].filter(Boolean).join(",") || "*",
        expression: node.text,
      };
    })
    .filter((x) => x.points.size > 0);
}

function combine(op: "+" | "-" | "*" | "/", a: number, b: number): number | undefined {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? undefined : a / b;
  }
}

type Value = Series[] | number;

function evalNode(s: SimState, node: DdNode, fromMs: number, toMs: number, text: string): Value {
  switch (node.kind) {
    case "num":
      return node.value;
    case "metric":
      return evalMetricNode(s, node, fromMs, toMs);
    case "neg": {
      const v = evalNode(s, node.arg, fromMs, toMs, text);
      return typeof v === "number" ? -v : v.map((x) => ({ ...x, points: new Map([...x.points].map(([t, p]) => [t, -p])) }));
    }
    case "fn": {
      const v = evalNode(s, node.arg, fromMs, toMs, text);
      if (typeof v === "number") return node.name === "abs" ? Math.abs(v) : v;
      return v.map((x) => {
        const points = new Map([...x.points].map(([t, p]) => [t, node.name === "abs" ? Math.abs(p) : p]));
        if (node.name === "default_zero" && points.size > 0) {
          const times = [...points.keys()];
          const step = times.length > 1 ? Math.min(...times.slice(1).map((t, i) => t - times[i])) : 60_000;
          for (let t = Math.floor(fromMs / step) * step; t + step <= Math.min(toMs, s.clock.now()); t += step) {
            if (t >= fromMs && !points.has(t)) points.set(t, 0);
          }
          return { ...x, points: new Map([...points].sort((a, b) => a[0] - b[0])) };
        }
        return { ...x, points };
      });
    }
    case "bin": {
      const l = evalNode(s, node.left, fromMs, toMs, text);
      const r = evalNode(s, node.right, fromMs, toMs, text);
      if (typeof l === "number" && typeof r === "number") return combine(node.op, l, r) ?? NaN;
      const pairs: Array<[Series | number, Series | number]> = [];
      if (typeof l === "number") for (const x of r as Series[]) pairs.push([l, x]);
      else if (typeof r === "number") for (const x of l) pairs.push([x, r]);
      else if (l.length === 1 || r.length === 1) {
        for (const a of l) for (const b of r) pairs.push([a, b]);
      } else {
        for (const a of l) {
          const b = r.find((x) => JSON.stringify(x.group) === JSON.stringify(a.group));
          if (b) pairs.push([a, b]);
        }
      }
      const out: Series[] = [];
      for (const [a, b] of pairs) {
        const base = typeof a === "number" ? (b as Series) : a;
        const points = new Map<number, number>();
        const times = typeof a === "number" ? [...(b as Series).points.keys()] : [...a.points.keys()];
        for (const t of times) {
          const av = typeof a === "number" ? a : a.points.get(t);
          const bv = typeof b === "number" ? b : b.points.get(t);
          if (av === undefined || bv === undefined) continue;
          const v = combine(node.op, av, bv);
          if (v !== undefined && Number.isFinite(v)) points.set(t, v);
        }
        if (points.size > 0) out.push({ ...base, points, metric: text, aggr: undefined, expression: text });
      }
      return out;
    }
  }
}

/** Evaluate a full query (possibly comma-separated) to Datadog v1 series. */
export function queryDatadog(s: SimState, query: string, fromMs: number, toMs: number) {
  const nodes = parseDatadogQuery(query);
  const parts = splitTopLevel(query);
  const series = [];
  for (let i = 0; i < nodes.length; i++) {
    const v = evalNode(s, nodes[i], fromMs, toMs, parts[i] ?? query);
    if (typeof v === "number") continue;
    for (const x of v) {
      const pointlist = [...x.points].sort((a, b) => a[0] - b[0]);
      const interval = pointlist.length > 1 ? (pointlist[1][0] - pointlist[0][0]) / 1000 : 60;
      series.push({
        metric: x.metric,
        display_name: x.metric,
        expression: x.expression,
        scope: x.scope,
        tag_set: Object.entries(x.group).map(([k, v]) => `${k}:${v}`),
        aggr: x.aggr ?? null,
        pointlist,
        start: pointlist[0][0],
        end: pointlist[pointlist.length - 1][0] + interval * 1000 - 1,
        interval,
        length: pointlist.length,
        query_index: i,
        unit: null,
        attributes: {},
      });
    }
  }
  return series;
}

function splitTopLevel(q: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of q) {
    if (ch === "(" || ch === "{") depth++;
    if (ch === ")" || ch === "}") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

export function handleDatadogV1Query(s: SimState, url: URL): Response {
  const from = Number(url.searchParams.get("from"));
  const to = Number(url.searchParams.get("to"));
  const query = url.searchParams.get("query");
  if (!url.searchParams.has("from") || !Number.isFinite(from)) return json({ errors: ["Missing or invalid 'from' parameter"] }, 400);
  if (!url.searchParams.has("to") || !Number.isFinite(to)) return json({ errors: ["Missing or invalid 'to' parameter"] }, 400);
  if (!query) return json({ errors: ["Missing 'query' parameter"] }, 400);
  if (to < from) return json({ errors: ["'from' must be before 'to'"] }, 400);
  try {
    const series = queryDatadog(s, query, from * 1000, to * 1000);
    return json({
      status: "ok",
      res_type: "time_series",
      resp_version: 1,
      query,
      from_date: from * 1000,
      to_date: to * 1000,
      series,
      values: [],
      times: [],
      message: "",
      group_by: [],
    });
  } catch (e) {
    if (e instanceof QueryError) return json({ errors: [`Error parsing query: ${e.message}`] }, 400);
    throw e;
  }
}

/** v2 timeseries: `{data: {type: "timeseries_request", attributes: {from, to, queries, formulas}}}` (from/to in ms). */
export async function handleDatadogV2Timeseries(s: SimState, req: Request): Promise<Response> {
  let body: any;
  try {
    body = await req.json();
  } catch {
    return json({ errors: ["Malformed JSON"] }, 400);
  }
  const attrs = body?.data?.attributes;
  if (!attrs || typeof attrs.from !== "number" || typeof attrs.to !== "number" || !Array.isArray(attrs.queries)) {
    return json({ errors: ["data.attributes.from, to and queries are required"] }, 400);
  }
  try {
    const named = new Map<string, string>();
    for (const q of attrs.queries) named.set(q.name, q.query);
    const formulas: string[] = Array.isArray(attrs.formulas) && attrs.formulas.length > 0
      ? attrs.formulas.map((f: any) => f.formula)
      : [...named.keys()];
    const series: any[] = [];
    const times = new Set<number>();
    const evaluated: Series[][] = [];
    for (const formula of formulas) {
      // substitute query names with their text, then evaluate as one expression
      const text = formula.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (name) => (named.has(name) ? `(${named.get(name)})` : name));
      const v = evalNode(s, parseDatadogQuery(text)[0], attrs.from, attrs.to, formula);
      const list = typeof v === "number" ? [] : v;
      evaluated.push(list);
      for (const x of list) for (const t of x.points.keys()) times.add(t);
    }
    const sortedTimes = [...times].sort((a, b) => a - b);
    const values: Array<Array<number | null>> = [];
    evaluated.forEach((list, qi) => {
      for (const x of list) {
        series.push({ group_tags: Object.entries(x.group).map(([k, v]) => `${k}:${v}`), query_index: qi, unit: null });
        values.push(sortedTimes.map((t) => x.points.get(t) ?? null));
      }
    });
    return json({ data: { type: "timeseries_response", attributes: { series, times: sortedTimes, values } } });
  } catch (e) {
    if (e instanceof QueryError) return json({ errors: [`Error parsing query: ${e.message}`] }, 400);
    throw e;
  }
}
