// Simulator throughput under the real SDK clients. The simulator runs in its own process
// (`bun runtime/simulator/cli.ts`), so this load generator does not share its event loop.
// 64 calls in flight in total for ~10 s: a mix of DescribeServices, DescribeTaskSets,
// DescribeTargetGroups, DescribeRules, ModifyRule and UpdateTaskSet.
// Runs three variants, each against a fresh simulator: the SDK clients exactly as shipped (their
// default node:http handler) from one load process; the same from BENCH_LOAD_PROCESSES (2)
// processes sharing the 64 in-flight calls (the headline: one Bun process running the SDK
// saturates a core before the simulator does); and a fetch request handler from one process.
// Reports the CPU each side used, so it is visible which side is the bottleneck.
// Prints markdown tables and writes bench/results/simulator.json.
//
//   node_modules/.bin/bun bench/simulator.bench.ts
//   (env: BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_TRANSPORT=sdk|fetch to run only one)

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { DescribeServicesCommand, DescribeTaskSetsCommand, ECSClient, UpdateTaskSetCommand } from "@aws-sdk/client-ecs";
import {
  CreateRuleCommand, DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client, ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { env, runtimeName } from "../runtime/platform/index.ts";

const root = new URL("..", import.meta.url).pathname;
const SECONDS = Number(env("BENCH_SECONDS") ?? 10);
const CONCURRENCY = Number(env("BENCH_CONCURRENCY") ?? 64);
const TARGET_CALLS_PER_SECOND = 2000;
/** Load-generator processes for the headline run (each with its own SDK clients). */
const LOAD_PROCESSES = Number(env("BENCH_LOAD_PROCESSES") ?? 2);

declare const Deno: any;

/**
 * A minimal fetch-based request handler for the SDK clients (the second variant). The SDK's
 * default node:http handler costs the load generator more CPU per call under Bun; on a 2-core
 * box shared by both processes that can make the load generator the bottleneck.
 */
const fetchTransport = {
  metadata: { handlerProtocol: "http/1.1" },
  async handle(request: any) {
    const query = new URLSearchParams(request.query ?? {}).toString();
    const url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ""}${request.path}${query ? `?${query}` : ""}`;
    const res = await fetch(url, { method: request.method, headers: request.headers, body: request.body });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { response: { statusCode: res.status, reason: res.statusText, headers, body: new Uint8Array(await res.arrayBuffer()) } };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs() {
    return {};
  },
  destroy() {},
};
type Transport = "sdk" | "fetch";
const ONLY = env("BENCH_TRANSPORT") as Transport | undefined;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function procCpuSeconds(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Start `kanaria simulate` in a child process; resolve with its URL. */
function startSimulatorProcess(): Promise<{ url: string; pid: number | undefined; stop: () => void }> {
  const exec = runtimeName === "deno" ? Deno.execPath() : (globalThis as any).process.execPath;
  const args = [
    ...(runtimeName === "deno" ? ["run", "-A"] : []),
    `${root}runtime/simulator/cli.ts`, "--port", "0", "--scenario", `${root}runtime/simulator/scenarios/canary.yaml`, "--time-scale", "1",
  ];
  const child = spawn(exec, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 15_000);
    child.stdout!.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], pid: child.pid, stop: () => child.kill("SIGTERM") });
      }
    });
    child.on("exit", (code: number) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Setup {
  url: string;
  cluster: string;
  service: string;
  taskSet: string;
  primary: string;
  canary: string;
  listenerArn: string;
  ruleArn: string;
}

interface WorkerOutput {
  latencies: Record<string, number[]>;
  errors: number;
  cpuSeconds: number;
  startedAt: number;
  endedAt: number;
}

function clients(url: string, transportName: Transport) {
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  const transport = transportName === "sdk" ? {} : { requestHandler: fetchTransport as any };
  return {
    ecs: new ECSClient({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1, ...transport }),
    elb: new ElasticLoadBalancingV2Client({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1, ...transport }),
  };
}

const forward = (primary: string, canary: string, w: number) => [
  { Type: "forward" as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: primary, Weight: 100 - w }, { TargetGroupArn: canary, Weight: w }] } },
];

/** Resources the load works on (and a listener rule to modify), created once per simulator. */
async function setUp(url: string): Promise<Setup> {
  const { ecs, elb } = clients(url, "sdk");
  const cluster = "demo";
  const service = "web";
  const taskSet = (await ecs.send(new DescribeTaskSetsCommand({ cluster, service }))).taskSets![0].id!;
  const lbArn = (await elb.send(new DescribeLoadBalancersCommand({ Names: ["demo-alb"] }))).LoadBalancers![0].LoadBalancerArn!;
  const tgs = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }))).TargetGroups!;
  const [primary, canary] = ["demo-primary", "demo-canary"].map((n) => tgs.find((t) => t.TargetGroupName === n)!.TargetGroupArn!);
  const listenerArn = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners![0].ListenerArn!;
  const ruleArn = (await elb.send(new CreateRuleCommand({
    ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }], Actions: forward(primary, canary, 0),
  }))).Rules![0].RuleArn!;
  ecs.destroy();
  elb.destroy();
  return { url, cluster, service, taskSet, primary, canary, listenerArn, ruleArn };
}

/** `concurrency` calls in flight from `startAt` (epoch ms, shared by every load process) for `seconds`. */
async function generateLoad(x: Setup, transportName: Transport, startAt: number, seconds: number, concurrency: number): Promise<WorkerOutput> {
  const { ecs, elb } = clients(x.url, transportName);
  const { cluster, service, taskSet } = x;
  let i = 0;
  const ops: Array<[string, () => Promise<unknown>]> = [
    ["DescribeServices", () => ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))],
    ["DescribeTaskSets", () => ecs.send(new DescribeTaskSetsCommand({ cluster, service }))],
    ["DescribeTargetGroups", () => elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [x.primary, x.canary] }))],
    ["DescribeRules", () => elb.send(new DescribeRulesCommand({ ListenerArn: x.listenerArn }))],
    ["ModifyRule", () => elb.send(new ModifyRuleCommand({ RuleArn: x.ruleArn, Actions: forward(x.primary, x.canary, i % 2 === 0 ? 10 : 20) }))],
    ["UpdateTaskSet", () => ecs.send(new UpdateTaskSetCommand({ cluster, service, taskSet, scale: { value: i % 2 === 0 ? 50 : 100, unit: "PERCENT" } }))],
  ];
  const latencies: Record<string, number[]> = Object.fromEntries(ops.map(([n]) => [n, []]));
  let errors = 0;
  // warm-up (connections, SDK middleware), then wait for the common start
  for (const [, op] of ops) await op();
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  const cpu0 = process.cpuUsage();
  const startedAt = Date.now();
  const deadline = startedAt + seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const n = i++;
      const [name, op] = ops[n % ops.length];
      const t = performance.now();
      try {
        await op();
      } catch {
        errors++;
        continue;
      }
      latencies[name].push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const endedAt = Date.now();
  const cpu = process.cpuUsage(cpu0);
  ecs.destroy();
  elb.destroy();
  return { latencies, errors, cpuSeconds: (cpu.user + cpu.system) / 1e6, startedAt, endedAt };
}

/** One load process: `bun bench/simulator.bench.ts` with BENCH_LOAD_WORKER set; prints its WorkerOutput. */
function spawnLoadProcess(x: Setup, transportName: Transport, startAt: number, concurrency: number): Promise<WorkerOutput> {
  const job = JSON.stringify({ setup: x, transport: transportName, startAt, seconds: SECONDS, concurrency });
  const exec = runtimeName === "deno" ? Deno.execPath() : (globalThis as any).process.execPath;
  const args = [...(runtimeName === "deno" ? ["run", "-A"] : []), `${root}bench/simulator.bench.ts`];
  const child = spawn(exec, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...(globalThis as any).process.env, BENCH_LOAD_WORKER: job } });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Uint8Array) => (out += new TextDecoder().decode(c)));
    child.on("exit", (code: number) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load process exited with ${code}`))));
  });
}

