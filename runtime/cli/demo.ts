// `kanaria demo` (npm run demo): against the embedded simulator, a canary of a healthy version
// (the Datadog analysis passes, it is promoted), one that answers 30% of requests with 5xx (the
// analysis fails it and it is rolled back; the time from the failing sample to 100% primary
// traffic is printed), and one whose tasks never pass their health check (the canary stage
// times out and it is rolled back). Exit 0 when all three end as expected.
import { readFileSync } from "node:fs";
import { compile } from "../../compiler/compile.ts";
import type { Graph } from "../executor/graph.ts";
import { flagString as str, parseArgs, UsageError } from "../../compiler/cli/args.ts";
import { openRuntime } from "./local-runtime.ts";
import { Progress } from "./progress.ts";
import { startSimulation } from "./simulate.ts";

const DEMO_DIR = new URL("./demo/", import.meta.url).pathname;

const USAGE = `Usage: kanaria demo [--time-scale N] [--verbose]

Runs three canaries of the app in runtime/cli/demo/ against the embedded simulator, each
judged by a Datadog 5xx-rate analysis on the canary's target group:
  1. image nginx:1.27, healthy            -> expected SUCCEEDED
  2. image nginx:bad, 30% 5xx             -> expected ROLLED_BACK (analysis fails)
  3. image nginx:broken, never healthy    -> expected ROLLED_BACK (canary stage timeout)
Exits 0 when all end as expected.`;

function demoGraph(image: string, name: string): Graph {
  const readFile = (p: string) => {
    let t: string;
    try {
      t = readFileSync(p, "utf8");
    } catch {
      return null;
    }
    if (p.endsWith("taskdef.yaml")) t = t.replace(/image: .*/, `image: ${image}`);
    if (p.endsWith("app.pipecd.yaml")) t = t.replace("name: web-demo", `name: ${name}`);
    return t;
  };
  const r = compile({ appPath: `${DEMO_DIR}app.pipecd.yaml`, readFile });
  if (!r.graph) throw new Error(`the demo app does not compile:\n${r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`).join("\n")}`);
  return r.graph as unknown as Graph;
}

export async function demoCommand(args: string[]): Promise<number> {
  let p: ReturnType<typeof parseArgs>;
  try {
    p = parseArgs(args, { booleans: ["verbose", "help"], values: ["time-scale"] });
    if (p.flags.has("help")) {
      console.log(USAGE);
      return 0;
    }
    if (p.positionals.length) throw new UsageError(`unexpected argument ${p.positionals[0]}`);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`kanaria demo: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const timeScale = Number(str(p, "time-scale") ?? 120);
  const sim = await startSimulation(`${DEMO_DIR}scenario.yaml`, timeScale);
  const rt = await openRuntime({ dataDir: null, providers: [sim.provider], timeScale: sim.timeScale, simulatorUrl: sim.url });
  const runs = [
    { title: "healthy release (nginx:1.27)", image: "public.ecr.aws/nginx/nginx:1.27", name: "web-demo", expect: "SUCCEEDED" },
    { title: "bad release (nginx:bad: 30% of requests fail with 5xx)", image: "public.ecr.aws/nginx/nginx:bad", name: "web-demo-bad", expect: "ROLLED_BACK" },
    { title: "broken release (nginx:broken: tasks never pass the health check)", image: "public.ecr.aws/nginx/nginx:broken", name: "web-demo-broken", expect: "ROLLED_BACK" },
  ];
  console.log(`Kanaria demo: simulator at ${sim.url}, time ${sim.timeScale}x faster than real\n`);
  let ok = true;
  try {
    for (const [i, r] of runs.entries()) {
      console.log(`${i + 1}. ${r.title}: expecting ${r.expect}`);
      const progress = new Progress((l) => console.log(`  ${l}`), p.flags.has("verbose"));
      const graph = demoGraph(r.image, r.name);
      let id = "";
      const early: any[] = [];
      const off = rt.events.subscribe("*", (e) => (id ? e.deploymentId === id && progress.handle(e) : early.push(e)));
      id = (await rt.submit(graph)).id;
      for (const e of early) if (e.deploymentId === id) progress.handle(e);
      const final = await rt.scheduler.wait(id);
      off();
      const good = final.state === r.expect;
      ok &&= good;
      console.log(`  => ${final.state}${final.error ? ` (${final.error})` : ""}: ${good ? "as expected" : `UNEXPECTED, wanted ${r.expect}`}`);
      const back = rollbackLatency(await rt.store.listEvents(id));
      if (back !== null) console.log(`  traffic was 100% primary again ${back} ms after the failing analysis sample`);
      console.log("");
    }
  } finally {
    await rt.close();
    await sim.close();
  }
  console.log(ok ? "Demo passed: the healthy release was promoted; the 5xx release was rolled back by its analysis, the broken one by its health check." : "Demo FAILED: see above.");
  return ok ? 0 : 1;
}

/** Real ms from the failing ANALYSIS node to the rollback's traffic switch, or null. */
function rollbackLatency(events: { type: string; nodeId: string | null; at: number; data: Record<string, unknown> }[]): number | null {
  const failed = events.find((e) => e.type === "node.failed" && e.data.stage === "ANALYSIS");
  const back = events.find((e) => e.type === "node.succeeded" && e.data.stage === "ROLLBACK_TRAFFIC");
  return failed && back ? back.at - failed.at : null;
}
