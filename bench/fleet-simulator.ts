// The runtime benchmark's simulator, in its own process, so the runtime process's RSS and CPU
// are the runtime's alone (an embedded simulator holding 500 services, load balancers and their
// tasks would be counted as runtime memory and would share the runtime's event loop).
//
//   bun bench/fleet-simulator.ts N TIME_SCALE TASK_START_S HEALTH_CHECK_S
//
// Prints one JSON line {url, targetGroups: [[name, arn]...]} once listening. Samples the
// simulator's own ECS describe counter every 50 ms; on SIGTERM prints one JSON line
// {describeSeries: [[realEpochMs, cumulativeEcsDescribeCalls]...], calls, rssMB} and exits.
import { startSimulator } from "../runtime/simulator/index.ts";
import { fleetScenario } from "../test/runtime/fleet.ts";

const [n, timeScale, taskStartDelaySeconds, healthCheckDelaySeconds] = process.argv.slice(2).map(Number);
const sim = await startSimulator({ scenario: fleetScenario(n, { taskStartDelaySeconds, healthCheckDelaySeconds }), timeScale });
const describes = () => {
  let t = 0;
  for (const [k, v] of Object.entries(sim.state.calls)) if (k.startsWith("ecs:Describe")) t += v;
  return t;
};
const series: [number, number][] = [[Date.now(), describes()]];
let last = series[0][1];
const sampler = setInterval(() => {
  const c = describes();
  if (c !== last) series.push([Date.now(), (last = c)]);
}, 50);
process.stdout.write(`${JSON.stringify({ url: sim.url, targetGroups: [...sim.state.targetGroups.values()].map((tg) => [tg.name, tg.arn]) })}\n`);
process.once("SIGTERM", async () => {
  clearInterval(sampler);
  series.push([Date.now(), describes()]);
  const out = JSON.stringify({ describeSeries: series, calls: sim.state.calls, rssMB: +(process.memoryUsage().rss / 1024 / 1024).toFixed(1) });
  await sim.close();
  process.stdout.write(`${out}\n`, () => process.exit(0));
});
