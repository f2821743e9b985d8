// Prometheus over its HTTP API: GET /api/v1/query_range?query&start&end&step. Optional basic
// auth (usernameFile/passwordFile) or bearer token (bearerTokenFile), read by the registry.
import type { MetricsProvider, QueryResult, QueryWindow } from "../types.ts";
import { excerpt, isRetryableStatus, ProviderError, retryAfterMs } from "./errors.ts";
import { wallClock, type MetricClock } from "./metric-clock.ts";

export interface PrometheusOptions {
  name: string;
  address: string;
  username?: string;
  password?: string;
  bearerToken?: string;
  now?: MetricClock;
  fetch?: typeof fetch;
}

export class PrometheusProvider implements MetricsProvider {
  readonly type = "PROMETHEUS";
  readonly name: string;
  private readonly clock: MetricClock;

  constructor(private readonly o: PrometheusOptions) {
    this.name = o.name;
    this.clock = o.now ?? wallClock;
  }

  now(signal?: AbortSignal): Promise<number> {
    return this.clock(signal);
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { accept: "application/json" };
    if (this.o.bearerToken) h.authorization = `Bearer ${this.o.bearerToken}`;
    else if (this.o.username !== undefined) h.authorization = `Basic ${btoa(`${this.o.username}:${this.o.password ?? ""}`)}`;
    return h;
  }

  async query(query: string, w: QueryWindow, signal: AbortSignal): Promise<QueryResult> {
    const url = new URL(`${this.o.address.replace(/\/+$/, "")}/api/v1/query_range`);
    url.searchParams.set("query", query);
    url.searchParams.set("start", (w.from / 1000).toFixed(3));
    url.searchParams.set("end", (w.to / 1000).toFixed(3));
    url.searchParams.set("step", `${Math.max(1, Math.round(w.stepMs / 1000))}s`);
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(url, { headers: this.headers(), signal });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw new ProviderError(`Prometheus request failed: ${(e as Error).message}`, true);
    }
    const text = await res.text();
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: reported below */
    }
    if (!res.ok || body?.status !== "success") {
      const msg = body?.error ? `${body.errorType ?? "error"}: ${body.error}` : excerpt(text) || res.statusText;
      const hint = res.status === 401 || res.status === 403 ? " (check usernameFile/passwordFile or bearerTokenFile)" : "";
      throw new ProviderError(`Prometheus answered HTTP ${res.status}: ${msg}${hint}`, isRetryableStatus(res.status), res.status, retryAfterMs(res.headers));
    }
    const result = body.data?.result;
    const values: number[] = [];
    if (body.data?.resultType === "matrix" && Array.isArray(result)) {
      for (const s of result) {
        for (const [, v] of s.values ?? []) {
          const n = Number(v);
          if (Number.isFinite(n)) values.push(n);
        }
      }
    } else if (body.data?.resultType === "scalar" && Array.isArray(result)) {
      const n = Number(result[1]);
      if (Number.isFinite(n)) values.push(n);
    }
    if (values.length === 0) return { noData: true, reason: Array.isArray(result) && result.length ? "Prometheus returned series without finite values" : "Prometheus returned no series for the window" };
    return { series: values };
  }
}