async function measure(transportName: Transport, processes: number): Promise<Record<string, any>> {
  const sim = await startSimulatorProcess();
  try {
    const x = await setUp(sim.url);
    const perProcess = Math.max(1, Math.round(CONCURRENCY / processes));
    const startAt = Date.now() + (processes > 1 ? 3000 : 200); // time for the load processes to start and warm up
    // The simulator's CPU over the timed part: read at the common start and after the last call.
    let simCpu0: number | null = null;
    const simCpuTimer = setTimeout(() => (simCpu0 = procCpuSeconds(sim.pid)), Math.max(0, startAt - Date.now()));
    const outs =
      processes > 1
        ? await Promise.all(Array.from({ length: processes }, () => spawnLoadProcess(x, transportName, startAt, perProcess)))
        : [await generateLoad(x, transportName, startAt, SECONDS, perProcess)];
    const simCpu1 = procCpuSeconds(sim.pid);
    const simCpuSeconds = simCpu0 === null || simCpu1 === null ? null : simCpu1 - simCpu0;
    clearTimeout(simCpuTimer);
    const startedAt = Math.min(...outs.map((o) => o.startedAt));
    const elapsed = (Math.max(...outs.map((o) => o.endedAt)) - startedAt) / 1000;
    const latencies: Record<string, number[]> = {};
    for (const o of outs) for (const [k, v] of Object.entries(o.latencies)) (latencies[k] ??= []).push(...v);
    const all = Object.values(latencies).flat().sort((a, b) => a - b);
    const errors = outs.reduce((s, o) => s + o.errors, 0);
    const perOp = Object.fromEntries(
      Object.entries(latencies).map(([name, xs]) => {
        xs.sort((a, b) => a - b);
        return [name, { calls: xs.length, p50Ms: +percentile(xs, 50).toFixed(2), p99Ms: +percentile(xs, 99).toFixed(2) }];
      }),
    );
    const result = {
      benchmark: "simulator",
      runtime: runtimeName,
      transport: transportName === "sdk" ? "sdk default (node:http)" : "fetch",
      loadProcesses: processes,
      concurrency: perProcess * processes,
      seconds: +elapsed.toFixed(2),
      calls: all.length,
      errors,
      callsPerSecond: Math.round(all.length / elapsed),
      targetCallsPerSecond: TARGET_CALLS_PER_SECOND,
      meetsTarget: all.length / elapsed >= TARGET_CALLS_PER_SECOND && errors === 0,
      // Cores each side used (2 cores on the bench box, shared with whatever else runs).
      simulatorCpuCores: simCpuSeconds === null ? null : +(simCpuSeconds / elapsed).toFixed(2),
      loadGeneratorCpuCores: +(outs.reduce((s, o) => s + o.cpuSeconds, 0) / elapsed).toFixed(2),
      p50Ms: +percentile(all, 50).toFixed(2),
      p99Ms: +percentile(all, 99).toFixed(2),
      perOperation: perOp,
      date: new Date().toISOString(),
    };
    console.log(`## Simulator throughput (${runtimeName}, ${result.concurrency} in flight from ${processes} load process(es), ${result.seconds} s, ${result.transport} transport, simulator in its own process)\n`);
    console.log("| operation | calls | p50 ms | p99 ms |");
    console.log("|---|---:|---:|---:|");
    for (const [name, v] of Object.entries(perOp)) console.log(`| ${name} | ${v.calls} | ${v.p50Ms} | ${v.p99Ms} |`);
    console.log(`| **all** | **${result.calls}** | **${result.p50Ms}** | **${result.p99Ms}** |`);
    console.log(`\nthroughput: **${result.callsPerSecond} calls/s** (target >= ${TARGET_CALLS_PER_SECOND}), errors: ${errors}`);
    console.log(`CPU: simulator ${result.simulatorCpuCores ?? "?"} cores, load generator(s) ${result.loadGeneratorCpuCores} cores (of 2)\n`);
    return result;
  } finally {
    sim.stop();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const variants: Array<[Transport, number]> = [["sdk", 1], ["sdk", LOAD_PROCESSES], ["fetch", 1]].filter(
    ([t, p], i, a) => (!ONLY || t === ONLY) && a.findIndex(([t2, p2]) => t2 === t && p2 === p) === i,
  ) as Array<[Transport, number]>;
  const runs: Record<string, any>[] = [];
  for (const [t, p] of variants) runs.push(await measure(t, p));
  // Headline: the SDK clients as shipped, from as many load processes as configured (the load,
  // not the simulator, saturates one process first).
  const sdk = runs.filter((r) => r.transport.startsWith("sdk"));
  const headline = sdk.find((r) => r.loadProcesses === LOAD_PROCESSES) ?? sdk[0] ?? runs[0];
  const result = { ...headline, variants: runs };
  await mkdir(`${root}bench/results`, { recursive: true });
  await writeFile(`${root}bench/results/simulator.json`, JSON.stringify(result, null, 2) + "\n");
  return result;
}

if ((import.meta as any).main) {
  const job = env("BENCH_LOAD_WORKER");
  if (job) {
    const j = JSON.parse(job);
    const out = await generateLoad(j.setup, j.transport, j.startAt, j.seconds, j.concurrency);
    (globalThis as any).process.stdout.write(JSON.stringify(out));
  } else {
    await run();
  }
}
