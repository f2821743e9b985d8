// Replicas on one PostgreSQL database (a real server), the simulator in a process of its own.
//
// Failover: three `kanaria serve` replicas run 30 canary deployments; one replica after another
// is killed with SIGKILL while deployments it owns stand at a chosen node of the pipeline (and
// started again, so three keep running). Every deployment must end SUCCEEDED, with no duplicate
// task set on any service (read through the real SDK), every side effect journaled once and DONE,
// and the deployments of a killed replica adopted by another (the time from the kill to the
// adoption is printed).
//
// Fencing: the replica owning a deployment is stopped (SIGSTOP) past its lease TTL, another one
// adopts the deployment, then the stopped one continues (SIGCONT): it must send no AWS request
// (the simulator's request log, per caller) and write nothing for that deployment afterwards
// (rows stamped with its fencing token).
// Bun-only: the replicas and the simulator are Bun child processes.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { fleetGraphs, fleetScenario, serviceName } from "./fleet.ts";
import { inspect, tempDir } from "./helpers.ts";
import { findPostgresBinDir, freshDatabase, MISSING_POSTGRES, postgresRequirement, stopSharedPostgres } from "../helpers/postgres.ts";
import { type Replica, type SimulatorProcess, startReplica, startSimulatorProcess, submitTo, submitToAny, writeReplicaConfig } from "../helpers/replicas.ts";
import { until } from "../helpers/until.ts";

// Slow enough that the kill points can be caught while deployments are submitted and run.
const TIME_SCALE = 30;
const LEASE_TTL = "3s";
const FINAL = ["SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED"];
/** Kill a replica when a deployment it owns stands at this node (one kill per point). */
const KILL_POINTS = ["canary-rollout", "bake", "primary-rollout"];

type Sql = ReturnType<typeof postgres>;

/** Deployments `pid`'s replica holds a live lease on, and where they stand. */
async function ownedBy(sql: Sql, pid: number): Promise<Array<{ id: string; token: number; node: string | null }>> {
  const rows = await sql`SELECT l.deployment_id AS id, l.token, d.current_node AS node FROM leases l JOIN deployments d ON d.id = l.deployment_id
    WHERE l.owner LIKE ${`%/${pid}/%`} AND l.expires_at > kanaria_now_ms() AND d.state IN ('RUNNING', 'ROLLING_BACK')`;
  return rows.map((r) => ({ id: String(r.id), token: Number(r.token), node: r.node === null ? null : String(r.node) }));
}

async function adoptionAt(sql: Sql, id: string, after: number): Promise<number | null> {
  const [r] = await sql`SELECT at FROM events WHERE deployment_id = ${id} AND type = 'deployment.adopted' AND at >= ${after} ORDER BY id LIMIT 1`;
  return r ? Number(r.at) : null;
}

function requirePostgres(): void {
  if (!findPostgresBinDir()) throw new Error(`${MISSING_POSTGRES} (CI=true: these tests must run).`);
}

