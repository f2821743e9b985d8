// A SCRIPT_RUN orphaned by kill -9 of the runtime must not run at the same time as its re-run
// (a migration would run twice at once). The script logs "start", waits (for a gate file the
// test creates, so "still running" never depends on machine speed), and logs "end"; a SIGTERM
// makes it log "killed" (the re-run must wait for that). The runtime (`kanaria deploy --data`) is killed with SIGKILL while the
// script waits, and started again on the same data directory: every run must have ended before
// the next one started.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect, scriptApp, SIM_AWS_ENV, startSim, tempDir } from "./helpers.ts";
import { startCli, until, type CliProcess } from "../helpers/cli.ts";
import { openSqlStore } from "../../runtime/store/sql-store.ts";
import type { Simulator } from "../../runtime/simulator/index.ts";

interface Line {
  what: "start" | "end" | "killed";
  pid: number;
}

function readLog(path: string): Line[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [what, pid] = l.split(" ");
      return { what: what as Line["what"], pid: Number(pid) };
    });
}

/** Runs that started while another was still open (a run is open from "start" to "end"/"killed"). */
function overlaps(lines: Line[]): string[] {
  const open = new Set<number>();
  const problems: string[] = [];
  for (const l of lines) {
    if (l.what === "start") {
      if (open.size) problems.push(`run ${l.pid} started while ${[...open].join(", ")} still ran`);
      open.add(l.pid);
    } else open.delete(l.pid);
  }
  return problems;
}

describe("SCRIPT_RUN across a kill -9 of the runtime", () => {
  let sim: Simulator;
  const children: CliProcess[] = [];
  before(async () => {
    sim = await startSim({ deregistrationDelayMs: 3_600_000_000 });
  });
  after(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await sim.close();
  });

  test("the orphaned script is stopped before the re-run starts; the runs never overlap", { timeout: 180_000 }, async () => {
    const dir = tempDir("kanaria-script-restart-");
    const log = join(dir, "runs.log");
    const gate = join(dir, "gate");
    const ws = scriptApp(
      sim,
      // PIPE ignored: the orphan's stderr is a broken pipe once the runtime died, and the shell's
      // "Terminated" notice on it must not kill the script before its trap logs "killed".
      `trap '' PIPE; trap 'echo "killed $$" >> ${log}; exit 143' TERM; echo "start $$" >> ${log}; while [ ! -f ${gate} ]; do sleep 0.1; done; echo "end $$" >> ${log}`,
    );
    const args = ["deploy", ws.app, "--config", ws.config, "--data", ws.data, "--time-scale", "100"];
    const first = startCli(args, { env: SIM_AWS_ENV });
    children.push(first);
    await until("the script to start", () => readLog(log).length > 0, 120_000);
    first.child.kill("SIGKILL");
    await first.closed;
    const orphan = readLog(log)[0].pid;

    const second = startCli(args, { env: SIM_AWS_ENV });
    children.push(second);
    await until("the script to start again", () => readLog(log).filter((l) => l.what === "start").length > 1 || second.child.exitCode !== null, 120_000);
    writeFileSync(gate, "");
    assert.equal((await second.closed).code, 0, `the restarted deployment must succeed:\n${second.output()}`);

    const lines = readLog(log);
    assert.deepEqual(overlaps(lines), [], `runs overlapped: ${JSON.stringify(lines)}`);
    assert.deepEqual(
      lines.map((l) => `${l.what} ${l.pid === orphan ? "orphan" : "re-run"}`),
      ["start orphan", "killed orphan", "start re-run", "end re-run"],
    );
    const world = await inspect(sim);
    assert.equal(world.taskSets.length, 3, `no duplicate task sets: ${JSON.stringify(world.taskSets)}`);
    const store = await openSqlStore(join(ws.data, "kanaria.sqlite"));
    try {
      const [d] = await store.listDeployments();
      assert.equal(d.state, "SUCCEEDED");
      const script = (await store.listJournal(d.id)).filter((j) => j.nodeId === "script");
      assert.equal(script.length, 1, "one journal row for the script");
      assert.equal(script[0].attempts, 2, "issued twice: the orphan and the re-run");
      assert.equal(script[0].status, "DONE");
      const said = (await store.listEvents(d.id)).filter((e) => e.type === "log" && e.nodeId === "script").map((e) => String(e.data.message));
      assert.ok(
        said.some((m) => /stopped the script's process group \d+ left running by the previous process/.test(m)),
        `the deployment log says the orphan was stopped: ${JSON.stringify(said)}`,
      );
    } finally {
      store.close();
    }
  });
});
