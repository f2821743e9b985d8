// Ambiguous AWS failures: the call takes effect, then its answer is lost — a 500, a connection
// broken mid-answer, or no answer before the runtime's per-call timeout. The runtime cannot
// tell these from a call that never happened, so every write the stages make must be safe to
// re-send (clientToken, or it sets a value) or be looked for before it is sent again (read-back).
// Each case makes one kind of write call fail that way (the simulator applies it, then loses the
// answer), runs a real deployment against the simulator, and reads the world back through the
// real SDK: one task set per variant, no duplicate task set or task definition revision, the
// traffic weights and the final state right (for RunTask: one task). Spread over processes by test/run.ts:
// kanaria-test-shards: 3
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTaskDefinitionsCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { CREDENTIALS, compileFixture, inspect, scenarioPath, simRuntime, startSim, targetGroupArns } from "./helpers.ts";
import { shardOf } from "../helpers/shard.ts";
import type { FaultRule, Simulator } from "../../runtime/simulator/index.ts";
import type { Runtime } from "../../runtime/executor/runtime.ts";

/** Per-call timeout of the runtime under test (real time); the "timeout" fault answers later than this. */
const CALL_TIMEOUT_MS = 2_000;

type Fault = "apply-then-500" | "apply-then-drop" | "apply-then-timeout";
const FAULTS: Fault[] = ["apply-then-500", "apply-then-drop", "apply-then-timeout"];

function faultRule(service: "ecs" | "elbv2", operation: string, fault: Fault): FaultRule {
  const base = { service, operation, count: 1 };
  if (fault === "apply-then-500") return { ...base, applyThenErrorRate: 1 };
  if (fault === "apply-then-drop") return { ...base, applyThenDropRate: 1 };
  // The answer would come after the runtime gave up on the call.
  return { ...base, applyThenDropRate: 1, lostAnswerDelayMs: 3 * CALL_TIMEOUT_MS };
}

/** Which deployment exercises a write call, and what it must end as. */
type Flow = "canary" | "first-deployment" | "rollback" | "standalone";
const WRITES: Array<{ service: "ecs" | "elbv2"; operation: string; flow: Flow }> = [
  { service: "ecs", operation: "RegisterTaskDefinition", flow: "canary" },
  { service: "ecs", operation: "CreateTaskSet", flow: "canary" },
  { service: "elbv2", operation: "ModifyListener", flow: "canary" },
  { service: "elbv2", operation: "ModifyRule", flow: "canary" },
  { service: "ecs", operation: "UpdateServicePrimaryTaskSet", flow: "canary" },
  { service: "ecs", operation: "DeleteTaskSet", flow: "canary" },
  { service: "ecs", operation: "CreateService", flow: "first-deployment" },
  { service: "ecs", operation: "UpdateTaskSet", flow: "rollback" },
  { service: "ecs", operation: "RunTask", flow: "standalone" },
];

/** The canary fixture as a standalone task (no service definition, no pipeline): ECS_SYNC runs it with RunTask. */
const standalone = (text: string) =>
  text
    .replace("    serviceDefinitionFile: servicedef.yaml\n", "    clusterArn: arn:aws:ecs:us-east-1:123456789012:cluster/demo\n    awsvpcConfiguration:\n      subnets: [subnet-0aaa1111]\n")
    .replace(/  pipeline:[\s\S]*$/, "");

const CASES = WRITES.flatMap((w) => FAULTS.map((fault) => ({ ...w, fault })));

/** The test scenario, with the primary task set at 50% so a rollback has to scale it back (UpdateTaskSet). */
const HALF_PRIMARY = readFileSync(scenarioPath(), "utf8").replace(/(primaryTaskSet:[\s\S]*?scale:) 100/, "$1 50");

async function taskDefinitionRevisions(sim: Simulator): Promise<string[]> {
  const ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
  try {
    return (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "web" }))).taskDefinitionArns ?? [];
  } finally {
    ecs.destroy();
  }
}

async function services(sim: Simulator, name: string): Promise<string[]> {
  const ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
  try {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: "demo", services: [name] }));
    return (out.services ?? []).filter((s) => s.status === "ACTIVE").map((s) => s.serviceArn!);
  } finally {
    ecs.destroy();
  }
}

/** Every rule sends all traffic to the primary (the /api/* rule names only the primary until a canary stage touches it). */
function assertAllOnPrimary(rules: Array<{ rule: string; weights: Record<string, number> }>): void {
  assert.equal(rules.length, 2, "default action and the /api/* rule");
  for (const r of rules) assert.deepEqual([r.weights["demo-primary"], r.weights["demo-canary"] ?? 0], [100, 0], `rule ${r.rule}: ${JSON.stringify(r.weights)}`);
}

/** Tasks of the cluster that run a task definition revision, through the SDK. */
async function tasksOf(sim: Simulator, revision: RegExp): Promise<string[]> {
  const ecs = new ECSClient({ region: "us-east-1", endpoint: sim.url, credentials: CREDENTIALS });
  try {
    const arns = (await ecs.send(new ListTasksCommand({ cluster: "demo" }))).taskArns ?? [];
    if (!arns.length) return [];
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: "demo", tasks: arns }))).tasks ?? [];
    return tasks.filter((t) => revision.test(t.taskDefinitionArn ?? "")).map((t) => t.taskArn!);
  } finally {
    ecs.destroy();
  }
}

