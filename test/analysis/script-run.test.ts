// SCRIPT_RUN / ROLLBACK_SCRIPT_RUN: sh -c, env, output in the deployment log, exit status,
// timeout kills the script; a script left running by a crashed runtime is stopped before it runs
// again (the end-to-end kill -9 case is test/runtime/script-restart.bun.test.ts).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rollbackScriptRun, scriptRun, SCRIPT_ID_VARIABLE } from "../../runtime/stages/script-run.ts";
import { runShell, scriptGroupAlive, signalGroup, stopScriptGroup } from "../../runtime/platform/spawn.ts";
import { processIdentity } from "../../runtime/platform/process.ts";
import { tempDir } from "../runtime/helpers.ts";
import { Interrupt } from "../../runtime/executor/interrupt.ts";
import { fakeStage } from "./fake-context.ts";

const logLines = async (f: Awaited<ReturnType<typeof fakeStage>>) =>
  (await f.store.listEvents(f.ctx.deploymentId)).filter((e) => e.type === "log" && e.data.script).map((e) => `${e.data.stream}:${e.data.message}`);

describe("SCRIPT_RUN", () => {
  test("runs with sh -c and the stage env; output lines go to the deployment log, env values masked", async () => {
    const f = await fakeStage("SCRIPT_RUN", { run: 'echo "hello $GREETING from $SR_APPLICATION_NAME"; echo "$GREETING" | tr a-z A-Z; echo oops >&2; printf "no newline"', env: { GREETING: "world" } });
    const out = await scriptRun(f.ctx);
    assert.equal((out as any).exitCode, 0);
    assert.deepEqual((await logLines(f)).sort(), ["stderr:oops", "stdout:hello *** from web", "stdout:WORLD", "stdout:no newline"].sort());
  });

  test("a non-zero exit fails the stage with the last lines", async () => {
    const f = await fakeStage("SCRIPT_RUN", { run: "echo checking; echo 'database unreachable' >&2; exit 3", env: {} });
    await assert.rejects(scriptRun(f.ctx), /Script exited with status 3: .*database unreachable/);
  });

  test("the run is journaled: a finished script does not run again on resume", async () => {
    const f = await fakeStage("SCRIPT_RUN", { run: "echo once", env: {} });
    await scriptRun(f.ctx);
    await scriptRun(f.ctx);
    assert.deepEqual(await logLines(f), ["stdout:once"]);
  });

  // Killed, not waited for: waiting for the 10-minute sleep would run into the test's timeout.
  test("the node timeout kills the whole script", { timeout: 120_000 }, async () => {
    const f = await fakeStage("SCRIPT_RUN", { run: "sleep 600; echo never", env: {} });
    const p = scriptRun(f.ctx);
    setTimeout(() => f.abort(new Interrupt("node-timeout", "stage-0 (SCRIPT_RUN) did not finish within its timeout of 1m.")), 100);
    await assert.rejects(p, /did not finish within its timeout/);
  });

  test("ROLLBACK_SCRIPT_RUN runs onRollback with SR_IS_ROLLBACK=true", async () => {
    const f = await fakeStage("ROLLBACK_SCRIPT_RUN", { run: 'echo "rollback=$SR_IS_ROLLBACK team=$SR_LABELS_TEAM"', env: {} });
    await rollbackScriptRun(f.ctx);
    assert.deepEqual(await logLines(f), ["stdout:rollback=true team=payments"]);
  });

  test("runShell reports the exit code and a tail of the output", async () => {
    const r = await runShell("for i in 1 2 3; do echo line$i; done; exit 7");
    assert.equal(r.code, 7);
    assert.match(r.tail, /line3/);
  });

  test("the script's process group exists before the script runs; a beforeStart that throws means it never runs", async () => {
    const dir = tempDir("kanaria-script-");
    const marker = join(dir, "ran");
    const seen: Array<{ pgid: number; ranYet: boolean }> = [];
    const r = await runShell(`echo "$$" > ${marker}`, { beforeStart: (pgid) => {
      seen.push({ pgid, ranYet: existsSync(marker) });
    } });
    assert.equal(r.code, 0);
    assert.equal(seen.length, 1, "beforeStart was called once");
    assert.equal(seen[0].ranYet, false, "the script waits for beforeStart");
    assert.equal(Number(readFileSync(marker, "utf8")), seen[0].pgid, "the script is the group's leader");

    const never = join(dir, "never");
    await assert.rejects(
      runShell(`touch ${never}`, {
        beforeStart: () => {
          throw new Error("journal unavailable");
        },
      }),
      /journal unavailable/,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(never), false);
  });
});

