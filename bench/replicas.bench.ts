// Replicas benchmark (issue 17): N canary deployments (one per service, default 1000) spread over
// 3 `kanaria serve` replicas on one PostgreSQL database (Debian's server, started here), the
// simulator in its own process; one replica is killed with SIGKILL once a tenth of the
// deployments have finished (while it has deployments in flight). Reports: deployments that succeeded, deployments/s, the time from
// the kill to the adoption of each of the killed replica's deployments (p95; target ≤ lease TTL
// + 2 s), database statements per deployment (PostgreSQL's transaction counters: each statement
// outside a transaction is one), and, in the same run, deployments/s of 1 replica on SQLite.
//
//   node_modules/.bin/bun bench/replicas.bench.ts
//   (env: KANARIA_BENCH_DEPLOYMENTS, KANARIA_BENCH_TIME_SCALE, KANARIA_BENCH_LEASE_TTL)
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { parseDuration } from "../compiler/resolve/duration.ts";
import { findPostgresBinDir, MISSING_POSTGRES, startPostgres } from "../test/helpers/postgres.ts";
import { type Replica, startReplica, startSimulatorProcess, submitToAny, writeReplicaConfig } from "../test/helpers/replicas.ts";
import { fleetGraphs, fleetScenario } from "../test/runtime/fleet.ts";
import { tempDir } from "../test/runtime/helpers.ts";
import { saveResult } from "./harness.ts";

const FINAL = ["SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED"];
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Counts {
  finished: number;
  succeeded: number;
}

