// Deployment events: written to the store (history, SSE replay) and published in-process
// (live SSE, CLI progress).
import type { EventRecord, Store } from "../store/store.ts";

export type Listener = (e: EventRecord) => void;

export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** The last append: appends are chained so that event ids follow the order of emit() calls
   *  even on a store that runs queries concurrently (a connection pool). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Pick<Store, "appendEvent">) {}

  emit(deploymentId: string, type: string, nodeId: string | null, data: Record<string, unknown> = {}): Promise<EventRecord> {
    const at = Date.now();
    const append = () => this.store.appendEvent({ deploymentId, at, type, nodeId, data });
    const rec = this.tail.then(append, append);
    this.tail = rec.catch(() => undefined);
    return rec.then((r) => {
      this.publish(r);
      return r;
    });
  }

  /** Hands an appended event to the in-process listeners (also: events another replica appended). */
  publish(rec: EventRecord): void {
    for (const key of [rec.deploymentId, "*"]) {
      for (const l of this.listeners.get(key) ?? []) {
        try {
          l(rec);
        } catch {
          /* a broken listener must not break the executor */
        }
      }
    }
  }

  /** `deploymentId` or "*" for every deployment. Returns the unsubscribe function. */
  subscribe(deploymentId: string, l: Listener): () => void {
    let set = this.listeners.get(deploymentId);
    if (!set) this.listeners.set(deploymentId, (set = new Set()));
    set.add(l);
    return () => {
      set!.delete(l);
      if (set!.size === 0) this.listeners.delete(deploymentId);
    };
  }
}
