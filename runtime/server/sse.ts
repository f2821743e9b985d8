// GET /api/deployments/:id/events: the deployment's events as Server-Sent Events. Replays the
// history after Last-Event-ID (or ?after=N), then streams live ones; the stream ends after the
// event that puts the deployment in a final state.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { FINAL_STATES, type EventRecord } from "../store/store.ts";
import type { Runtime } from "../executor/runtime.ts";

const isFinal = (e: EventRecord) => e.type === "deployment.state" && FINAL_STATES.has(e.data.state as any);

export function eventStream(c: Context, rt: Runtime, id: string): Response {
  const after = Number(c.req.header("last-event-id") ?? c.req.query("after") ?? 0) || 0;
  return streamSSE(c, async (stream) => {
    const queue: EventRecord[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = rt.events.subscribe(id, (e) => {
      queue.push(e);
      wake?.();
    });
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    try {
      let last = after;
      const send = async (e: EventRecord) => {
        if (e.id <= last) return false;
        last = e.id;
        await stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify({ ...e.data, nodeId: e.nodeId, at: new Date(e.at).toISOString() }) });
        return isFinal(e);
      };
      for (const e of rt.store.listEvents(id, after)) if (await send(e)) return;
      const d = rt.store.getDeployment(id);
      if (d && FINAL_STATES.has(d.state)) return;
      while (!closed) {
        while (queue.length) if (await send(queue.shift()!)) return;
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, 15_000);
        });
        clearTimeout(timer); // a pending keep-alive timer would hold a shutting-down process
        wake = null;
        if (!queue.length && !closed) await stream.write(": keep-alive\n\n");
      }
    } finally {
      unsubscribe();
    }
  });
}
