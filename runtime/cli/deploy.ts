// `kanaria deploy APP`: compile, then run the deployment in-process (or on a server with
// --server) and follow it in the terminal. Exit 0 = succeeded, 1 = failed / rolled back /
// compile errors, 2 = usage errors or a server that cannot be reached.
import { compileOne } from "../../compiler/cli/compile-one.ts";
import { DuplicateDigestError } from "../store/store.ts";
import { SubmitError } from "../runtime.ts";
import { flagString as str, parseArgs, UsageError } from "../../compiler/cli/args.ts";
import { ConfigError, loadSettings, readToken } from "./config.ts";
import { fromSettings, openRuntime, DEFAULT_DATA_DIR } from "./local-runtime.ts";
import { Progress } from "./progress.ts";
import { terminalFor } from "./terminal.ts";
import { scenarioNextTo, simulatedProviders, startSimulation, type RunningSimulation } from "./simulate.ts";
import { scenarioFromGraph } from "../simulator/scenario-from-graph.ts";
import type { Graph } from "../executor/graph.ts";
import { DEFAULT_GIVE_UP_MS, deployRemote } from "./deploy-remote.ts";
import { formatDuration, parseDuration } from "../../compiler/resolve/duration.ts";
import { env } from "../platform/index.ts";
import { onShutdownSignal } from "../platform/process.ts";
import { basename, dirname, relative, resolve } from "node:path";
import { workTreeCommit } from "../gitops/git.ts";
import { commitLine } from "../notifications/events.ts";

const USAGE = `Usage: kanaria deploy APP [options]

Compiles APP (an app.pipecd.yaml, or the folder holding it) and runs the deployment,
printing one line per step.

Options:
  --config FILE       runtime config (platform and analysis providers, notifications, store)
  --root DIR          repository root: the files APP names must be inside it (default: the
                      Git top level above APP, else its folder)
  --simulate          run against the embedded simulator: scenario.yaml next to APP if there is
                      one, else a world made from the app (its service running the previous
                      version behind its target groups); analysis providers query the simulator
  --scenario FILE     simulator scenario (with --simulate)
  --error-rate R      with --simulate and no scenario: the new version answers this fraction
                      of requests with 5xx (e.g. 0.3), to watch the analysis roll it back
  --time-scale N      run waits and timeouts N times faster (default with --simulate: the scenario's)
  --server URL        submit to a running \`kanaria serve\` and follow its events
  --token-file FILE   token for --server (default: $KANARIA_TOKEN)
  --reconnect-timeout D
                      with --server: how long the server may stay unreachable while the
                      deployment is followed, before giving up with exit 2 (a duration such
                      as 30s; default $KANARIA_RECONNECT_TIMEOUT, else ${formatDuration(DEFAULT_GIVE_UP_MS)})
  --data DIR          where the deployment store lives (default ${DEFAULT_DATA_DIR}/; in memory with --simulate)
  --verbose           also print log lines (task counts, traffic changes)
  -h, --help          this help

Exit status: 0 succeeded, 1 failed or rolled back (or compile errors), 2 usage error or the
server could not be reached.`;

const out = (s: string) => console.log(s);
const err = (s: string) => console.error(s);

type DeployArgs = ReturnType<typeof parseArgs>;

/** The flags, checked; or the exit status when they are wrong (or --help). */
function parseDeployArgs(args: string[]): { p: DeployArgs; giveUpAfterMs: number } | { exit: number } {
  try {
    const p = parseArgs(args, { booleans: ["simulate", "verbose", "help"], values: ["config", "server", "data", "scenario", "time-scale", "token-file", "error-rate", "root", "reconnect-timeout"] });
    if (p.flags.has("help")) {
      out(USAGE);
      return { exit: 0 };
    }
    if (p.positionals.length !== 1) throw new UsageError(p.positionals.length ? "give exactly one APP file" : "missing APP (the app.pipecd.yaml to deploy)");
    if (p.flags.has("server") && p.flags.has("simulate")) throw new UsageError("--server and --simulate do not go together (the server has its own providers)");
    const timeScale = str(p, "time-scale");
    if (timeScale !== undefined && !(Number(timeScale) > 0)) throw new UsageError("--time-scale must be a positive number");
    const rate = str(p, "error-rate");
    if (rate !== undefined && !(Number(rate) >= 0 && Number(rate) <= 1)) throw new UsageError("--error-rate must be a fraction between 0 and 1 (e.g. 0.3)");
    if (rate !== undefined && !p.flags.has("simulate")) throw new UsageError("--error-rate goes with --simulate (it sets how the simulated new version behaves)");
    if (p.flags.has("reconnect-timeout") && !p.flags.has("server")) throw new UsageError("--reconnect-timeout goes with --server (it is how long to wait for an unreachable server)");
    return { p, giveUpAfterMs: reconnectTimeout(str(p, "reconnect-timeout")) };
  } catch (e) {
    if (e instanceof UsageError) {
      err(`kanaria deploy: ${e.message}\n\n${USAGE}`);
      return { exit: 2 };
    }
    throw e;
  }
}

