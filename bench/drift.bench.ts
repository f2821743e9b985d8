// Drift detection of a fleet: 200 apps (the canary fixture compiled once per service) against a
// simulator in its own process holding 200 EXTERNAL services whose PRIMARY task sets run 20
// distinct task definitions. Per detection cycle: the ECS calls made (counted by the runtime's
// own AWS call metrics), the CPU time of this process and the wall time. Rate limits are the
// production defaults (ECS describe 20/s, burst 40); cycles are spaced so the bucket refills,
// as they would be at the real interval (1 minute).
//
//   bun bench/drift.bench.ts            (KANARIA_BENCH_DRIFT_APPS=200, KANARIA_BENCH_DRIFT_CYCLES=10)
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AwsContexts, DEFAULT_LIMITS } from "../runtime/aws/clients.ts";
import { RuntimeMetrics } from "../runtime/metrics/registry.ts";
import { detectDrift, driftClients, type DriftApp } from "../runtime/gitops/drift/detect.ts";
import type { Scenario } from "../runtime/simulator/index.ts";
import { CREDENTIALS, tempDir } from "../test/runtime/helpers.ts";
import { fleetGraphs, fleetScenario } from "../test/runtime/fleet.ts";
import { freePort } from "../test/helpers/net.ts";
import { markdownTable, ROOT, round, saveResult, stats } from "./harness.ts";

const DISTINCT = 20;

/** The fleet, with its primaries spread over DISTINCT task definitions (web:1..20). */
function scenario(n: number): Scenario {
  const s = fleetScenario(n);
  s.taskDefinitions = Array.from({ length: DISTINCT }, (_, i) => ({
    family: "web",
    image: i === 0 ? "public.ecr.aws/nginx/nginx:1.27" : `public.ecr.aws/nginx/nginx:1.27-build${i}`,
    containerName: "web",
    containerPort: 80,
    launchType: "FARGATE",
  }));
  // desiredCount 4 as the fixture says: the apps on web:1 are SYNCED, the others differ in their image.
  s.services = s.services!.map((svc, i) => ({ ...svc, desiredCount: 4, primaryTaskSet: { ...svc.primaryTaskSet!, taskDefinition: `web:${(i % DISTINCT) + 1}` } }));
  return s;
}

async function startSimulatorProcess(n: number): Promise<{ url: string; stop(): void }> {
  const file = join(tempDir("kanaria-drift-bench-"), "scenario.json");
  writeFileSync(file, JSON.stringify(scenario(n)));
  const port = await freePort();
  const child = spawn(process.execPath, [`${ROOT}runtime/simulator/cli.ts`, "--port", String(port), "--scenario", file, "--time-scale", "1"], { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/_sim/clock`)).ok) break;
    } catch {
      if (i > 600) throw new Error("the simulator did not start within 60 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => child.kill("SIGTERM") };
}

export async function run() {
  const n = Number(process.env.KANARIA_BENCH_DRIFT_APPS ?? 200);
  const cycles = Number(process.env.KANARIA_BENCH_DRIFT_CYCLES ?? 10);
  const sim = await startSimulatorProcess(n);
  const metrics = new RuntimeMetrics();
  const aws = new AwsContexts(metrics, DEFAULT_LIMITS);
  const providers = [{ name: "simulator", region: "us-east-1", endpoints: { ecs: sim.url, elbv2: sim.url }, credentials: CREDENTIALS }];
  try {
    // fleetGraphs needs the target group ARNs; the fleet's names and ARNs are deterministic, so an
    // embedded twin of the world (never called) provides them.
    const { startSimulator } = await import("../runtime/simulator/index.ts");
    const twin = await startSimulator({ scenario: scenario(n), timeScale: 0 });
    const apps: DriftApp[] = fleetGraphs(twin, n).map((graph, i) => ({ key: `app-${i}`, graph }));
    await twin.close();
    const clients = driftClients(aws, providers);
    const calls = () => {
      const by: Record<string, number> = {};
      for (const [k, v] of metrics.awsCalls.values) {
        const op = /operation="([^"]+)"/.exec(k)?.[1] ?? "?";
        by[op] = (by[op] ?? 0) + v;
      }
      return by;
    };
    const perCycle: Array<{ calls: Record<string, number>; cpuMs: number; wallMs: number; states: Record<string, number> }> = [];
    await detectDrift(apps, clients); // warm-up: SDK clients, JIT
    for (let c = 0; c < cycles; c++) {
      await new Promise((r) => setTimeout(r, 2_500)); // refill the describe bucket, as a 1-minute interval would
      const before = calls();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const results = await detectDrift(apps, clients);
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const after = calls();
      const delta: Record<string, number> = {};
      for (const [op, v] of Object.entries(after)) if (v - (before[op] ?? 0) > 0) delta[op] = v - (before[op] ?? 0);
      const states: Record<string, number> = {};
      for (const r of results.values()) states[r.state] = (states[r.state] ?? 0) + 1;
      perCycle.push({ calls: delta, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, states });
    }
    const last = perCycle[perCycle.length - 1];
    const cpu = stats(perCycle.map((c) => c.cpuMs));
    const wall = stats(perCycle.map((c) => c.wallMs));
    const describeServicesTarget = Math.ceil(n / 10);
    const same = perCycle.every((c) => JSON.stringify(c.calls) === JSON.stringify(last.calls));
    console.log(
      markdownTable(
        ["metric", "measured", "target"],
        [
          ["apps / services", `${n} / ${n}`, ""],
          ["DescribeServices per cycle", `${last.calls.DescribeServices ?? 0}${same ? " (every cycle)" : ""}`, `≤ ${describeServicesTarget} (1 per 10 services)`],
          ["DescribeTaskDefinition per cycle", `${last.calls.DescribeTaskDefinition ?? 0}`, `${DISTINCT} (distinct definitions)`],
          ["DescribeTaskSets per cycle", `${last.calls.DescribeTaskSets ?? 0}`, "0"],
          ["states", Object.entries(last.states).map(([k, v]) => `${v} ${k}`).join(", "), ""],
          ["CPU per cycle (this process)", `${cpu.medianMs} ms median, p90 ${cpu.p90Ms} ms (${round(cpu.medianMs / n)} ms per app)`, ""],
          ["wall time per cycle", `${wall.medianMs} ms median, p90 ${wall.p90Ms} ms`, ""],
        ],
      ),
    );
    saveResult("drift", { apps: n, cycles, distinctTaskDefinitions: DISTINCT, perCycle, cpuMs: cpu, wallMs: wall });
  } finally {
    aws.destroy();
    sim.stop();
  }
}

if (import.meta.main) await run();
