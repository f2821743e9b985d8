// SCRIPT_RUN / ROLLBACK_SCRIPT_RUN: run `run` with `sh -c` (runtime/platform/spawn.ts), with the
// stage's env plus PipeCD's SR_* variables. Output lines go to the deployment log; a non-zero
// exit (or a signal) fails the stage with the last lines of output; the env values are masked
// ("***") in both. The node timeout and
// cancel kill the script's process group. The run is journaled: a finished script is not run
// again after a restart; one interrupted by a crash runs again (at-least-once), but never at
// the same time as itself: the journal holds the script's process group (recorded before the
// script starts), and a restarted runtime stops that group, if it still runs, before the re-run.
// Stopped rather than waited for: a script orphaned by a crash reports to nobody (its exit status
// is lost with its parent, and its stdout is a broken pipe that kills it at its next line of
// output), so its outcome cannot be judged and it runs again anyway; it gets the same SIGTERM
// and grace period as on a timeout or cancel, and the re-run does not wait for a script that may
// hang until the stage's timeout.
import type { StageContext, StageHandler } from "../executor/context.ts";
import { StageError } from "../executor/interrupt.ts";
import { processIdentity } from "../platform/process.ts";
import { runShell, stopScriptGroup } from "../platform/spawn.ts";
import { maskSecrets } from "../executor/graph-redaction.ts";

/** Set in each script's environment to a value unique to the attempt: how a restarted runtime
 *  recognises the script's processes (and never a process group the system has reused since). */
export const SCRIPT_ID_VARIABLE = "KANARIA_SCRIPT_ID";

interface ScriptIntent {
  run: string;
  env: string[];
  /** Noted once the process group exists, before the script runs. */
  pgid?: number;
  scriptId?: string;
  host?: string;
}

/** Before a script interrupted by a crash runs again: stop what is left of it. */
async function stopOrphan(ctx: StageContext, intent: ScriptIntent): Promise<void> {
  if (!intent.pgid || !intent.scriptId) return; // the crash came before the script started
  const here = processIdentity().host;
  if (intent.host && intent.host !== here) {
    ctx.log(`The previous attempt of this script ran on host ${intent.host} (process group ${intent.pgid}); it cannot be checked from ${here}. Running it again.`);
    return;
  }
  const r = await stopScriptGroup(intent.pgid, `${SCRIPT_ID_VARIABLE}=${intent.scriptId}`, { signal: ctx.signal });
  if (r === "stopped") ctx.log(`stopped the script's process group ${intent.pgid} left running by the previous process; running the script again`);
}

/** Lines logged per script; the rest is counted and only the tail is kept. */
export const MAX_LOGGED_LINES = 1000;

export function scriptEnv(ctx: StageContext, env: Record<string, string> | undefined, rollback: boolean): Record<string, string> {
  const out: Record<string, string> = {
    SR_DEPLOYMENT_ID: ctx.deploymentId,
    SR_APPLICATION_NAME: ctx.graph.app.name,
    SR_STAGE_ID: ctx.node.id,
    SR_IS_ROLLBACK: rollback ? "true" : "false",
  };
  for (const [k, v] of Object.entries(ctx.graph.app.labels ?? {})) out[`SR_LABELS_${k.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`] = v;
  return { ...out, ...(env ?? {}) };
}

async function runScript(ctx: StageContext, rollback: boolean) {
  const run = String(ctx.node.params.run ?? "").trim();
  if (!run) throw new StageError(`${ctx.node.id}: the script is empty (with.run${rollback ? " / onRollback" : ""}).`);
  const env = scriptEnv(ctx, ctx.node.params.env, rollback);
  // The stage's env values never reach the log or the error, even when the script prints them.
  const secrets = Object.values((ctx.node.params.env ?? {}) as Record<string, string>).map(String);
  const mask = (text: string) => maskSecrets(text, secrets);
  const intent: ScriptIntent = { run, env: Object.keys(env) };
  const execute = async (note: (facts: Partial<ScriptIntent>) => Promise<void>) => {
    let lines = 0;
    const t0 = ctx.clock.now();
    const scriptId = crypto.randomUUID();
    const r = await runShell(run, {
      env: { ...env, [SCRIPT_ID_VARIABLE]: scriptId },
      signal: ctx.signal,
      beforeStart: (pgid) => note({ pgid, scriptId, host: processIdentity().host }),
      onLine: (line, stream) => {
        lines++;
        if (lines <= MAX_LOGGED_LINES) ctx.log(mask(line), { stream, script: true });
        else if (lines === MAX_LOGGED_LINES + 1) ctx.log(`(output beyond ${MAX_LOGGED_LINES} lines is not logged; the last lines are kept in the result)`);
      },
    });
    if (r.aborted && ctx.signal.aborted) throw ctx.signal.reason;
    return { exitCode: r.code, signal: r.signal, lines, elapsedMs: ctx.clock.now() - t0, tail: mask(r.tail).slice(-1024) };
  };
  const result = await ctx.journal.step(ctx.node.id, "script", "Shell", intent, execute, { beforeReissue: (recorded) => stopOrphan(ctx, recorded as ScriptIntent) });
  if (result.exitCode !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.exitCode}`;
    const tail = result.tail.trim().split("\n").slice(-5).join(" | ");
    throw new StageError(`${rollback ? "Rollback script" : "Script"} ${how}${tail ? `: ${tail}` : ""}`);
  }
  return { message: `Script exited 0 (${result.lines} lines of output)`, exitCode: 0, lines: result.lines, elapsedMs: result.elapsedMs };
}

export const scriptRun: StageHandler = (ctx) => runScript(ctx, false);
export const rollbackScriptRun: StageHandler = (ctx) => runScript(ctx, true);
