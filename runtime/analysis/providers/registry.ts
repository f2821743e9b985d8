// Builds the analysis providers named in the runtime config (spec.analysisProviders), reading
// their secrets from files. Providers whose address is the embedded simulator's use its
// simulated clock for "now" (see metric-clock.ts).
import type { MetricsProvider } from "../types.ts";
import { DatadogProvider, isBaseUrl } from "./datadog.ts";
import { PrometheusProvider } from "./prometheus.ts";
import { simulatorClock, wallClock, type MetricClock } from "./metric-clock.ts";
import { readSecretFile } from "./secrets.ts";

export interface AnalysisProviderSpec {
  name: string;
  type: "DATADOG" | "PROMETHEUS" | string;
  config: Record<string, any>;
}

export interface BuildProvidersOptions {
  /** Directory relative *File paths are resolved from (the runtime config's). */
  baseDir?: string;
  /** Base URL of the embedded simulator: providers pointing there use its clock. */
  simulatorUrl?: string;
  /** Replace every provider's address (kanaria deploy --simulate points them at the simulator). */
  addressOverride?: string;
  /** Reads a *File secret (default: from the file); the simulator accepts any non-empty key. */
  readSecret?: (file: string | undefined, what: string) => string;
  fetch?: typeof fetch;
}

export function buildProviders(specs: AnalysisProviderSpec[] | undefined, o: BuildProvidersOptions = {}): Map<string, MetricsProvider> {
  const out = new Map<string, MetricsProvider>();
  const secret = o.readSecret ?? ((file: string | undefined, what: string) => readSecretFile(file as string, what, o.baseDir));
  for (const spec of specs ?? []) {
    const c = spec.config ?? {};
    const address: string | undefined = o.addressOverride ?? c.address ?? (c.site as string | undefined);
    const sim = o.simulatorUrl?.replace(/\/+$/, "");
    const now: MetricClock = sim && address?.replace(/\/+$/, "").startsWith(sim) ? simulatorClock(sim) : wallClock;
    if (spec.type === "DATADOG") {
      out.set(
        spec.name,
        new DatadogProvider({
          name: spec.name,
          address: address ?? "datadoghq.com",
          apiKey: secret(c.apiKeyFile, `Datadog API key (analysis provider ${spec.name})`),
          applicationKey: secret(c.applicationKeyFile, `Datadog application key (analysis provider ${spec.name})`),
          now,
          fetch: o.fetch,
        }),
      );
    } else if (spec.type === "PROMETHEUS") {
      if (!address || !isBaseUrl(address)) throw new Error(`Analysis provider ${spec.name}: config.address must be the Prometheus base URL (http://host:9090).`);
      out.set(
        spec.name,
        new PrometheusProvider({
          name: spec.name,
          address,
          ...(c.usernameFile ? { username: secret(c.usernameFile, `Prometheus user name (analysis provider ${spec.name})`) } : {}),
          ...(c.passwordFile ? { password: secret(c.passwordFile, `Prometheus password (analysis provider ${spec.name})`) } : {}),
          ...(c.bearerTokenFile ? { bearerToken: secret(c.bearerTokenFile, `Prometheus bearer token (analysis provider ${spec.name})`) } : {}),
          now,
          fetch: o.fetch,
        }),
      );
    } else {
      throw new Error(`Analysis provider ${spec.name}: type ${spec.type} is not supported (DATADOG, PROMETHEUS).`);
    }
  }
  return out;
}
