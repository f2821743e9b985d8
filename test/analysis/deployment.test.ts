// Whole deployments on the simulator with ANALYSIS (Datadog through the official client):
// a healthy canary passes THRESHOLD, CANARY_PRIMARY and PREVIOUS and is promoted; a canary with
// 30% 5xx fails its first sample and is rolled back (its rollback script runs); PREVIOUS then
// fails a bad release against the stored run of the healthy one. Reports how long the rollback
// took from the failing sample to ROLLBACK_TRAFFIC finishing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSimulator, type Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";
import type { SampleRecord } from "../../runtime/analysis/types.ts";
import { analysisRuntime, appYaml, canaryStages, compileApp, FIXTURES, RATIO } from "./deployment-helpers.ts";
import { tempDir } from "./helpers.ts";

const SCALE = 300;
const metricYaml = (strategy: string, more: string) => `            - provider: datadog
              strategy: ${strategy}
              interval: 1m
              query: "${RATIO}"
${more}`;

describe("ANALYSIS in whole deployments (simulator)", () => {
  let sim: Simulator;
  let rt: Runtime;
  let healthyId = "";
  const report: Record<string, unknown> = {};

  before(async () => {
    sim = await startSimulator({ scenario: join(FIXTURES, "scenario.yaml"), timeScale: SCALE });
    ({ rt } = await analysisRuntime(sim));
  });
  after(async () => {
    await rt?.close();
    await sim?.close();
    console.log(`analysis deployment numbers: ${JSON.stringify(report)}`);
  });

  const samplesOf = async (id: string): Promise<SampleRecord[]> =>
    (await rt.store.listEvents(id)).filter((e) => e.type === "log" && e.data.analysisSample).map((e) => e.data.analysisSample as SampleRecord);

  test("healthy canary: THRESHOLD, CANARY_PRIMARY and PREVIOUS pass; promoted", async () => {
    const analysis = `          duration: 3m
          metrics:
${metricYaml("THRESHOLD", "              expected:\n                max: 0.05\n")}${metricYaml("CANARY_PRIMARY", "              deviation: HIGH\n")}${metricYaml("PREVIOUS", "              deviation: HIGH\n")}`;
    const graph = compileApp(appYaml(sim, { stages: canaryStages(analysis) }), "public.ecr.aws/nginx/nginx:1.27");
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "SUCCEEDED", final.error ?? "");
    healthyId = d.id;
    const node = (await rt.store.getNode(d.id, "analysis"))!;
    const samples = node.outputs!.samples as SampleRecord[];
    assert.equal(samples.length, 9, "3 metrics × 3 samples");
    for (const s of samples) assert.equal(s.verdict, "pass", `${s.strategy} sample ${s.sample}: ${s.reason}`);
    const cp = samples.filter((s) => s.strategy === "CANARY_PRIMARY");
    assert.ok(cp.every((s) => s.values.canary!.length >= 5 && s.values.primary!.length >= 5), "both variants, ~6 points each");
    assert.match(samples.find((s) => s.strategy === "PREVIOUS")!.reason, /no previous successful deployment/);
    assert.equal((await samplesOf(d.id)).length, 9, "every sample is also an event");
    report.healthySamples = samples.length;
  });

  test("30% 5xx canary: fails at the first sample after delay, rolled back, rollback script runs", async () => {
    const marker = join(tempDir(), "rolled-back");
    const analysis = `          duration: 10m
          metrics:
${metricYaml("THRESHOLD", "              delay: 30s\n              failureLimit: 0\n              expected:\n                max: 0.05\n")}`;
    const script = `      - id: announce
        name: SCRIPT_RUN
        with:
          run: echo "deploying $SR_APPLICATION_NAME"
          onRollback: echo "rolled back $SR_DEPLOYMENT_ID" > ${marker}
`;
    const graph = compileApp(appYaml(sim, { stages: canaryStages(analysis, script) }), "public.ecr.aws/nginx/nginx:bad");
    // The ELB calls the simulator serves between the failing verdict and traffic back on the
    // primary: what stands between a bad release and its users.
    const elbCalls = () => Object.fromEntries(Object.entries(sim.state.calls).filter(([k]) => k.startsWith("elbv2:")));
    let atVerdict: Record<string, number> | null = null;
    let atTrafficBack: Record<string, number> | null = null;
    const off = rt.events.subscribe("*", (e) => {
      if (e.type === "log" && (e.data.analysisSample as any)?.verdict === "fail" && !atVerdict) atVerdict = elbCalls();
      if (e.type === "node.succeeded" && e.nodeId === "rollback-traffic") atTrafficBack = elbCalls();
    });
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    off();
    assert.equal(final.state, "ROLLED_BACK", final.error ?? "");
    assert.equal(final.failedNode, "analysis");
    assert.match(final.error ?? "", /metrics\[0\] datadog THRESHOLD had 1 failed samples.*is above max 0\.05/);
    const samples = await samplesOf(d.id);
    assert.equal(samples.length, 1);
    assert.equal(samples[0].verdict, "fail");
    // Not before delay + interval; how much later depends on the machine (scaled time), so no upper bound.
    assert.ok(samples[0].at >= 90_000, `first sample at ${samples[0].at} ms: delay 30 s + interval 1 m`);
    assert.equal(readFileSync(marker, "utf8").trim(), `rolled back ${d.id}`);
    assert.ok((await rt.store.listEvents(d.id)).some((e) => e.type === "log" && e.nodeId === "announce" && e.data.message === "deploying web"));

    const events = await rt.store.listEvents(d.id);
    const failingAt = events.find((e) => e.type === "log" && e.data.analysisSample)!.at;
    const trafficBack = events.find((e) => e.type === "node.succeeded" && e.nodeId === "rollback-traffic")!.at;
    const realMs = trafficBack - failingAt;
    report.failingSampleToRollbackTrafficRealMs = realMs;
    report.failingSampleToRollbackTrafficDeploymentMs = realMs * SCALE;
    report.failingSampleOffsetMs = samples[0].at;
    assert.ok(atVerdict && atTrafficBack, "saw the verdict and the traffic switch");
    const between = Object.fromEntries(Object.entries(atTrafficBack as Record<string, number>).map(([k, v]) => [k, v - ((atVerdict as Record<string, number>)[k] ?? 0)]).filter(([, v]) => Number(v) > 0));
    // One read of the listener's rules (to keep the rest of each action list), then one write
    // per forwarding rule (the default action and the /api/* rule); nothing else.
    assert.deepEqual(between, { "elbv2:DescribeRules": 1, "elbv2:ModifyListener": 1, "elbv2:ModifyRule": 1 });
    report.elbCallsFromVerdictToPrimary = between;
  });

  test("PREVIOUS: a bad release fails against the stored run of the last successful deployment", async () => {
    assert.ok(healthyId, "needs the healthy deployment");
    const analysis = `          duration: 2m
          metrics:
${metricYaml("PREVIOUS", "              deviation: HIGH\n")}`;
    const graph = compileApp(appYaml(sim, { stages: canaryStages(analysis) }), "public.ecr.aws/nginx/nginx:bad");
    const d = await rt.submit(graph);
    const final = await rt.scheduler.wait(d.id);
    assert.equal(final.state, "ROLLED_BACK", final.error ?? "");
    assert.match(final.error ?? "", new RegExp(`PREVIOUS had 1 failed samples.*vs previous deployment ${healthyId} median 0: this deployment is significantly higher`));
    const s = (await samplesOf(d.id))[0];
    assert.ok(s.values.previous!.length >= 10, "compared with the healthy run's stored points");
  });
});
