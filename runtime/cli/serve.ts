// `kanaria serve`: the long-running service. Resumes deployments that were in flight, runs
// submitted ones, serves the HTTP API. AWS credentials come from the default chain unless the
// provider config says otherwise.
import { createApp } from "../server/app.ts";
import { serve } from "../platform/index.ts";
import { onShutdownSignal } from "../platform/process.ts";
import { flagString as str, parseArgs, UsageError } from "../../compiler/cli/args.ts";
import { ConfigError, loadSettings, parseAddress, serverSecrets } from "./config.ts";
import { fromSettings, openRuntime, DEFAULT_DATA_DIR } from "./local-runtime.ts";
import { simulatedProviders, startSimulation, type RunningSimulation } from "./simulate.ts";

const USAGE = `Usage: kanaria serve --config runtime.yaml [options]

Runs deployments and serves the HTTP API (GET /api/deployments, POST /api/deployments, ...).

Options:
  --config FILE       runtime config (platform providers, server.address, server.tokenFile, store)
  --simulate          run against an embedded simulator (for trying it out): every platform
                      provider of the config (and one named "simulator") is the simulator
  --scenario FILE     simulator scenario (default: examples/scenario.yaml, the examples' world)
  --time-scale N      run waits and timeouts N times faster (default with --simulate: the scenario's)
  --address HOST:PORT listen address (default: server.address, else 127.0.0.1:8080)
  --data DIR          SQLite store directory (default: store.path or store type postgres,
                      else ${DEFAULT_DATA_DIR}/)
  -h, --help          this help`;

export async function serveCommand(args: string[]): Promise<number> {
  let p: ReturnType<typeof parseArgs>;
  try {
    p = parseArgs(args, { booleans: ["simulate", "help"], values: ["config", "data", "scenario", "time-scale", "address"] });
    if (p.flags.has("help")) {
      console.log(USAGE);
      return 0;
    }
    if (p.positionals.length) throw new UsageError(`unexpected argument ${p.positionals[0]}`);
    if (!p.flags.has("config") && !p.flags.has("simulate")) throw new UsageError("--config is required (or --simulate to try it without AWS)");
    const ts = str(p, "time-scale");
    if (ts !== undefined && !(Number(ts) > 0)) throw new UsageError("--time-scale must be a positive number");
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`kanaria serve: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  let sim: RunningSimulation | null = null;
  let settings: ReturnType<typeof loadSettings>;
  let address: ReturnType<typeof parseAddress>;
  let secrets: ReturnType<typeof serverSecrets>;
  try {
    settings = loadSettings(str(p, "config"));
    secrets = serverSecrets(settings);
    address = str(p, "address") ? parseAddress(str(p, "address")) : settings.address;
    if (p.flags.has("simulate")) {
      const ts = str(p, "time-scale");
      sim = await startSimulation(str(p, "scenario") ?? new URL("../../examples/scenario.yaml", import.meta.url).pathname, ts ? Number(ts) : undefined);
      console.log(`simulator at ${sim.url} (time scale ${sim.timeScale}x)`);
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const providers = sim ? simulatedProviders(settings.providers, sim) : settings.providers;
  if (!providers.length) {
    console.error("The runtime config defines no platform provider (spec.platformProviders, or the ecs plugin's deployTargets); nothing could be deployed.");
    return 2;
  }
  const dataDir = str(p, "data") ?? (settings.storePath || settings.postgres ? null : DEFAULT_DATA_DIR);
  let rt: Awaited<ReturnType<typeof openRuntime>>;
  try {
    rt = await openRuntime({
      command: "kanaria serve",
      dataDir,
      storePath: settings.storePath,
      postgres: str(p, "data") ? null : settings.postgres,
      providers,
      timeScale: sim?.timeScale ?? (str(p, "time-scale") ? Number(str(p, "time-scale")) : undefined),
      ...fromSettings(settings),
      ...(sim ? { simulatorUrl: sim.url } : {}),
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    await sim?.close();
    return 2;
  }
  if (!secrets.token) console.warn("warning: no server.tokenFile in the runtime config: the API is read-only (POST requests get 403).");
  if (!secrets.approverTokens) console.warn("warning: no server.approvers.tokensFile: WAIT_APPROVAL stages cannot be approved over HTTP.");
  const app = createApp(rt, { token: secrets.token, approverTokens: secrets.approverTokens, host: { bindHostname: address.hostname, allowedHosts: settings.allowedHosts } });
  const server = await serve(app.fetch, address);
  const names = providers.map((x) => x.name).join(", ");
  console.log(`kanaria serve listening on ${server.url} (store ${dataDir ?? settings.storePath ?? `PostgreSQL, URL from ${settings.postgres?.urlFile}`}; platform providers ${names}${sim ? `, all simulated at ${sim.url}` : ""})`);
  console.log(`status page: ${server.url}/`);
  const resumed = rt.scheduler.active();
  if (resumed) console.log(`resumed ${resumed} deployment(s) that were in flight`);
  const done = Promise.withResolvers<void>();
  onShutdownSignal(() => done.resolve());
  await done.promise;
  console.log("shutting down: in-flight deployments resume on the next start");
  await server.close();
  await rt.close();
  await sim?.close();
  return 0;
}
