// `--simulate`: the embedded simulator in-process, with the example's scenario, and a platform
// provider pointed at it.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlatformProvider } from "../aws/clients.ts";
import { ConfigError } from "./config.ts";

export interface RunningSimulation {
  url: string;
  timeScale: number;
  provider: PlatformProvider;
  close(): Promise<void>;
}

export function scenarioNextTo(appPath: string): string {
  const p = join(dirname(appPath), "scenario.yaml");
  if (!existsSync(p)) throw new ConfigError(`--simulate needs a scenario: no ${p}. Put a scenario.yaml next to the app file, or pass --scenario FILE.`);
  return p;
}

export async function startSimulation(scenario: string, timeScale?: number): Promise<RunningSimulation> {
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
