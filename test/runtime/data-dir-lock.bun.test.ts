// One process per data directory: a second `kanaria serve` (or `deploy --data`) on a directory
// another live process holds must refuse to start (exit 2, naming the directory and the holder)
// and must not touch the deployments in it; when the holder dies, even by kill -9, the lock goes
// with it and the next process resumes. The deployment in flight is held at a SCRIPT_RUN gate
// (it waits for a file the test creates), so "in flight" never depends on machine speed.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect, scriptApp, SIM_AWS_ENV as AWS_ENV, startSim, tempDir, type ScriptApp } from "./helpers.ts";
import { freePort } from "../helpers/net.ts";
import { startCli, until, type CliProcess, type CliRuntime } from "../helpers/cli.ts";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

const TOKEN = "lock-test-token-0123456789abcdef";

interface Workspace extends ScriptApp {
  /** Every run of the gate script appends "start <pid>" here. */
  runs: string;
  /** The script waits until this file exists. */
  gate: string;
}

/** The canary pipeline with a script in the middle that waits for the gate file. */
function workspace(sim: Simulator): Workspace {
  const dir = tempDir("kanaria-lock-");
  const runs = join(dir, "script-runs.log");
  const gate = join(dir, "gate");
  const app = scriptApp(sim, `echo "start $$" >> ${runs}; while [ ! -f ${gate} ]; do sleep 0.1; done`, { serverToken: TOKEN });
  return { ...app, runs, gate };
}

async function startServe(ws: Workspace, runtime: CliRuntime = "bun"): Promise<{ proc: CliProcess; url: string }> {
  const port = await freePort();
  const proc = startCli(["serve", "--config", ws.config, "--data", ws.data, "--address", `127.0.0.1:${port}`, "--time-scale", "100"], { runtime, env: AWS_ENV });
  return { proc, url: `http://127.0.0.1:${port}` };
}

async function waitHealthy(s: { proc: CliProcess; url: string }): Promise<void> {
  await until(`kanaria serve at ${s.url} to answer /healthz`, async () => {
    if (s.proc.child.exitCode !== null) throw new Error(`serve exited ${s.proc.child.exitCode}:\n${s.proc.output()}`);
    return (await fetch(`${s.url}/healthz`)).ok;
  });
}

const scriptStarts = (ws: Workspace) => (existsSync(ws.runs) ? readFileSync(ws.runs, "utf8").split("\n").filter(Boolean) : []);

async function deploymentState(url: string): Promise<{ id: string; state: string } | null> {
  const list = (await (await fetch(`${url}/api/deployments`)).json()) as { deployments: { id: string; state: string }[] };
  return list.deployments[0] ?? null;
}

