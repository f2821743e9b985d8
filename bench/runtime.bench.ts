// Runtime benchmark (issue 4): N concurrent canary deployments (one per service) in one runtime
// process against the simulator (time-scaled). Reports peak RSS of the runtime process (target
// < 300 MB), ECS describe calls per second (must stay under the limiter: checked both from the
// runtime's own counter and from the simulator's request counter, over 1 s / 5 s / 10 s windows
// against burst + rate × window), and the orchestration overhead per deployment beyond the
// configured waits (target < 200 ms): submit → finished minus (WAIT stages + the simulator's
// task start + health check time per rollout, time-scaled).
//
// The simulator runs in its own process by default (bench/fleet-simulator.ts), so RSS and CPU are
// the runtime's alone; BENCH_SIM=embedded runs it in this process (the earlier setup).
//
//   node_modules/.bin/bun bench/runtime.bench.ts   (env: KANARIA_BENCH_DEPLOYMENTS, KANARIA_BENCH_TIME_SCALE, BENCH_SIM)
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startSimulator } from "../runtime/simulator/index.ts";
import { createRuntime } from "../runtime/executor/runtime.ts";
import { openSqlStore } from "../runtime/store/sql-store.ts";
import { systemClock } from "../runtime/clock/clock.ts";
import { fleetGraphs, fleetScenario } from "../test/runtime/fleet.ts";
import { CREDENTIALS, tempDir } from "../test/runtime/helpers.ts";
import { ROOT, saveResult } from "./harness.ts";

export interface BenchOptions {
  deployments?: number;
  timeScale?: number;
  pollIntervalMs?: number;
  /** "process" (default): simulator in a child process; "embedded": in this process. */
  sim?: "process" | "embedded";
}

const TARGET_RSS_MB = 300;
const TARGET_OVERHEAD_MS = 200;
const SAMPLE_MS = 50;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

interface SimHandle {
  url: string;
  /** What fleetGraphs needs: target group name → ARN. */
  graphSource: any;
  /** Stops the simulator; resolves with its describe-call series (process mode) or null. */
  stop(): Promise<{ describeSeries: [number, number][]; rssMB: number } | null>;
}

async function startFleetSimulator(mode: "process" | "embedded", n: number, timeScale: number, taskStart: number, health: number): Promise<SimHandle> {
  if (mode === "embedded") {
    const sim = await startSimulator({ scenario: fleetScenario(n, { taskStartDelaySeconds: taskStart, healthCheckDelaySeconds: health }), timeScale });
    return { url: sim.url, graphSource: sim, stop: async () => (await sim.close(), null) };
  }
  const child = spawn(process.execPath, [`${ROOT}bench/fleet-simulator.ts`, String(n), String(timeScale), String(taskStart), String(health)], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error("fleet simulator exited before it started");
  const { url, targetGroups } = JSON.parse(first.value) as { url: string; targetGroups: [string, string][] };
  const graphSource = { state: { targetGroups: new Map(targetGroups.map(([name, arn]) => [arn, { name, arn }])) } };
  return {
    url,
    graphSource,
    async stop() {
      child.kill("SIGTERM");
      const last = await lines.next();
      return last.done ? null : JSON.parse(last.value);
    },
  };
}

/** Most calls in any window of `windowMs`, from a cumulative series [[t, count]...]. */
function maxInWindow(series: [number, number][], windowMs: number): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < series.length; i++) {
    while (series[i][0] - series[j][0] > windowMs) j++;
    // calls that arrived in (t_j-1, t_i]: an upper bound for a window of windowMs + one sample.
    const base = j > 0 ? series[j - 1][1] : series[0][1];
    best = Math.max(best, series[i][1] - base);
  }
  return best;
}

