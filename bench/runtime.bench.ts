// Runtime benchmark: N concurrent canary deployments (one per service) in one process against
// the embedded simulator (time-scaled). Reports peak RSS, ECS describe calls per second (must
// stay under the limiter), and orchestration overhead per deployment beyond the configured
// waits (WAIT stages plus the simulator's task start + health check time, both time-scaled).
//
//   node_modules/.bin/bun bench/runtime.bench.ts          (writes bench/results/runtime.json)
import { mkdirSync, writeFileSync } from "node:fs";
import { startSimulator } from "../runtime/simulator/index.ts";
import { createRuntime } from "../runtime/executor/runtime.ts";
import { openSqlStore } from "../runtime/store/sql-store.ts";
import { systemClock } from "../runtime/clock/clock.ts";
import { fleetGraphs, fleetScenario } from "../test/runtime/fleet.ts";
import { CREDENTIALS, tempDir } from "../test/runtime/helpers.ts";
import { join } from "node:path";

export interface BenchOptions {
  deployments?: number;
  timeScale?: number;
  pollIntervalMs?: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

export async function run(o: BenchOptions = {}) {
  const n = o.deployments ?? 500;
  const timeScale = o.timeScale ?? 10;
  const pollIntervalMs = o.pollIntervalMs ?? 1000;
  const taskStartDelaySeconds = 20;
  const healthCheckDelaySeconds = 10;
  const limits = { ecsRead: { rate: 20, burst: 40 }, ecsWrite: { rate: 200, burst: 400 }, elb: { rate: 200, burst: 400 } };
  const sim = await startSimulator({ scenario: fleetScenario(n, { taskStartDelaySeconds, healthCheckDelaySeconds }), timeScale });
  const dir = tempDir("kanaria-bench-");
  const store = await openSqlStore(join(dir, "kanaria.sqlite"));
  const rt = createRuntime({
    store,
    providers: [{ name: "simulator", region: "us-east-1", endpoints: { ecs: sim.url, elbv2: sim.url }, credentials: CREDENTIALS }],
    clock: systemClock(timeScale),
    pollIntervalMs,
    limits,
  });
  const graphs = fleetGraphs(sim as any, n);
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
  const perSecond: number[] = [];
  let lastDescribe = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const rateSampler = setInterval(() => {
    const c = describeCount();
    perSecond.push(c - lastDescribe);
    lastDescribe = c;
  }, 1000);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ids = graphs.map((graph) => rt.submit(graph).id);
  const finals = await Promise.all(ids.map((id) => rt.scheduler.wait(id)));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  clearInterval(rateSampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const durations = finals.map((d) => (d.finishedAt ?? 0) - (d.startedAt ?? 0));
  const overheads = durations.map((d) => d - floorRealMs);
  const describes = describeCount();
  const results = {
    deployments: n,
    succeeded: finals.filter((d) => d.state === "SUCCEEDED").length,
    timeScale,
    pollIntervalMs,
    limits,
    wallSeconds: +(wallMs / 1000).toFixed(2),
    peakRssMB: +(peakRss / 1024 / 1024).toFixed(1),
    ecsDescribeCalls: describes,
    ecsDescribeCallsPerSecond: { mean: +(describes / (wallMs / 1000)).toFixed(2), peak1s: Math.max(0, ...perSecond), limiter: `${limits.ecsRead.rate}/s burst ${limits.ecsRead.burst}` },
    describeServicesBatches: rt.aws.all().reduce((s, c) => s + c.poller.calls, 0),
    configuredWaitsPerDeploymentMs: +floorRealMs.toFixed(1),
    overheadPerDeploymentMs: {
      mean: +(overheads.reduce((s, x) => s + x, 0) / n).toFixed(1),
      p50: +quantile(overheads, 0.5).toFixed(1),
      p95: +quantile(overheads, 0.95).toFixed(1),
      amortized: +((wallMs - floorRealMs) / n).toFixed(2),
    },
    cpuPerDeploymentMs: +((cpu.user + cpu.system) / 1000 / n).toFixed(2),
    awsCalls: rt.metrics.awsCalls.total(),
    awsThrottles: rt.metrics.awsThrottles.total(),
  };
  await rt.close();
  await sim.close();
  return results;
}

if ((import.meta as any).main) {
  const n = Number(process.env.KANARIA_BENCH_DEPLOYMENTS ?? 500);
  const results = await run({ deployments: n });
  mkdirSync(new URL("./results/", import.meta.url).pathname, { recursive: true });
  writeFileSync(new URL("./results/runtime.json", import.meta.url).pathname, JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
}
