// Builds a runtime for the CLI commands: the store under --data, providers from the config or
// the simulator, the clock scaled like the simulator.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../clock/clock.ts";
import { createRuntime, type Runtime } from "../executor/runtime.ts";
import { openSqlStore } from "../store/sql-store.ts";
import type { PlatformProvider } from "../aws/clients.ts";

export const DEFAULT_DATA_DIR = ".kanaria";

export async function openRuntime(o: { dataDir: string | null; storePath?: string | null; providers: PlatformProvider[]; timeScale?: number; simulated?: boolean }): Promise<Runtime> {
  let path = ":memory:";
  if (o.dataDir) {
    mkdirSync(o.dataDir, { recursive: true });
    path = join(o.dataDir, "kanaria.sqlite");
  } else if (o.storePath) {
    path = o.storePath;
  }
  const store = await openSqlStore(path);
  return createRuntime({
    store,
    providers: o.providers,
    clock: systemClock(o.timeScale ?? 1),
    pollIntervalMs: o.simulated ? 100 : 1000,
  });
}