describe("one process per data directory", () => {
  let sim: Simulator;
  const children: CliProcess[] = [];
  before(async () => {
    // Deleted task sets stay visible (DRAINING) so a duplicate would show.
    sim = await startSim({ deregistrationDelayMs: 3_600_000_000 });
  });
  after(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await sim.close();
  });

  test("a second serve (Bun or Deno) or deploy on the same --data exits 2 naming the directory and the holder; the first finishes alone", { timeout: 180_000 }, async () => {
    await sim.reset();
    const ws = workspace(sim);
    const first = await startServe(ws);
    children.push(first.proc);
    await waitHealthy(first);
    const submit = startCli(["deploy", ws.app, "--server", first.url, "--token-file", join(ws.dir, "server-token")], { env: AWS_ENV });
    children.push(submit);
    await until("the gate script to start", () => scriptStarts(ws).length > 0);

    for (const runtime of ["bun", "deno"] as const) {
      const second = await startServe(ws, runtime);
      children.push(second.proc);
      // Either it exits, or (the bug) it starts serving the same store.
      const outcome = await Promise.race([
        second.proc.closed.then((r) => ({ exited: r.code })),
        until("the second serve to answer", async () => (await fetch(`${second.url}/healthz`)).ok, 120_000).then(() => ({ exited: null })),
      ]);
      assert.notEqual(outcome.exited, null, `${runtime}: a second serve started on the same data directory:\n${second.proc.output()}`);
      const { code } = await second.proc.closed;
      assert.equal(code, 2, `${runtime}: the second serve must refuse to start:\n${second.proc.output()}`);
      const out = second.proc.output();
      assert.ok(out.includes(ws.data), `${runtime}: the message names the directory:\n${out}`);
      assert.match(out, new RegExp(`pid ${first.proc.child.pid}\\b`), `${runtime}: the message names the holder's pid:\n${out}`);
      assert.match(out, /on host \S+/, `${runtime}: the message names the holder's host:\n${out}`);
    }
    const deploy = startCli(["deploy", ws.app, "--config", ws.config, "--data", ws.data, "--time-scale", "100"], { env: AWS_ENV });
    children.push(deploy);
    assert.equal((await deploy.closed).code, 2, `deploy --data on a held directory must refuse too:\n${deploy.output()}`);
    assert.match(deploy.output(), new RegExp(`pid ${first.proc.child.pid}\\b`));

    writeFileSync(ws.gate, "");
    assert.equal((await submit.closed).code, 0, `the deployment must succeed:\n${submit.output()}\n--- serve:\n${first.proc.output()}`);
    assert.equal(scriptStarts(ws).length, 1, `the script ran once: ${scriptStarts(ws).join(", ")}`);
    const world = await inspect(sim);
    assert.equal(world.taskSets.length, 3, `old primary, canary, new primary — no duplicates: ${JSON.stringify(world.taskSets)}`);
    for (const r of world.rules) assert.deepEqual(r.weights, { "demo-primary": 100, "demo-canary": 0 });

    first.proc.child.kill("SIGTERM");
    assert.equal((await first.proc.closed).code, 0, first.proc.output());
    const store = await openSqlStore(join(ws.data, "kanaria.sqlite"));
    try {
      const [d] = await store.listDeployments();
      assert.equal(d.state, "SUCCEEDED");
      const resumed = (await store.listEvents(d.id)).filter((e) => e.type === "deployment.resumed");
      assert.deepEqual(resumed, [], "no other process resumed it");
      const keys = (await store.listJournal(d.id)).map((j) => `${j.nodeId}/${j.step}`);
      assert.equal(new Set(keys).size, keys.length, "one journal row per side effect");
      assert.ok((await store.listJournal(d.id)).every((j) => j.attempts === 1), "every side effect issued once");
    } finally {
      store.close();
    }
  });

  test("kill -9 of the holder releases the directory: the next serve starts and resumes the deployment", { timeout: 180_000 }, async () => {
    await sim.reset();
    const ws = workspace(sim);
    const first = await startServe(ws);
    children.push(first.proc);
    await waitHealthy(first);
    const submit = startCli(["deploy", ws.app, "--server", first.url, "--token-file", join(ws.dir, "server-token")], { env: AWS_ENV });
    children.push(submit);
    await until("the gate script to start", () => scriptStarts(ws).length > 0);
    first.proc.child.kill("SIGKILL");
    await first.proc.closed;

    const next = await startServe(ws);
    children.push(next.proc);
    await waitHealthy(next);
    assert.match(next.proc.output(), /resumed 1 deployment/);
    writeFileSync(ws.gate, "");
    const final = await until(
      "the resumed deployment to finish",
      async () => {
        const d = await deploymentState(next.url);
        return d && ["SUCCEEDED", "FAILED", "ROLLED_BACK", "CANCELLED"].includes(d.state) ? d : null;
      },
      120_000,
    );
    assert.equal(final.state, "SUCCEEDED", next.proc.output());
    const world = await inspect(sim);
    assert.equal(world.taskSets.length, 3, `no duplicates: ${JSON.stringify(world.taskSets)}`);
    for (const r of world.rules) assert.deepEqual(r.weights, { "demo-primary": 100, "demo-canary": 0 });
    next.proc.child.kill("SIGTERM");
    await next.proc.closed;
    submit.child.kill("SIGKILL");
  });
});
