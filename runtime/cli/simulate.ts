// `--simulate`: the embedded simulator in-process, with the app's scenario.yaml (or a world
// derived from the compiled app), and a platform provider pointed at it.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlatformProvider } from "../aws/clients.ts";
import type { Scenario } from "../simulator/scenario.ts";

export interface RunningSimulation {
  url: string;
  timeScale: number;
  provider: PlatformProvider;
  close(): Promise<void>;
}

/** scenario.yaml next to the app file, if there is one. */
export function scenarioNextTo(appPath: string): string | null {
  const p = join(dirname(appPath), "scenario.yaml");
  return existsSync(p) ? p : null;
}

export async function startSimulation(scenario: string | Scenario, timeScale?: number): Promise<RunningSimulation> {
  // Loaded lazily: production `serve` never imports the simulator.
  const { startSimulator } = await import("../simulator/index.ts");
  const sim = await startSimulator({ scenario, ...(timeScale ? { timeScale } : {}) });
  const scale = sim.state.clock.timeScale || 1;
  return {
    url: sim.url,
    timeScale: scale,
    provider: {
      name: "simulator",
      region: sim.state.config.region,
      endpoints: { ecs: sim.url, elbv2: sim.url },
      credentials: { accessKeyId: "simulator", secretAccessKey: "simulator" },
    },
    close: () => sim.close(),
  };
}

/**
 * With --simulate every platform provider of the runtime config is the simulator: an app that
 * names one (`platformProvider: ecs-demo`) deploys into the simulated world, never to AWS. The
 * simulator's own provider comes first, so an app naming none lands there too.
 */
export function simulatedProviders(configured: PlatformProvider[], sim: RunningSimulation, appPlatform?: string): PlatformProvider[] {
  // The app's own platformProvider / deployTarget too, so an app that names one runs without a config.
  const names = new Set([...configured.map((p) => p.name), ...(appPlatform ? [appPlatform] : [])]);
  names.delete(sim.provider.name);
  return [sim.provider, ...[...names].map((name) => ({ ...sim.provider, name }))];
}