describe("replicas: failover and fencing on PostgreSQL", postgresRequirement(), () => {
  const procs: Array<{ stop(): Promise<void> }> = [];
  const sqls: Sql[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await Promise.all(sqls.map((s) => s.end({ timeout: 1 })));
    await stopSharedPostgres();
  });

  async function world(n: number, replicas: number) {
    requirePostgres();
    const dir = tempDir("kanaria-failover-");
    const url = await freshDatabase();
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    sqls.push(sql);
    // Deleted task sets stay visible (DRAINING) so duplicates would show.
    const sim = await startSimulatorProcess(dir, fleetScenario(n, { deregistrationDelaySeconds: 3_600_000 }), TIME_SCALE);
    procs.push(sim);
    const config = writeReplicaConfig(join(dir, "replica"), sim.url, { postgresUrl: url, leaseTtl: LEASE_TTL });
    const start = async (name: string) => {
      const r = await startReplica(name, config, { timeScale: TIME_SCALE });
      procs.push(r);
      return r;
    };
    const all: Replica[] = [];
    for (let i = 0; i < replicas; i++) all.push(await start(`replica-${i}`));
    const graphs = fleetGraphs(await sim.targetGroupArns(), n);
    return { dir, url, sql, sim, config, start, replicas: all, graphs };
  }

  async function assertFleetCorrect(sim: SimulatorProcess, sql: Sql, ids: string[], n: number): Promise<void> {
    const rows = await sql`SELECT id, state, error FROM deployments WHERE id = ANY(${ids})`;
    const bad = rows.filter((r) => r.state !== "SUCCEEDED");
    assert.deepEqual(bad, [], "every deployment succeeded");
    assert.equal(rows.length, ids.length);
    for (let i = 0; i < n; i++) {
      const w = await inspect(sim, serviceName(i), "demo", `lb-${i}`);
      assert.equal(w.taskSets.length, 3, `${serviceName(i)}: old primary, canary, new primary — no duplicates: ${JSON.stringify(w.taskSets)}`);
      const live = w.taskSets.filter((t) => t.status !== "DRAINING");
      assert.deepEqual(
        live.map((t) => t.status),
        ["PRIMARY"],
        `${serviceName(i)}: one live task set`,
      );
      for (const r of w.rules) assert.deepEqual(r.weights, { [`p-${i}`]: 100, [`c-${i}`]: 0 }, `${serviceName(i)}: all traffic on the primary`);
    }
    const journal = await sql`SELECT deployment_id, node_id, step, status, operation FROM journal WHERE deployment_id = ANY(${ids})`;
    const notDone = journal.filter((j) => j.status !== "DONE");
    assert.deepEqual(notDone, [], "every side effect DONE");
    for (const id of ids) {
      const mine = journal.filter((j) => j.deployment_id === id);
      const keys = mine.map((j) => `${j.node_id}/${j.step}`);
      assert.equal(new Set(keys).size, keys.length, `${id}: one journal row per side effect`);
      assert.equal(mine.filter((j) => j.operation === "CreateTaskSet").length, 2, `${id}: canary and new primary created once each`);
    }
  }

  test("30 canary deployments over 3 replicas; kill -9 at three points of the pipeline: all succeed, no duplicates, adoption timed", { timeout: 900_000 }, async () => {
    const n = 30;
    const w = await world(n, 3);
    // One wave of deployments per kill point, submitted while the kill is watched for (to any
    // live replica, as through a load balancer): each wave has deployments at its point.
    const ids: string[] = [];
    const wave = n / KILL_POINTS.length;
    const adoptions: number[] = [];
    let submitting: Promise<void> = Promise.resolve();
    for (let k = 0; k < KILL_POINTS.length; k++) {
      const point = KILL_POINTS[k];
      submitting = submitting.then(async () => {
        for (let i = k * wave; i < (k + 1) * wave; i += 5) {
          ids.push(...(await Promise.all(w.graphs.slice(i, Math.min(i + 5, (k + 1) * wave)).map((g, j) => submitToAny(w.replicas, i + j, g)))));
        }
      });
      const victimIndex = k % w.replicas.length;
      const victim = w.replicas[victimIndex];
      // Wait for a deployment of the victim's at the kill point (or, late in the run, any it owns).
      const owned = await until(`a deployment of ${victim.name} at ${point}`, async () => {
        const mine = await ownedBy(w.sql, victim.pid);
        return mine.some((d) => d.node === point) ? mine : null;
      }, 120_000, 20).catch(async () => ownedBy(w.sql, victim.pid));
      victim.signal("SIGKILL");
      const killedAt = Date.now();
      await victim.exited;
      console.log(`# killed ${victim.name} (pid ${victim.pid}) with ${owned.length} deployment(s) of its own, one at ${point}`);
      // Its deployments are adopted by the others once their leases expire.
      for (const d of owned) {
        const at = await until(`${d.id} adopted after the kill of ${victim.name}`, () => adoptionAt(w.sql, d.id, killedAt), 300_000, 50);
        adoptions.push(at - killedAt);
      }
      // Back to three replicas: a new process (a restarted container).
      w.replicas[victimIndex] = await w.start(`${victim.name}-r${k + 1}`);
    }
    await submitting;
    assert.equal(ids.length, n);
    await until(
      "every deployment to finish",
      async () => {
        const [{ open }] = await w.sql`SELECT COUNT(*)::int AS open FROM deployments WHERE id = ANY(${ids}) AND state <> ALL(${FINAL})`;
        return Number(open) === 0;
      },
      600_000,
      250,
    );
    const sorted = [...adoptions].sort((a, b) => a - b);
    console.log(
      `# kill -9 -> adoption (lease TTL ${LEASE_TTL}): ${adoptions.length} deployments adopted, min ${sorted[0]} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms`,
    );
    assert.ok(adoptions.length >= KILL_POINTS.length, "every kill had deployments to adopt");
    await assertFleetCorrect(w.sim, w.sql, ids, n);
  });

  test("a replica paused past its lease (SIGSTOP) and resumed (SIGCONT) sends no AWS request and writes nothing for the deployment another replica adopted", { timeout: 600_000 }, async () => {
    const w = await world(1, 2);
    const id = await submitTo(w.replicas[0], w.graphs[0]);
    // Whichever replica took it: stop it in the middle of the pipeline.
    const { owner, token } = await until(
      "the deployment to reach the canary traffic shift",
      async () => {
        for (const r of w.replicas) {
          const d = (await ownedBy(w.sql, r.pid)).find((x) => x.id === id);
          if (d && (d.node === "canary-traffic" || d.node === "bake")) return { owner: r, token: d.token };
        }
        return null;
      },
      300_000,
      20,
    );
    const other = w.replicas.find((r) => r !== owner)!;
    owner.signal("SIGSTOP");
    const stoppedAt = Date.now();
    const adoptedAt = await until("the other replica to adopt the deployment", () => adoptionAt(w.sql, id, stoppedAt), 300_000, 50);
    console.log(`# SIGSTOP -> adoption: ${adoptedAt - stoppedAt} ms (lease TTL ${LEASE_TTL})`);
    const [{ owner: newOwner, token: newToken }] = await w.sql`SELECT owner, token FROM leases WHERE deployment_id = ${id}`;
    assert.match(String(newOwner), new RegExp(`/${other.pid}/`), "the running replica owns it now");
    assert.ok(Number(newToken) > token, "with a higher fencing token");
    // Let the adopter get going, then wake the stopped one up.
    await new Promise((r) => setTimeout(r, 1_000));
    const resumedAt = Date.now();
    owner.signal("SIGCONT");
    await until(
      "the deployment to finish",
      async () => {
        const [d] = await w.sql`SELECT state FROM deployments WHERE id = ${id}`;
        return FINAL.includes(String(d.state)) ? d : null;
      },
      300_000,
      100,
    );
    // Give the resumed replica time to try whatever it was about to do.
    await new Promise((r) => setTimeout(r, 5_000));
    const ownerCalls = await w.sim.requests(owner.name);
    assert.ok(ownerCalls.some((r) => r.at < stoppedAt), "the simulator tells the paused replica's requests apart (it made some before the pause)");
    const calls = ownerCalls.filter((r) => r.at >= resumedAt);
    assert.deepEqual(calls, [], `the resumed replica sent no AWS request:\n${owner.output()}`);
    const stale = await w.sql`
      SELECT 'journal' AS t, id::text FROM journal WHERE deployment_id = ${id} AND fence = ${token} AND (created_at >= ${resumedAt} OR finished_at >= ${resumedAt})
      UNION ALL SELECT 'events', id::text FROM events WHERE deployment_id = ${id} AND fence = ${token} AND at >= ${resumedAt}`;
    assert.deepEqual([...stale], [], "nothing written with the stale token after the pause");
    assert.ok((await w.sim.requests(other.name)).length > 0, "the adopter did call AWS");
    // The paused replica is fine otherwise: it serves and can take new work.
    assert.equal((await fetch(`${owner.url}/healthz`)).status, 200);
    await assertFleetCorrect(w.sim, w.sql, [id], 1);
  });
});