export async function run(o: BenchOptions = {}) {
  const n = o.deployments ?? Number(process.env.KANARIA_BENCH_DEPLOYMENTS ?? 500);
  const timeScale = o.timeScale ?? Number(process.env.KANARIA_BENCH_TIME_SCALE ?? 10);
  // One poll per deployment second, as `kanaria deploy --time-scale` does.
  const pollIntervalMs = o.pollIntervalMs ?? Math.max(50, 1000 / timeScale);
  const simMode = o.sim ?? (process.env.BENCH_SIM === "embedded" ? "embedded" : "process");
  const taskStartDelaySeconds = 20;
  const healthCheckDelaySeconds = 10;
  const limits = { ecsRead: { rate: 20, burst: 40 }, ecsWrite: { rate: 200, burst: 400 }, elb: { rate: 200, burst: 400 } };
  const sim = await startFleetSimulator(simMode, n, timeScale, taskStartDelaySeconds, healthCheckDelaySeconds);
  const dir = tempDir("kanaria-bench-");
  const store = await openSqlStore(join(dir, "kanaria.sqlite"));
  const rt = await createRuntime({
    store,
    providers: [{ name: "simulator", region: "us-east-1", endpoints: { ecs: sim.url, elbv2: sim.url }, credentials: CREDENTIALS }],
    clock: systemClock(timeScale),
    pollIntervalMs,
    limits,
  });
  const graphs = fleetGraphs(sim.graphSource, n);
  // Configured waits per deployment (deployment time): WAIT stages + one task-set
  // stabilisation (start + health check) per task-set creating stage.
  const g = graphs[0];
  const waitMs = g.nodes.filter((x) => x.stage === "WAIT").reduce((s, x) => s + Number(x.params.durationMs ?? 0), 0);
  const rollouts = g.nodes.filter((x) => x.stage === "ECS_CANARY_ROLLOUT" || x.stage === "ECS_PRIMARY_ROLLOUT").length;
  const floorRealMs = (waitMs + rollouts * (taskStartDelaySeconds + healthCheckDelaySeconds) * 1000) / timeScale;

  let peakRss = process.memoryUsage().rss;
  const describeCount = () => {
    let t = 0;
    for (const [k, v] of rt.metrics.awsCalls.values) if (/operation="Describe/.test(k) && /service="ecs"/.test(k)) t += v;
    return t;
  };
  const clientSeries: [number, number][] = [[Date.now(), 0]];
  let lastDescribe = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const c = describeCount();
    if (c !== lastDescribe) clientSeries.push([Date.now(), (lastDescribe = c)]);
  }, SAMPLE_MS);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ids: string[] = [];
  for (const graph of graphs) ids.push((await rt.submit(graph)).id);
  const finals = await Promise.all(ids.map((id) => rt.scheduler.wait(id)));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, (process.resourceUsage?.().maxRSS ?? 0) * 1024);
  clientSeries.push([Date.now(), describeCount()]);

  // Per deployment: from submit (createdAt) to finished, minus the configured waits.
  const durations = finals.map((d) => (d.finishedAt ?? 0) - d.createdAt);
  const overheads = durations.map((d) => d - floorRealMs);
  const queued = finals.map((d) => (d.startedAt ?? 0) - d.createdAt);
  const describes = describeCount();
  const describeServicesBatches = rt.aws.all().reduce((s, c) => s + c.poller.calls, 0);
  const awsCalls = rt.metrics.awsCalls.total();
  // Calls per deployment by operation: what the fleet spends its rate limits on.
  const callsPerDeployment = Object.fromEntries(
    [...rt.metrics.awsCalls.values].map(([k, v]) => [/operation="([^"]+)"/.exec(k)?.[1] ?? k, +(v / n).toFixed(2)]).sort((a, b) => Number(b[1]) - Number(a[1])),
  );
  const awsThrottles = rt.metrics.awsThrottles.total();
  // Where the time goes: real ms per stage (mean over deployments), and the gaps between stages.
  const perStage = new Map<string, { ms: number[]; floorMs: number }>();
  const gaps: number[] = [];
  for (const d of finals) {
    const nodes = (await store.getNodes(d.id)).filter((x) => x.startedAt !== null && x.finishedAt !== null).sort((a, b) => a.startedAt! - b.startedAt!);
    let prevEnd = d.startedAt ?? d.createdAt;
    for (const [i, x] of nodes.entries()) {
      const key = `${i + 1} ${x.stage}`;
      const node = g.nodes.find((y) => y.id === x.nodeId);
      const floor =
        x.stage === "WAIT" ? Number(node?.params.durationMs ?? 0) / timeScale
        : x.stage === "ECS_CANARY_ROLLOUT" || x.stage === "ECS_PRIMARY_ROLLOUT" ? ((taskStartDelaySeconds + healthCheckDelaySeconds) * 1000) / timeScale
        : 0;
      const e = perStage.get(key) ?? { ms: [], floorMs: floor };
      e.ms.push(x.finishedAt! - x.startedAt!);
      perStage.set(key, e);
      gaps.push(x.startedAt! - prevEnd);
      prevEnd = x.finishedAt!;
    }
    gaps.push((d.finishedAt ?? prevEnd) - prevEnd);
  }
  const stages = [...perStage].map(([stage, e]) => ({
    stage,
    meanMs: +(e.ms.reduce((a, b) => a + b, 0) / e.ms.length).toFixed(1),
    p95Ms: quantile(e.ms, 0.95),
    configuredWaitMs: e.floorMs,
  }));
  await rt.close();
  const simOut = await sim.stop();

  const { rate, burst } = limits.ecsRead;
  // A token bucket lets at most burst + rate × T calls through in any T. Counts are sampled every
  // SAMPLE_MS, so a window's count is bounded over T + SAMPLE_MS. The verdict uses the runtime's
  // counter (incremented as the limiter releases a call); the simulator's count (arrival time,
  // after the network and the SDK's socket pool) is a cross-check and can show a call or two of
  // arrival jitter.
  const windows = [1000, 5000, 10_000].map((w) => {
    const allowed = burst + (rate * (w + SAMPLE_MS)) / 1000;
    const client = maxInWindow(clientSeries, w);
    const server = simOut ? maxInWindow(simOut.describeSeries, w) : null;
    return { windowMs: w, allowedByLimiter: allowed, maxSeenByRuntime: client, maxSeenBySimulator: server, within: client <= allowed };
  });
  const overheadMean = overheads.reduce((s, x) => s + x, 0) / n;
  // The least time the fleet's changes need at the configured rate limits (ECS writes and ELB
  // calls, per limiter: calls / rate; describes are left out, they poll during the waits). When
  // every deployment starts together, each waits about this long however little the
  // orchestration itself costs; overhead above it is Kanaria's.
  const perLimiter = { ecsRead: 0, ecsWrite: 0, elb: 0 };
  for (const [k, v] of rt.metrics.awsCalls.values) {
    const op = /operation="([^"]+)"/.exec(k)?.[1] ?? "";
    if (/service="elbv2"/.test(k)) perLimiter.elb += v;
    else if (/^(Describe|List|Get)/.test(op)) perLimiter.ecsRead += v;
    else perLimiter.ecsWrite += v;
  }
  const rateLimitFloorMs = Math.max((perLimiter.ecsWrite / limits.ecsWrite.rate) * 1000, (perLimiter.elb / limits.elb.rate) * 1000);
  const results = {
    deployments: n,
    succeeded: finals.filter((d) => d.state === "SUCCEEDED").length,
    simulator: simMode === "process" ? "own process" : "embedded in the runtime process",
    timeScale,
    pollIntervalMs,
    limits,
    wallSeconds: +(wallMs / 1000).toFixed(2),
    peakRssMB: +(peakRss / 1024 / 1024).toFixed(1),
    simulatorRssMB: simOut?.rssMB ?? null,
    ecsDescribeCalls: describes,
    ecsDescribeCallsPerSecond: {
      mean: +(describes / (wallMs / 1000)).toFixed(2),
      limiter: `${rate}/s burst ${burst}`,
      windows,
    },
    describeServicesBatches,
    configuredWaitsPerDeploymentMs: +floorRealMs.toFixed(1),
    overheadPerDeploymentMs: {
      mean: +overheadMean.toFixed(1),
      p50: +quantile(overheads, 0.5).toFixed(1),
      p95: +quantile(overheads, 0.95).toFixed(1),
      max: +Math.max(...overheads).toFixed(1),
      queuedBeforeStartP95: +quantile(queued, 0.95).toFixed(1),
    },
    rateLimitFloorMs: +rateLimitFloorMs.toFixed(0),
    callsPerLimiter: perLimiter,
    stages,
    gapsBetweenStagesPerDeploymentMs: +((gaps.reduce((a, b) => a + b, 0) / n)).toFixed(1),
    // Not the target metric: (wall − waits) / N divides the fleet's extra time by the concurrency.
    wallMinusWaitsDividedByDeploymentsMs: +((wallMs - floorRealMs) / n).toFixed(2),
    cpuPerDeploymentMs: +((cpu.user + cpu.system) / 1000 / n).toFixed(2),
    cpuUtilisation: +((cpu.user + cpu.system) / 1000 / wallMs).toFixed(2),
    awsCalls,
    callsPerDeployment,
    awsThrottles,
    targets: {
      peakRssUnder300MB: peakRss / 1024 / 1024 < TARGET_RSS_MB,
      describesWithinLimiter: windows.every((w) => w.within),
      overheadMeanUnder200ms: overheadMean < TARGET_OVERHEAD_MS,
    },
  };
  saveResult("runtime", results);
  console.log(JSON.stringify(results, null, 2));
  return results;
}

if ((import.meta as any).main) await run();