/** --simulate: the simulator for the app's scenario.yaml, or for a world made from the graph (ConfigError when it cannot be simulated). */
async function simulatorFor(p: DeployArgs, graph: Graph, appPath: string): Promise<RunningSimulation> {
  const rate = str(p, "error-rate");
  const scaleFlag = str(p, "time-scale");
  const file = str(p, "scenario") ?? scenarioNextTo(appPath);
  if (file && rate !== undefined) throw new ConfigError(`--error-rate applies to the world made from the app; ${file} sets behaviours itself.`);
  const world = file ?? scenarioFromGraph(graph, rate !== undefined ? { newVersion: { errorRate: Number(rate), latencyMs: 60 } } : {});
  let sim: RunningSimulation;
  try {
    sim = await startSimulation(world, scaleFlag ? Number(scaleFlag) : undefined);
  } catch (e) {
    // The world is input (a scenario file, or made from the app): say what is wrong with it.
    const what = file ? `The scenario ${file}` : `The world made from ${appPath} (write a scenario.yaml next to it to describe one)`;
    throw new ConfigError(`${what} cannot be simulated: ${(e as Error)?.message ?? e}`);
  }
  out(`simulator at ${sim.url} (time scale ${sim.timeScale}x; ${file ? `scenario ${file}` : "a world made from the app"})`);
  return sim;
}