async function assertJournal(rt: Runtime, id: string): Promise<void> {
  const journal = await rt.store.listJournal(id);
  const keys = journal.map((j) => `${j.nodeId}/${j.step}`);
  assert.equal(new Set(keys).size, keys.length, "one journal row per side effect");
  assert.deepEqual(journal.filter((j) => j.status !== "DONE").map((j) => `${j.nodeId}/${j.step}: ${j.status}`), [], "every side effect DONE");
}

describe("a write that took effect but whose answer was lost is not repeated", () => {
  let sim: Simulator;
  let halfSim: Simulator;
  before(async () => {
    // Deleted task sets stay visible (DRAINING), so a duplicate would show.
    sim = await startSim({ deregistrationDelayMs: 3_600_000_000 });
    halfSim = await startSim({ scenario: HALF_PRIMARY, deregistrationDelayMs: 3_600_000_000 });
  });
  after(async () => {
    await sim.close();
    await halfSim.close();
  });

  for (const c of shardOf(CASES)) {
    test(`${c.operation}: ${c.fault}`, { timeout: 120_000 }, async () => {
      const world = c.flow === "rollback" ? halfSim : sim;
      await world.reset();
      const rt = await simRuntime(world, { callTimeoutMs: CALL_TIMEOUT_MS });
      try {
        const primaryBefore = (await inspect(world)).taskSets.find((t) => t.status === "PRIMARY")!;
        world.setFaults([faultRule(c.service, c.operation, c.fault)]);
        const graph =
          c.flow === "rollback"
            ? compileFixture("broken", { targetGroups: targetGroupArns(world) })
            : compileFixture("canary", {
                targetGroups: targetGroupArns(world),
                ...(c.flow === "first-deployment" ? { serviceName: "brand-new" } : {}),
                ...(c.flow === "standalone" ? { editApp: standalone } : {}),
              });
        const d = await rt.submit(graph);
        const final = await rt.scheduler.wait(d.id);
        world.setFaults([]);

        // The fault did happen: the call took effect and its answer was lost.
        assert.equal(world.state.lostAnswers[`${c.service}:${c.operation}`], 1, `the ${c.operation} fault fired (lost answers: ${JSON.stringify(world.state.lostAnswers)})`);
        if (c.fault === "apply-then-timeout") assert.ok(rt.metrics.awsTimeouts.get({ service: c.service, operation: c.operation }) >= 1, "the per-call timeout fired");
        await assertJournal(rt, d.id);

        if (c.flow === "canary") {
          assert.equal(final.state, "SUCCEEDED", final.error ?? "");
          const after = await inspect(world);
          assert.equal(after.taskSets.length, 3, `old primary, canary, new primary — no duplicate: ${JSON.stringify(after.taskSets)}`);
          const ours = after.taskSets.flatMap((t) => (t.externalId ? [t.externalId] : []));
          assert.deepEqual(ours.map((e) => e.split("/").slice(2).join("/")).sort(), ["canary-rollout/canary", "primary-rollout/primary"], "one task set per variant");
          const live = after.taskSets.filter((t) => t.status !== "DRAINING");
          assert.deepEqual(live.map((t) => [t.status, t.scale]), [["PRIMARY", 100]]);
          assert.match(live[0].taskDefinition, /web:2$/);
          assert.equal(after.rules.length, 2, "default action and the /api/* rule");
          for (const r of after.rules) assert.deepEqual(r.weights, { "demo-primary": 100, "demo-canary": 0 }, `rule ${r.rule}`);
          assert.deepEqual((await rt.store.getNode(d.id, "canary-traffic"))?.outputs?.traffic, { primary: 80, canary: 20 });
          assert.equal((await taskDefinitionRevisions(world)).length, 2, "no duplicate task definition revision");
        } else if (c.flow === "first-deployment") {
          assert.equal(final.state, "SUCCEEDED", final.error ?? "");
          assert.equal((await services(world, "brand-new")).length, 1, "the service was created once");
          const after = await inspect(world, "brand-new");
          assert.deepEqual(after.taskSets.map((t) => [t.status, t.scale]), [["PRIMARY", 100]], "one task set, primary");
          assertAllOnPrimary(after.rules);
          assert.equal((await taskDefinitionRevisions(world)).length, 2, "no duplicate task definition revision");
        } else if (c.flow === "standalone") {
          assert.equal(final.state, "SUCCEEDED", final.error ?? "");
          assert.equal((await tasksOf(world, /web:2$/)).length, 1, "one standalone task started, not two");
          assert.equal((await taskDefinitionRevisions(world)).length, 2, "no duplicate task definition revision");
        } else {
          assert.equal(final.state, "ROLLED_BACK", final.error ?? "");
          const after = await inspect(world);
          assert.equal(after.taskSets.length, 2, `old primary and canary — no duplicate: ${JSON.stringify(after.taskSets)}`);
          const live = after.taskSets.filter((t) => t.status !== "DRAINING");
          assert.deepEqual(live.map((t) => [t.id, t.status, t.scale]), [[primaryBefore.id, "PRIMARY", 100]], "the previous primary, back at 100%");
          assertAllOnPrimary(after.rules);
        }
      } finally {
        world.setFaults([]);
        await rt.close();
      }
    });
  }
});
