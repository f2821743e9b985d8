// SCRIPT_RUN / ROLLBACK_SCRIPT_RUN: sh -c, env, output in the deployment log, exit status,
// timeout kills the script.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rollbackScriptRun, scriptRun } from "../../runtime/stages/script-run.ts";
import { runShell } from "../../runtime/platform/spawn.ts";
import { Interrupt } from "../../runtime/executor/interrupt.ts";
import { fakeStage } from "./fake-context.ts";

const logLines = (f: Awaited<ReturnType<typeof fakeStage>>) =>
  f.store.listEvents(f.ctx.deploymentId).filter((e) => e.type === "log" && e.data.script).map((e) => `${e.data.stream}:${e.data.message}`);

describe("SCRIPT_RUN", () => {
  test("runs with sh -c and the stage env; output lines go to the deployment log, env values masked", async () => {
    const f = await fakeStage("SCRIPT_RUN", { run: 'echo "hello $GREETING from $SR_APPLICATION_NAME"; echo "$GREETING" | tr a-z A-Z; echo oops >&2; printf "no newline"', env: { GREETING: "world" } });
    const out = await scriptRun(f.ctx);
    assert.equal((out as any).exitCode, 0);
    assert.deepEqual(logLines(f).sort(), ["stderr:oops", "stdout:hello *** from web", "stdout:WORLD", "stdout:no newline"].sort());
  });

  test("a non-zero exit fails the stage with the last lines", async () => {
    const f = await fakeStage("SCRIPT_RUN", { run: "echo checking; echo 'database unreachable' >&2; exit 3", env: {} });
    await assert.rejects(scriptRun(f.ctx), /Script exited with status 3: .*database unreachable/);
  });

  test("the run is journaled: a finished script does not run again on resume", async () => {
    const f = await fakeStage("SCRIPT_RUN", { run: "echo once", env: {} });
    await scriptRun(f.ctx);
    await scriptRun(f.ctx);
    assert.deepEqual(logLines(f), ["stdout:once"]);
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
    assert.deepEqual(logLines(f), ["stdout:rollback=true team=payments"]);
  });

  test("runShell reports the exit code and a tail of the output", async () => {
    const r = await runShell("for i in 1 2 3; do echo line$i; done; exit 7");
    assert.equal(r.code, 7);
    assert.match(r.tail, /line3/);
  });
});