/** The in-process runtime the deployment runs in; null (said why, simulator closed) when the config is wrong. */
async function localRuntime(
  dataDir: string | null,
  settings: ReturnType<typeof loadSettings>,
  providers: Parameters<typeof openRuntime>[0]["providers"],
  sim: RunningSimulation | null,
  timeScale: number,
): Promise<Awaited<ReturnType<typeof openRuntime>> | null> {
  try {
    return await openRuntime({
      command: "kanaria deploy",
      dataDir,
      storePath: sim ? null : settings.storePath,
      providers,
      timeScale,
      ...fromSettings(settings),
      ...(sim ? { simulatorUrl: sim.url } : {}),
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    await sim?.close();
    return null;
  }
}

export async function deployCommand(args: string[]): Promise<number> {
  const parsed = parseDeployArgs(args);
  if ("exit" in parsed) return parsed.exit;
  const { p, giveUpAfterMs } = parsed;
  let settings: ReturnType<typeof loadSettings>;
  try {
    settings = loadSettings(str(p, "config"));
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  const compiled = compileOne(p.positionals[0], { loaded: settings.raw, diagnostics: settings.warnings }, { out, err: (s) => err(s.replace(/\n$/, "")), color: false }, "deploy", str(p, "root"));
  if (!compiled.ok) return compiled.exitCode;
  const appPath = compiled.app;
  const graph = await withWorkTreeCommit(compiled.graph, appPath);
  const progress = new Progress(out, p.flags.has("verbose"), terminalFor(process.stdout, { NO_COLOR: env("NO_COLOR"), TERM: env("TERM") }));
  const server = str(p, "server");
  const scaleFlag = str(p, "time-scale");
  let sim: RunningSimulation | null = null;
  try {
    if (server) {
      const tokenFile = str(p, "token-file");
      const token = tokenFile ? readToken(tokenFile) : (env("KANARIA_TOKEN") ?? null);
      try {
        return await deployRemote({ server, graph, token, progress, giveUpAfterMs, out: (l) => progress.print(l), err: (l) => progress.around(() => err(l)) });
      } finally {
        progress.close();
      }
    }
    if (p.flags.has("simulate")) sim = await simulatorFor(p, graph, appPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 2;
    }
    throw e;
  }
  // The simulator stands in for every configured platform and the one the app names.
  const providers = sim ? simulatedProviders(settings.providers, sim, graph.app.platformProvider) : settings.providers;
  if (!providers.length) {
    err("No ECS platform provider: pass --config runtime.yaml (spec.platformProviders, or the ecs plugin's deployTargets) or --simulate.");
    await sim?.close();
    return 2;
  }
  const dataDir = str(p, "data") ?? (sim ? null : DEFAULT_DATA_DIR);
  const rt = await localRuntime(dataDir, settings, providers, sim, sim?.timeScale ?? (scaleFlag ? Number(scaleFlag) : 1));
  if (!rt) return 2;
  let id: string | null = null;
  const early: any[] = [];
  const unsubscribe = rt.events.subscribe("*", (e) => {
    if (id === null) early.push(e);
    else if (e.deploymentId === id) progress.handle(e);
  });
  let interrupted = false;
  onShutdownSignal(() => {
    if (interrupted) return;
    interrupted = true;
    err(`\nInterrupted: the deployment stops here and resumes with \`kanaria serve${dataDir ? ` --data ${dataDir}` : ""}\`${dataDir ? "" : " (in-memory store: it will not resume)"}.`);
    void rt.close().then(() => sim?.close());
  });
  try {
    let redeployOf: string | null = null;
    try {
      ({ id, redeployOf } = await rt.submit(graph));
    } catch (e) {
      if (e instanceof DuplicateDigestError) {
        // Same graph, still in flight in this store (the last run was interrupted): follow it.
        const prior = (await rt.store.getDeployment(e.existingId))!;
        id = prior.id;
        out(`deployment ${id} was interrupted (${prior.state} at ${prior.currentNode ?? "?"}); resuming it`);
        for (const ev of await rt.store.listEvents(id)) progress.handle(ev);
        return (await rt.scheduler.wait(id)).state === "SUCCEEDED" ? 0 : 1;
      }
      if (e instanceof SubmitError) {
        err(e.message);
        return 2;
      }
      throw e;
    }
    progress.heading(`deployment ${id}: ${graph.app.name} (${graph.strategy}, ${graph.nodes.length} step${graph.nodes.length === 1 ? "" : "s"})${redeployOf ? `, a redeploy of ${redeployOf}` : ""}`);
    if (graph.source?.commit) progress.heading(`commit ${commitLine(graph.source.commit)}`);
    for (const e of early) if (e.deploymentId === id) progress.handle(e);
    const final = await rt.scheduler.wait(id);
    return final.state === "SUCCEEDED" ? 0 : 1;
  } finally {
    progress.close();
    unsubscribe();
    if (!interrupted) {
      await rt.close();
      await sim?.close();
    }
  }
}

/** --reconnect-timeout, else $KANARIA_RECONNECT_TIMEOUT, else the default; UsageError when not a duration. */
/**
 * The graph with the Git commit it was compiled from, when the app's files are committed and
 * unchanged (the deployment then shows it, like the ones `kanaria serve` starts from Git).
 */
async function withWorkTreeCommit(graph: Graph, appPath: string): Promise<Graph> {
  const dir = dirname(appPath);
  const files = [basename(appPath), graph.source?.serviceDefinitionFile, graph.source?.taskDefinitionFile].filter((f): f is string => !!f).map((f) => f.replace(/^\/+/, ""));
  const found = await workTreeCommit(dir, files);
  if (!found) return graph;
  const { top, commit } = found;
  const c = { repoId: basename(top), path: relative(top, resolve(appPath)), hash: commit.hash, subject: commit.subject, author: commit.author };
  return { ...graph, source: { ...(graph.source ?? { app: appPath }), commit: c } } as Graph;
}

function reconnectTimeout(flag: string | undefined): number {
  const fromEnv = env("KANARIA_RECONNECT_TIMEOUT");
  const [text, what] = flag !== undefined ? [flag, "--reconnect-timeout"] : fromEnv ? [fromEnv, "KANARIA_RECONNECT_TIMEOUT"] : [null, ""];
  if (text === null) return DEFAULT_GIVE_UP_MS;
  const ms = parseDuration(text);
  if (ms === null) throw new UsageError(`${what} must be a duration such as 30s or 2m, not "${text}"`);
  return ms;
}
