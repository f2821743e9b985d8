// GET /api/deployments/:id/events: the deployment's events as Server-Sent Events. Replays the
// history after Last-Event-ID (or ?after=N), then streams live ones; the stream ends once the
// deployment is in a final state, whatever Last-Event-ID said (a client that claims to have
// seen events that do not exist yet is not kept waiting forever).
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { FINAL_STATES, type EventRecord } from "../store/store.ts";
import type { Runtime } from "../executor/runtime.ts";

const isFinal = (e: EventRecord) => e.type === "deployment.state" && FINAL_STATES.has(e.data.state as any);

/**
 * The event id to resume after: Last-Event-ID, else ?after=, else 0. Event ids are the
 * non-negative integers this stream sends; anything else is a client bug, answered with 400
 * rather than silently replaying from the start.
 */
export function resumeAfter(c: Context): { after: number } | { invalid: string } {
  const header = c.req.header("last-event-id");
  const raw = header !== undefined && header.trim() !== "" ? header.trim() : (c.req.query("after") ?? "");
  if (raw === "") return { after: 0 };
  if (!/^\d{1,20}$/.test(raw)) return { invalid: raw };
  return { after: Number(raw) };
}

export function eventStream(c: Context, rt: Runtime, id: string, after: number): Response {
  return streamSSE(c, async (stream) => {
    const queue: EventRecord[] = [];
    let wake: (() => void) | null = null;
    // Events of this deployment whichever replica appends them (a shared PostgreSQL store).
    const unsubscribe = rt.events.subscribe(
      id,
      (e) => {
        queue.push(e);
        wake?.();
      },
      { remote: true },
    );
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    try {
      // Flushes the headers now: a client resuming past the last event would otherwise see
      // nothing (not even the response) until the first event or keep-alive.
      await stream.write(": connected\n\n");
      let last = after;
      /** Sends `e` unless the client has it; true when it is the deployment's last event. */
      const send = async (e: EventRecord) => {
        if (e.id > last) {
          last = e.id;
          await stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify({ ...e.data, nodeId: e.nodeId, at: new Date(e.at).toISOString() }) });
        }
        return isFinal(e);
      };
      for (const e of await rt.store.listEvents(id, after)) if (await send(e)) return;
      // Events emitted while the history was being written are in the queue: send them before
      // deciding the deployment is over, or a client could miss the final one.
      while (queue.length) if (await send(queue.shift()!)) return;
      const d = await rt.store.getDeployment(id);
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
        if (!queue.length && !closed) {
          // Nothing heard for a while: catch up from the store (an event whose notification
          // another replica's lost connection dropped), then keep the connection alive.
          for (const e of await rt.store.listEvents(id, last)) if (await send(e)) return;
          await stream.write(": keep-alive\n\n");
        }
      }
    } finally {
      unsubscribe();
    }
  });
}
