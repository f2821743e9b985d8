// Datadog metrics through the official client (@datadog/datadog-api-client, v1
// MetricsApi.queryMetrics = GET /api/v1/query). `address` may be a site (datadoghq.com,
// datadoghq.eu, ...: https://api.<site>) or a full base URL (the embedded simulator, a proxy),
// which becomes the client's `baseServer`. The client's own retry is off: the engine retries
// 429/5xx with back-off inside the sample's time budget.
import type { client as Client, v1 } from "@datadog/datadog-api-client";
import type { MetricsProvider, QueryResult, QueryWindow } from "../types.ts";
import { excerpt, isRetryableStatus, ProviderError } from "./errors.ts";
import { wallClock, type MetricClock } from "./metric-clock.ts";

interface DatadogClient {
  client: typeof Client;
  MetricsApi: typeof v1.MetricsApi;
}

const PACKAGE = "@datadog/datadog-api-client/dist";
const cjs = (m: any) => m.default ?? m;
let loading: Promise<DatadogClient> | undefined;

/**
 * The client's common part and v1 MetricsApi, loaded when the first Datadog provider is made
 * (a runtime config that has one), not when this module is imported. The package's index loads
 * every v1 and v2 API (about 9,000 modules): imported at the top, that cost every `kanaria
 * deploy` and `serve` process seconds of CPU at start, Datadog provider or not.
 */
function datadogClient(): Promise<DatadogClient> {
  loading ??= Promise.all([
    import(`${PACKAGE}/packages/datadog-api-client-common/index.js`),
    import(`${PACKAGE}/packages/datadog-api-client-v1/apis/MetricsApi.js`),
    import(`${PACKAGE}/logger.js`),
  ]).then(([client, metrics, logger]) => {
    // The client logs every failed request itself; Kanaria reports them per sample instead.
    if (!(globalThis as any).process?.env?.DEBUG) cjs(logger).logger.setLevel?.("silent");
    return { client: cjs(client), MetricsApi: cjs(metrics).MetricsApi };
  });
  return loading;
}

export interface DatadogOptions {
  name: string;
  /** Site (datadoghq.com) or base URL (http://127.0.0.1:4566). Default datadoghq.com. */
  address?: string;
  apiKey: string;
  applicationKey: string;
  now?: MetricClock;
  fetch?: typeof fetch;
}

export function isBaseUrl(address: string): boolean {
  return /^https?:\/\//i.test(address);
}

export class DatadogProvider implements MetricsProvider {
  readonly type = "DATADOG";
  readonly name: string;
  private api: v1.MetricsApi | undefined;
  private readonly clock: MetricClock;

  constructor(private readonly o: DatadogOptions) {
    this.name = o.name;
    this.clock = o.now ?? wallClock;
    // Start loading now, so that the first query (inside an analysis' time budget) finds it loaded.
    datadogClient().catch(() => {});
  }

  /** The base URL queries go to (for messages and tests). */
  get baseUrl(): string {
    const address = this.o.address ?? "datadoghq.com";
    return isBaseUrl(address) ? address.replace(/\/+$/, "") : `https://api.${address}`;
  }

  private configuration(client: typeof Client, signal?: AbortSignal): Client.Configuration {
    const f = this.o.fetch ?? fetch;
    const configuration = client.createConfiguration({
      authMethods: { apiKeyAuth: this.o.apiKey, appKeyAuth: this.o.applicationKey },
      baseServer: new client.BaseServerConfiguration(this.baseUrl, {}),
      // The runtime's own fetch (Bun/Deno), not the client's cross-fetch polyfill.
      fetch: (url: string, init: RequestInit) => f(url, init),
      httpConfig: { compress: false, ...(signal ? { signal } : {}) },
      enableRetry: false,
    });
    return configuration;
  }

  now(signal?: AbortSignal): Promise<number> {
    return this.clock(signal);
  }

  async query(query: string, w: QueryWindow, signal: AbortSignal): Promise<QueryResult> {
    const { client, MetricsApi } = await datadogClient();
    this.api ??= new MetricsApi(this.configuration(client));
    let res: v1.MetricsQueryResponse;
    try {
      // Datadog takes whole seconds; widen outwards so no point of the window is lost.
      res = await this.api.queryMetrics({ from: Math.floor(w.from / 1000), to: Math.ceil(w.to / 1000), query }, this.configuration(client, signal));
    } catch (e) {
      throw toProviderError(client, e, signal);
    }
    if (res.status === "error" || res.error) throw new ProviderError(`Datadog: ${res.error ?? "query failed"}`, false);
    const values: number[] = [];
    const series = res.series ?? [];
    for (const s of series) {
      for (const p of s.pointlist ?? []) {
        const v = p?.[1];
        if (typeof v === "number" && Number.isFinite(v)) values.push(v);
      }
    }
    if (values.length === 0) return { noData: true, reason: series.length ? "Datadog returned series without values" : "Datadog returned no series for the window" };
    return { series: values };
  }
}

function toProviderError(client: typeof Client, e: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  if (e instanceof client.ApiException) {
    const msg = datadogMessage(e.body);
    const hint = e.code === 403 ? " (check apiKeyFile / applicationKeyFile)" : "";
    return new ProviderError(`Datadog answered HTTP ${e.code}: ${msg}${hint}`, isRetryableStatus(e.code), e.code);
  }
  const err = e as Error;
  return new ProviderError(`Datadog request failed: ${err?.message ?? String(e)}`, true);
}

/** Datadog's `{"errors": [...]}`, also when the client wrapped it as "Unknown API Status Code! Body: ...". */
export function datadogMessage(body: unknown): string {
  let b: any = body;
  if (typeof b === "string") {
    const i = b.indexOf("{");
    const j = b.lastIndexOf("}");
    if (i >= 0 && j > i) {
      try {
        b = JSON.parse(b.slice(i, j + 1));
      } catch {
        /* keep the text */
      }
    }
  }
  if (Array.isArray(b?.errors)) return b.errors.join("; ");
  return excerpt(typeof b === "string" ? b : JSON.stringify(b ?? ""));
}
