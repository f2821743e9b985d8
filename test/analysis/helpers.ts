// Shared helpers for the analysis tests: Datadog key files and providers pointed at the
// embedded simulator.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildProviders } from "../../runtime/analysis/providers/registry.ts";
import type { MetricsProvider } from "../../runtime/analysis/types.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

export const CANARY_SCENARIO = new URL("../../runtime/simulator/scenarios/canary.yaml", import.meta.url).pathname;

export function tempDir(prefix = "kanaria-analysis-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function keyFiles(apiKey = "sim-api-key", appKey = "sim-app-key"): { dir: string; apiKeyFile: string; applicationKeyFile: string } {
  const dir = tempDir();
  writeFileSync(join(dir, "api"), `${apiKey}\n`);
  writeFileSync(join(dir, "app"), `${appKey}\n`);
  return { dir, apiKeyFile: join(dir, "api"), applicationKeyFile: join(dir, "app") };
}

/** `datadog` and `prometheus` providers on the simulator, using its simulated clock. */
export function simProviders(sim: Simulator, keys = keyFiles()): Map<string, MetricsProvider> {
  return buildProviders(
    [
      { name: "datadog", type: "DATADOG", config: { address: sim.url, apiKeyFile: keys.apiKeyFile, applicationKeyFile: keys.applicationKeyFile } },
      { name: "prometheus", type: "PROMETHEUS", config: { address: sim.url } },
    ],
    { simulatorUrl: sim.url },
  );
}

/** `targetgroup/<name>/<id>` of a simulator target group (the Datadog/Prometheus dimension). */
export function tgDimension(sim: Simulator, name: string): string {
  const tg = [...sim.state.targetGroups.values()].find((t) => t.name === name);
  if (!tg) throw new Error(`no target group ${name}`);
  return tg.arn.slice(tg.arn.indexOf(":targetgroup/") + 1);
}

export const ddErrorRate = (tg: string) =>
  `sum:aws.applicationelb.httpcode_target_5xx{targetgroup:${tg}}.as_count() / sum:aws.applicationelb.request_count{targetgroup:${tg}}.as_count()`;

export const promErrorRate = (tg: string) =>
  `sum(rate(alb_httpcode_target_5xx_count{target_group="${tg}"}[1m])) / sum(rate(alb_request_count{target_group="${tg}"}[1m]))`;