describe("SCRIPT_RUN after a crash: the orphaned attempt is stopped before the re-run", () => {
  /** A detached script group as a crashed runtime leaves it: its own group, the attempt's id in its env. */
  function orphan(script: string, scriptId: string): number {
    const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore", env: { ...process.env, [SCRIPT_ID_VARIABLE]: scriptId } });
    child.unref();
    return child.pid!;
  }
  const waitFor = async (what: string, probe: () => boolean) => {
    const end = Date.now() + 30_000;
    while (!probe()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  test("stopScriptGroup stops the group carrying the attempt's id (SIGTERM first) and leaves any other group alone", async () => {
    const dir = tempDir("kanaria-orphan-");
    const log = join(dir, "log");
    const pgid = orphan(`trap 'echo killed >> ${log}; exit 143' TERM; echo started >> ${log}; while true; do sleep 0.1; done`, "attempt-1");
    await waitFor("the orphan to start", () => existsSync(log));
    assert.equal(scriptGroupAlive(pgid, `${SCRIPT_ID_VARIABLE}=attempt-1`), true);
    assert.equal(await stopScriptGroup(pgid, `${SCRIPT_ID_VARIABLE}=another-attempt`), "gone", "not this attempt's group: left alone");
    assert.equal(signalGroup(pgid, 0), true, "still running");
    assert.equal(await stopScriptGroup(pgid, `${SCRIPT_ID_VARIABLE}=attempt-1`), "stopped");
    assert.equal(signalGroup(pgid, 0) && scriptGroupAlive(pgid, `${SCRIPT_ID_VARIABLE}=attempt-1`), false);
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), ["started", "killed"], "stopped with SIGTERM, its trap ran");
  });

  test("a resumed SCRIPT_RUN stops the previous attempt's group before running the script again", async () => {
    const dir = tempDir("kanaria-orphan-");
    const log = join(dir, "log");
    const script = `trap 'echo "killed $$" >> ${log}; exit 143' TERM; echo "start $$" >> ${log}; i=0; while [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; echo "end $$" >> ${log}`;
    const f = await fakeStage("SCRIPT_RUN", { run: script, env: {} });
    // What a runtime killed while the script ran leaves in the journal.
    const pgid = orphan(script, "crashed-attempt");
    await f.store.recordIntent({ deploymentId: f.ctx.deploymentId, nodeId: f.ctx.node.id, step: "script", operation: "Shell", intent: { run: script, env: [] }, at: Date.now() });
    const entry = (await f.store.getStep(f.ctx.deploymentId, f.ctx.node.id, "script"))!;
    await f.store.updateIntent(entry.id, { run: script, env: [], pgid, scriptId: "crashed-attempt", host: processIdentity().host });
    await waitFor("the orphan to start", () => existsSync(log));

    const out = await scriptRun(f.ctx);
    assert.equal((out as any).exitCode, 0);
    const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => l.replace(String(pgid), "orphan").replace(/ \d+$/, " re-run"));
    assert.deepEqual(lines, ["start orphan", "killed orphan", "start re-run", "end re-run"]);
    const row = (await f.store.getStep(f.ctx.deploymentId, f.ctx.node.id, "script"))!;
    assert.equal(row.status, "DONE");
    assert.equal(row.attempts, 2);
    assert.equal(typeof (row.intent as any).pgid, "number", "the re-run's process group is journaled too");
    assert.notEqual((row.intent as any).scriptId, "crashed-attempt");
  });
});
