// Two `kanaria serve` replicas on one PostgreSQL database (a real server from Debian's binaries):
// a deployment submitted to replica A is seen live on replica B, through B's SSE stream (events
// A appends reach B by LISTEN/NOTIFY) and B's status page, with the same Last-Event-ID
// semantics as on one replica. And GET /healthz tells when a replica cannot reach its database.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { scriptApp, SIM_AWS_ENV as AWS_ENV, startSim, type ScriptApp } from "./helpers.ts";
import { freePort } from "../helpers/net.ts";
import { startCli, until, type CliProcess } from "../helpers/cli.ts";
import { freshDatabase, postgresRequirement, startPostgres, stopSharedPostgres, writeUrlFile } from "../helpers/postgres.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

const TOKEN = "replicas-test-token-0123456789abcdef";

interface Workspace extends ScriptApp {
  runs: string;
  gate: string;
}

/** The canary pipeline with a script that waits for a gate file; the store is PostgreSQL at `url`. */
function workspace(sim: Simulator, url: string): Workspace {
  const ws = scriptApp(sim, "", { serverToken: TOKEN });
  const runs = join(ws.dir, "script-runs.log");
  const gate = join(ws.dir, "gate");
  const app = readFileSync(ws.app, "utf8").replace('run: ""', `run: ${JSON.stringify(`echo "start $$" >> ${runs}; while [ ! -f ${gate} ]; do sleep 0.1; done`)}`);
  writeFileSync(ws.app, app);
  writeUrlFile(ws.dir, url);
  appendFileSync(ws.config, "  store:\n    type: postgres\n    config:\n      urlFile: postgres-url\n");
  return { ...ws, runs, gate };
}

async function startReplica(ws: Workspace, children: CliProcess[]): Promise<{ proc: CliProcess; url: string }> {
  const port = await freePort();
  const proc = startCli(["serve", "--config", ws.config, "--address", `127.0.0.1:${port}`, "--time-scale", "100"], { env: AWS_ENV });
  children.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await until(`replica ${url} to answer /healthz`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`serve exited ${proc.child.exitCode}:\n${proc.output()}`);
    return (await fetch(`${url}/healthz`)).ok;
  });
  return { proc, url };
}

function childrenOf(pid: number): number[] {
  const out = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" }).stdout;
  return out.split("\n").map((l) => Number(l.trim())).filter((n) => n > 0);
}

/** An SSE body as (id, event, data) triples. */
function parseSse(text: string): Array<{ id: number; event: string; data: Record<string, unknown> }> {
  const out: Array<{ id: number; event: string; data: Record<string, unknown> }> = [];
  for (const block of text.split("\n\n")) {
    const field = (name: string) => block.split("\n").find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
    const id = field("id");
    if (id !== undefined) out.push({ id: Number(id), event: field("event") ?? "", data: JSON.parse(field("data") ?? "{}") });
  }
  return out;
}

describe("replicas on one PostgreSQL database", postgresRequirement(), () => {
  let sim: Simulator;
  const children: CliProcess[] = [];
  before(async () => {
    sim = await startSim();
  });
  after(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await sim.close();
    await stopSharedPostgres();
  });

  test("deploy through replica A, follow it on replica B: B's SSE streams A's events to the end, resumes after Last-Event-ID, and B's page shows it", { timeout: 300_000 }, async () => {
    const dbUrl = await freshDatabase();
    const ws = workspace(sim, dbUrl);
    const [a, b] = await Promise.all([startReplica(ws, children), startReplica(ws, children)]);
    const health = await (await fetch(`${b.url}/healthz`)).json();
    assert.equal(health.store, "ok");

    const submit = startCli(["deploy", ws.app, "--server", a.url, "--token-file", join(ws.dir, "server-token")], { env: AWS_ENV });
    children.push(submit);
    await until("the gate script to start", () => existsSync(ws.runs));
    // B knows the deployment A runs: same database.
    const listed = (await (await fetch(`${b.url}/api/deployments`)).json()) as { deployments: Array<{ id: string; state: string }> };
    assert.equal(listed.deployments.length, 1);
    const { id, state } = listed.deployments[0];
    assert.equal(state, "RUNNING");

    // Opened while the deployment waits at the script: what follows reaches B live.
    // (The response starts once B has subscribed: sse.ts flushes a comment right after.)
    const onB = (await fetch(`${b.url}/api/deployments/${id}/events`)).text();
    writeFileSync(ws.gate, "");
    assert.equal((await submit.closed).code, 0, `the deployment must succeed:\n${submit.output()}\n--- A:\n${a.proc.output()}`);
    const streamed = parseSse(await onB);
    const last = streamed[streamed.length - 1];
    assert.equal(last.event, "deployment.state");
    assert.equal(last.data.state, "SUCCEEDED", "B's stream ends with the end of A's deployment");
    assert.ok(
      streamed.some((e) => e.event === "node.succeeded" && e.data.stage === "SCRIPT_RUN"),
      `B saw the script finish: ${streamed.map((e) => e.event).join(", ")}`,
    );

    // The same events, in the same order, with the same ids as A's own history.
    const onA = parseSse(await (await fetch(`${a.url}/api/deployments/${id}/events`)).text());
    assert.deepEqual(
      streamed.map((e) => [e.id, e.event]),
      onA.map((e) => [e.id, e.event]),
    );
    for (let i = 1; i < onA.length; i++) assert.ok(onA[i].id > onA[i - 1].id, "ids grow");

    // Last-Event-ID on B: exactly what came after it.
    const cut = onA[Math.floor(onA.length / 2)].id;
    const resumed = parseSse(await (await fetch(`${b.url}/api/deployments/${id}/events`, { headers: { "last-event-id": String(cut) } })).text());
    assert.deepEqual(
      resumed.map((e) => e.id),
      onA.filter((e) => e.id > cut).map((e) => e.id),
    );

    const page = await (await fetch(`${b.url}/deployments/${id}`)).text();
    assert.match(page, /SUCCEEDED/);
    assert.equal(readFileSync(ws.runs, "utf8").trim().split("\n").length, 1, "the script ran once");

    // The URL's password appears in no output.
    const password = new URL(dbUrl).password;
    for (const p of [a.proc, b.proc, submit]) assert.ok(!p.output().includes(password), p.output());
    assert.match(a.proc.output(), /store PostgreSQL, URL from .*postgres-url/);
  });

  test("GET /healthz is 503 while the database does not answer (the URL's password not in it), 200 again once it does", { timeout: 300_000 }, async () => {
    const own = await startPostgres();
    try {
      const dbUrl = await own.createDatabase("healthz");
      const ws = workspace(sim, dbUrl);
      const r = await startReplica(ws, children);
      // The whole server stops answering: the postmaster and the backends serving connections.
      const processes = [own.pid, ...childrenOf(own.pid)];
      for (const pid of processes) process.kill(pid, "SIGSTOP");
      try {
        const down = await fetch(`${r.url}/healthz`);
        assert.equal(down.status, 503);
        const body = await down.json();
        assert.equal(body.store, "unreachable");
        assert.equal(body.status, "unavailable");
        assert.ok(!JSON.stringify(body).includes(new URL(dbUrl).password), JSON.stringify(body));
      } finally {
        for (const pid of processes) process.kill(pid, "SIGCONT");
      }
      await until("healthz to recover", async () => (await fetch(`${r.url}/healthz`)).status === 200);
      r.proc.child.kill("SIGTERM");
      assert.equal((await r.proc.closed).code, 0, r.proc.output());
    } finally {
      await own.stop();
    }
  });
});
