// Simulator throughput under the real SDK clients. The simulator runs in its own process
// (`bun runtime/simulator/cli.ts`), so this load generator does not share its event loop.
// 64 calls in flight for ~10 s: a mix of DescribeServices, DescribeTaskSets,
// DescribeTargetGroups, DescribeRules, ModifyRule and UpdateTaskSet.
// Prints a markdown table and writes bench/results/simulator.json.
//
//   node_modules/.bin/bun bench/simulator.bench.ts   (env: BENCH_SECONDS, BENCH_CONCURRENCY)

import { spawn } from "node:child_process";
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

declare const Deno: any;

/**
 * A minimal fetch-based transport for the SDK clients (BENCH_TRANSPORT=fetch, the default).
 * The SDK's default node:http handler costs the load generator ~25% more CPU per call under
 * Bun, and on a 2-core box the load generator, not the simulator, is the bottleneck.
 * BENCH_TRANSPORT=sdk uses the SDK's default handler unchanged.
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
const TRANSPORT = env("BENCH_TRANSPORT") ?? "fetch";

/** Start `kanaria simulate` in a child process; resolve with its URL. */
function startSimulatorProcess(): Promise<{ url: string; stop: () => void }> {
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
        resolve({ url: m[1], stop: () => child.kill("SIGTERM") });
      }
    });
    child.on("exit", (code: number) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<Record<string, unknown>> {
  const sim = await startSimulatorProcess();
  try {
    const credentials = { accessKeyId: "test", secretAccessKey: "test" };
    const transport = TRANSPORT === "sdk" ? {} : { requestHandler: fetchTransport as any };
    const ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials, maxAttempts: 1, ...transport });
    const elb = new ElasticLoadBalancingV2Client({ region: "us-east-1", endpoint: sim.url, credentials, maxAttempts: 1, ...transport });
    const cluster = "demo";
    const service = "web";
    const taskSet = (await ecs.send(new DescribeTaskSetsCommand({ cluster, service }))).taskSets![0].id!;
    const lbArn = (await elb.send(new DescribeLoadBalancersCommand({ Names: ["demo-alb"] }))).LoadBalancers![0].LoadBalancerArn!;
    const tgs = (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }))).TargetGroups!;
    const [primary, canary] = ["demo-primary", "demo-canary"].map((n) => tgs.find((t) => t.TargetGroupName === n)!.TargetGroupArn!);
    const listenerArn = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners![0].ListenerArn!;
    const forward = (w: number) => [{ Type: "forward" as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: primary, Weight: 100 - w }, { TargetGroupArn: canary, Weight: w }] } }];
    const ruleArn = (await elb.send(new CreateRuleCommand({
      ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }], Actions: forward(0),
    }))).Rules![0].RuleArn!;

    let i = 0;
    const ops: Array<[string, () => Promise<unknown>]> = [
      ["DescribeServices", () => ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))],
      ["DescribeTaskSets", () => ecs.send(new DescribeTaskSetsCommand({ cluster, service }))],
      ["DescribeTargetGroups", () => elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [primary, canary] }))],
      ["DescribeRules", () => elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))],
      ["ModifyRule", () => elb.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: forward(i % 2 === 0 ? 10 : 20) }))],
      ["UpdateTaskSet", () => ecs.send(new UpdateTaskSetCommand({ cluster, service, taskSet, scale: { value: i % 2 === 0 ? 50 : 100, unit: "PERCENT" } }))],
    ];
    const latencies: Record<string, number[]> = Object.fromEntries(ops.map(([n]) => [n, []]));
    const all: number[] = [];
    let errors = 0;
    // warm-up
    for (const [, op] of ops) await op();
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const n = i++;
        const [name, op] = ops[n % ops.length];
        const t = performance.now();
        try {
          await op();
        } catch {
          errors++;
          continue;
        }
        const dt = performance.now() - t;
        latencies[name].push(dt);
        all.push(dt);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = (performance.now() - started) / 1000;
    all.sort((a, b) => a - b);
    const perOp = Object.fromEntries(
      Object.entries(latencies).map(([name, xs]) => {
        xs.sort((a, b) => a - b);
        return [name, { calls: xs.length, p50Ms: +percentile(xs, 50).toFixed(2), p99Ms: +percentile(xs, 99).toFixed(2) }];
      }),
    );
    const result = {
      benchmark: "simulator",
      runtime: runtimeName,
      transport: TRANSPORT === "sdk" ? "sdk default (node:http)" : "fetch",
      concurrency: CONCURRENCY,
      seconds: +elapsed.toFixed(2),
      calls: all.length,
      errors,
      callsPerSecond: Math.round(all.length / elapsed),
      targetCallsPerSecond: TARGET_CALLS_PER_SECOND,
      meetsTarget: all.length / elapsed >= TARGET_CALLS_PER_SECOND,
      p50Ms: +percentile(all, 50).toFixed(2),
      p99Ms: +percentile(all, 99).toFixed(2),
      perOperation: perOp,
      date: new Date().toISOString(),
    };
    console.log(`## Simulator throughput (${runtimeName}, ${CONCURRENCY} in flight, ${result.seconds} s, ${result.transport} transport, simulator in its own process)\n`);
    console.log("| operation | calls | p50 ms | p99 ms |");
    console.log("|---|---:|---:|---:|");
    for (const [name, v] of Object.entries(perOp)) console.log(`| ${name} | ${v.calls} | ${v.p50Ms} | ${v.p99Ms} |`);
    console.log(`| **all** | **${result.calls}** | **${result.p50Ms}** | **${result.p99Ms}** |`);
    console.log(`\nthroughput: **${result.callsPerSecond} calls/s** (target >= ${TARGET_CALLS_PER_SECOND}), errors: ${errors}`);
    await mkdir(`${root}bench/results`, { recursive: true });
    await writeFile(`${root}bench/results/simulator.json`, JSON.stringify(result, null, 2) + "\n");
    return result;
  } finally {
    sim.stop();
  }
}

if ((import.meta as any).main) {
  await run();
}
