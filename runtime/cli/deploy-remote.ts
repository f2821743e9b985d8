// `kanaria deploy --server URL`: submit the graph, then follow the deployment's event stream
// until it ends. The stream is resumed with Last-Event-ID, so after any interruption every
// event is printed exactly once. A stream the server closes normally (a restart, a proxy's
// idle limit) is simply reopened; only failures to reach the server count, with a back-off
// (0.25 s doubling to 5 s), and after `giveUpAfterMs` of failures in a row the command stops
// with exit 2, naming the server. The deployment itself runs on the server either way.
import { commitLine } from "../notifications/events.ts";
import { formatDuration } from "../../compiler/resolve/duration.ts";
import type { Graph } from "../executor/graph.ts";
import type { Progress } from "./progress.ts";
import { readSse, type SseMessage } from "./sse-client.ts";

export const DEFAULT_GIVE_UP_MS = 120_000;
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 5_000;
/** The server writes a keep-alive every 15 s; three missed ones mean the connection is dead. */
const IDLE_LIMIT_MS = 45_000;

export interface RemoteDeploy {
  server: string;
  graph: Graph;
  token: string | null;
  progress: Progress;
  /** How long the server may stay unreachable while following, before exit 2. */
  giveUpAfterMs: number;
  out(line: string): void;
  err(line: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gist of a fetch error, for one line ("ECONNREFUSED: Unable to connect"). */
function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split(/\.\s/)[0].replace(/[.?!\s]+$/, "");
}

export async function deployRemote(o: RemoteDeploy): Promise<number> {
  const base = o.server.replace(/\/+$/, "");
  let res: Response;
  try {
    res = await fetch(`${base}/api/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
      body: JSON.stringify(o.graph),
    });
  } catch (e) {
    o.err(`Cannot reach the server at ${base} (${reason(e)}). Is \`kanaria serve\` running there?`);
    return 2;
  }
  const body: any = await res.json().catch(() => ({}));
  if (res.status !== 201) {
    o.err(`The server refused the deployment (${res.status} ${body.error ?? ""}): ${body.message ?? res.statusText}`);
    return 1;
  }
  const id = String(body.id);
  o.progress.approveAt = { id, server: base };
  o.progress.heading(`deployment ${id} on ${base}: ${o.graph.app.name} (${o.graph.strategy})${body.redeployOf ? `, a redeploy of ${body.redeployOf}` : ""}`);
  if (o.graph.source?.commit) o.progress.heading(`commit ${commitLine(o.graph.source.commit)}`);
  return follow(o, base, id);
}

async function follow(o: RemoteDeploy, base: string, id: string): Promise<number> {
  let lastId: string | null = null;
  let downSince: number | null = null;
  let pause = FIRST_PAUSE_MS;
  while (!o.progress.finalState) {
    let failure: string;
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(new Error(`no data for ${IDLE_LIMIT_MS / 1000} s`)), IDLE_LIMIT_MS);
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(new Error(`no data for ${IDLE_LIMIT_MS / 1000} s`)), IDLE_LIMIT_MS);
    };
    try {
      const stream: Response = await fetch(`${base}/api/deployments/${id}/events`, { headers: lastId ? { "last-event-id": lastId } : {}, signal: idle.signal });
      if (stream.status === 404) {
        o.err(`${base} no longer knows deployment ${id}: was the server restarted with another --data directory or store?`);
        return 2;
      }
      if (!stream.ok || !stream.body) {
        await stream.body?.cancel();
        throw new Error(`HTTP ${stream.status}`);
      }
      if (downSince !== null) o.err(`reconnected to ${base}`);
      downSince = null;
      pause = FIRST_PAUSE_MS;
      let received = 0;
      for await (const m of readSse(stream.body, alive) as AsyncGenerator<SseMessage>) {
        lastId = m.id ?? lastId;
        received++;
        const data = JSON.parse(m.data);
        o.progress.handle({ type: m.event, nodeId: data.nodeId ?? null, at: Date.parse(data.at), data });
      }
      // Closed normally: reopen (not a failure), but never in a tight loop.
      if (!received && !o.progress.finalState) await sleep(FIRST_PAUSE_MS);
      continue;
    } catch (e) {
      failure = reason(idle.signal.aborted ? idle.signal.reason : e);
    } finally {
      clearTimeout(timer);
    }
    const now = Date.now();
    if (downSince === null) {
      downSince = now;
      o.err(`lost the event stream from ${base} (${failure}); reconnecting for up to ${formatDuration(o.giveUpAfterMs)}`);
    } else if (now - downSince >= o.giveUpAfterMs) {
      o.err(
        `Cannot reach the server at ${base} for ${formatDuration(Math.round((now - downSince) / 1000) * 1000)} (${failure}); giving up. ` +
          `Deployment ${id} goes on there: see ${base}/deployments/${id} when it is back.`,
      );
      return 2;
    }
    await sleep(Math.min(pause, Math.max(0, downSince + o.giveUpAfterMs - now)));
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
  return o.progress.finalState === "SUCCEEDED" ? 0 : 1;
}