/** Submits every graph round-robin, then waits until all are final; `progress` sees the counts. */
async function runAll(replicas: Replica[], graphs: unknown[], counts: () => Promise<Counts>, progress?: (c: Counts) => Promise<void>) {
  const t0 = performance.now();
  const ids: string[] = [];
  // A few submissions at a time, as clients would send them.
  for (let i = 0; i < graphs.length; i += 20) {
    ids.push(...(await Promise.all(graphs.slice(i, i + 20).map((g, k) => submitToAny(replicas, i + k, g)))));
  }
  let c: Counts;
  for (;;) {
    c = await counts();
    await progress?.(c);
    if (c.finished >= graphs.length) break;
    await sleep(250);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { ids, seconds, ...c };
}

export async function run(): Promise<void> {
  if (!findPostgresBinDir()) {
    console.log(`replicas bench skipped: ${MISSING_POSTGRES}`);
    return;
  }
  const n = Number(process.env.KANARIA_BENCH_DEPLOYMENTS ?? 1000);
  const timeScale = Number(process.env.KANARIA_BENCH_TIME_SCALE ?? 100);
  const leaseTtl = process.env.KANARIA_BENCH_LEASE_TTL ?? "5s";
  const ttlMs = parseDuration(leaseTtl)!;
  const dir = tempDir("kanaria-bench-replicas-");
  const pg = await startPostgres();
  const url = await pg.createDatabase("bench");
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const started: Array<{ stop(): Promise<void> }> = [pg];
  try {
    // --- 3 replicas on PostgreSQL, one killed on the way.
    const sim = await startSimulatorProcess(dir, fleetScenario(n), timeScale);
    started.push(sim);
    const graphs = fleetGraphs(await sim.targetGroupArns(), n);
    const config = writeReplicaConfig(join(dir, "pg"), sim.url, { postgresUrl: url, leaseTtl });
    const replicas: Replica[] = [];
    for (let i = 0; i < 3; i++) replicas.push(await startReplica(`replica-${i}`, config, { timeScale }));
    started.push(...replicas);
    const statements = async () => {
      const [r] = await sql`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`;
      return Number(r.n);
    };
    const before = await statements();
    let kill: { at: number; owned: string[] } | null = null;
    const pgRun = await runAll(
      replicas,
      graphs,
      async () => {
        const [r] = await sql`SELECT COUNT(*) FILTER (WHERE state = ANY(${FINAL}))::int AS f, COUNT(*) FILTER (WHERE state = 'SUCCEEDED')::int AS s FROM deployments`;
        return { finished: Number(r.f), succeeded: Number(r.s) };
      },
      async (c) => {
        if (kill || c.finished < n / 10) return;
        const victim = replicas[0];
        const owned = await sql`SELECT l.deployment_id AS id FROM leases l JOIN deployments d ON d.id = l.deployment_id
          WHERE l.owner LIKE ${`%/${victim.pid}/%`} AND l.expires_at > kanaria_now_ms() AND d.state IN ('RUNNING', 'ROLLING_BACK')`;
        if (!owned.length) return; // kill it while it has work
        victim.signal("SIGKILL");
        kill = { at: Date.now(), owned: owned.map((r) => String(r.id)) };
        console.log(`killed replica-0 with ${owned.length} deployments in flight`);
      },
    );
    // Read before the statement counter moves again; the stats collector lags a little.
    await sleep(1500);
    const perDeployment = ((await statements()) - before) / n;
    const k = kill as { at: number; owned: string[] } | null;
    const adoptions: number[] = [];
    if (k?.owned.length) {
      const rows = await sql`SELECT deployment_id, MIN(at) AS at FROM events WHERE deployment_id = ANY(${k.owned}) AND type = 'deployment.adopted' AND at >= ${k.at} GROUP BY deployment_id`;
      for (const r of rows) adoptions.push(Number(r.at) - k.at);
    }
    for (const r of replicas) await r.stop();
    await sim.stop();

    // --- 1 replica on SQLite, same fleet, fresh simulator.
    mkdirSync(join(dir, "sqlite-sim"));
    const sim2 = await startSimulatorProcess(join(dir, "sqlite-sim"), fleetScenario(n), timeScale);
    started.push(sim2);
    const graphs2 = fleetGraphs(await sim2.targetGroupArns(), n);
    const config2 = writeReplicaConfig(join(dir, "sqlite"), sim2.url, {});
    const single = await startReplica("single", config2, { timeScale, data: join(dir, "sqlite", "data") });
    started.push(single);
    const sqliteRun = await runAll([single], graphs2, async () => {
      const res = await fetch(`${single.url}/api/deployments?limit=100000`);
      const list = ((await res.json()) as { deployments: Array<{ state: string }> }).deployments;
      return { finished: list.filter((d) => FINAL.includes(d.state)).length, succeeded: list.filter((d) => d.state === "SUCCEEDED").length };
    });
    const list = ((await (await fetch(`${single.url}/api/deployments?limit=1000`)).json()) as { deployments: Array<{ id: string; state: string; error?: string }> }).deployments;
    const failed = list.find((d) => d.state !== "SUCCEEDED");
    if (failed) console.log(`sqlite: ${failed.id} ended ${failed.state}: ${failed.error ?? ""}`);
    await single.stop();
    await sim2.stop();

    const result = {
      deployments: n,
      timeScale,
      leaseTtl,
      postgres3: {
        succeeded: pgRun.succeeded,
        seconds: Math.round(pgRun.seconds * 10) / 10,
        deploymentsPerSecond: Math.round((n / pgRun.seconds) * 100) / 100,
        killedInFlight: k?.owned.length ?? 0,
        adopted: adoptions.length,
        killToAdoptionP95Ms: Math.round(quantile(adoptions, 0.95)),
        killToAdoptionMaxMs: Math.round(Math.max(0, ...adoptions)),
        targetMs: ttlMs + 2000,
        statementsPerDeployment: Math.round(perDeployment),
      },
      sqlite1: {
        succeeded: sqliteRun.succeeded,
        seconds: Math.round(sqliteRun.seconds * 10) / 10,
        deploymentsPerSecond: Math.round((n / sqliteRun.seconds) * 100) / 100,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    saveResult("replicas", result);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  }
}

if (import.meta.main) await run();
