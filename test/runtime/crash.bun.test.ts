// Crash safety: for every node of the canary pipeline, the runtime (a child process running
// `kanaria deploy --data DIR`) kills itself with SIGKILL at a chosen point — right after the
// intent of a side effect is journaled, right after the AWS call returned but before its result
// is journaled, or at the start of a node — and is started again on the same data directory.
// The deployment must end promoted, with no duplicate task sets and every side effect journaled
// exactly once. The same holds when the process is killed while an AWS write hangs after it took
// effect (an ambiguous failure: the simulator applied the call and holds back its answer).
// Bun-only: the runtime under test is a Bun child process. The matrix is spread
// over three processes by test/run.ts (each with its own simulator):
// kanaria-test-shards: 3
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, inspect, startSim, tempDir } from "./helpers.ts";
import { shardOf } from "../helpers/shard.ts";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BUN = join(ROOT, "node_modules/.bin/bun");
const APP = join(FIXTURES, "canary", "app.pipecd.yaml");

const CRASH_POINTS = [
  "_deployment:intent:register-task-definition",
  "_deployment:call:register-task-definition",
  "canary-rollout:start",
  "_deployment:intent:tag-service",
  "_deployment:call:tag-service",
  "canary-rollout:intent:create-task-set",
  "canary-rollout:call:create-task-set",
  "canary-traffic:intent",
  "canary-traffic:call",
  "bake:start",
  "primary-rollout:call:observe-primary",
  "primary-rollout:intent:create-task-set",
  "primary-rollout:call:create-task-set",
  "primary-rollout:intent:update-primary",
  "primary-rollout:call:update-primary",
  "primary-rollout:intent:delete-old-primary",
  "primary-rollout:call:delete-old-primary",
  "primary-traffic:call",
  "canary-clean:intent",
  "canary-clean:call",
  // kill -9 while the call has taken effect and its answer is still outstanding:
  "ambiguous:ecs:RegisterTaskDefinition",
  "ambiguous:ecs:CreateTaskSet",
  "ambiguous:elbv2:ModifyListener",
  "ambiguous:elbv2:ModifyRule",
  "ambiguous:ecs:UpdateServicePrimaryTaskSet",
  "ambiguous:ecs:DeleteTaskSet",
];

/** Runs the CLI; with `killWhen`, sends it SIGKILL as soon as that returns true (checked every 20 ms). */
function run(args: string[], env: Record<string, string>, killWhen?: () => boolean): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BUN, [join(ROOT, "bin/kanaria.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, AWS_ACCESS_KEY_ID: "sim", AWS_SECRET_ACCESS_KEY: "sim", AWS_REGION: "us-east-1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    const watch = killWhen && setInterval(() => killWhen() && child.kill("SIGKILL"), 20);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (watch) clearInterval(watch);
      resolve({ code, signal, output });
    });
  });
}

describe("kill -9 at any point, restart, finish correctly", () => {
  let sim: Simulator;
  before(async () => {
    // Deleted task sets stay visible (DRAINING) so duplicates would show.
    sim = await startSim({ deregistrationDelayMs: 3_600_000_000 });
  });
  after(async () => {
    await sim.close();
  });

  for (const point of shardOf(CRASH_POINTS)) {
    test(`crash at ${point}`, { timeout: 400_000 }, async () => {
      await sim.reset();
      const dir = tempDir("kanaria-crash-");
      const config = join(dir, "runtime.yaml");
      writeFileSync(
        config,
        `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: sim
      type: ECS
      config:
        region: us-east-1
        endpoints: { ecs: "${sim.url}", elbv2: "${sim.url}" }
`,
      );
      const args = ["deploy", APP, "--config", config, "--data", join(dir, "data"), "--time-scale", "100"];
      let first: Awaited<ReturnType<typeof run>>;
      if (point.startsWith("ambiguous:")) {
        // The call takes effect, then its answer is held back (longer than the call timeout
        // would wait): the process is killed while it waits for it.
        const [, service, operation] = point.split(":") as [string, "ecs" | "elbv2", string];
        sim.setFaults([{ service, operation, applyThenDropRate: 1, lostAnswerDelayMs: 120_000, count: 1 }]);
        first = await run(args, {}, () => sim.state.lostAnswers[`${service}:${operation}`] === 1);
        sim.setFaults([]);
        assert.equal(sim.state.lostAnswers[`${service}:${operation}`], 1, `${operation} took effect and lost its answer:\n${first.output}`);
      } else {
        first = await run(args, { KANARIA_CRASH_AT: point });
      }
      assert.ok(first.signal === "SIGKILL" || first.code === 137, `the first run must die at ${point}; it exited ${first.code}/${first.signal}:\n${first.output}`);
      const second = await run(args, {});
      assert.equal(second.code, 0, `the restarted run must succeed:\n${second.output}`);

      const world = await inspect(sim);
      assert.equal(world.taskSets.length, 3, `old primary, canary, new primary — no duplicates: ${JSON.stringify(world.taskSets)}`);
      const live = world.taskSets.filter((t) => t.status !== "DRAINING");
      assert.equal(live.length, 1);
      assert.equal(live[0].status, "PRIMARY");
      assert.match(live[0].taskDefinition, /web:2$/, "exactly one new task definition revision");
      for (const r of world.rules) assert.deepEqual(r.weights, { "demo-primary": 100, "demo-canary": 0 });
      assert.equal(sim.state.taskDefinitions.size, 2, "no duplicate task definition revision");

      const store = await openSqlStore(join(dir, "data", "kanaria.sqlite"));
      try {
        const [d] = await store.listDeployments();
        assert.equal(d.state, "SUCCEEDED");
        const journal = await store.listJournal(d.id);
        const keys = journal.map((j) => `${j.nodeId}/${j.step}`);
        assert.equal(new Set(keys).size, keys.length, "one journal row per side effect");
        assert.ok(journal.every((j) => j.status === "DONE"), JSON.stringify(journal.filter((j) => j.status !== "DONE")));
        assert.equal(journal.filter((j) => j.operation === "CreateTaskSet").length, 2);
      } finally {
        store.close();
      }
    });
  }
});
