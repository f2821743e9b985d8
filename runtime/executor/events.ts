// Deployment events: written to the store (history, SSE replay) and published in-process
// (live SSE, CLI progress). With a store several replicas share, the events other replicas
// append are published too, to the listeners that ask for them (SSE, the status page): the
// notifier and the CLI follow only what this process does.
import type { EventRecord, Store } from "../store/store.ts";

export type Listener = (e: EventRecord) => void;

interface Subscription {
  l: Listener;
  remote: boolean;
}

export class EventBus {
  private readonly listeners = new Map<string, Set<Subscription>>();
  /** The last append: appends are chained so that event ids follow the order of emit() calls
   *  even on a store that runs queries concurrently (a connection pool). */
  private tail: Promise<unknown> = Promise.resolve();
  /** Other replicas' events being fetched, in the order they were heard. */
  private remoteTail: Promise<void> = Promise.resolve();

  constructor(private readonly store: Pick<Store, "appendEvent">) {}

  emit(deploymentId: string, type: string, nodeId: string | null, data: Record<string, unknown> = {}): Promise<EventRecord> {
    const at = Date.now();
    const append = () => this.store.appendEvent({ deploymentId, at, type, nodeId, data });
    const rec = this.tail.then(append, append);
    this.tail = rec.catch(() => undefined);
    return rec.then((r) => {
      this.publish(r, false);
      return r;
    });
  }

  private publish(rec: EventRecord, remote: boolean): void {
    for (const key of [rec.deploymentId, "*"]) {
      for (const s of this.listeners.get(key) ?? []) {
        if (remote && !s.remote) continue;
        try {
          s.l(rec);
        } catch {
          /* a broken listener must not break the executor */
        }
      }
    }
  }

  private wantsRemote(deploymentId: string): boolean {
    return [deploymentId, "*"].some((k) => [...(this.listeners.get(k) ?? [])].some((s) => s.remote));
  }

  /**
   * Publishes the events other replicas append (store.listenEvents) to the listeners that
   * subscribed with `remote`. Returns the function that stops following.
   */
  followReplicas(store: Pick<Store, "listenEvents" | "listEvents">): Promise<() => Promise<void>> {
    return store.listenEvents((deploymentId, id) => {
      this.remoteTail = this.remoteTail
        .then(async () => {
          if (!this.wantsRemote(deploymentId)) return;
          for (const e of await store.listEvents(deploymentId, id - 1)) if (e.id === id) this.publish(e, true);
        })
        .catch(() => undefined); // a listener that missed one catches up from the store (sse.ts)
    });
  }

  /**
   * `deploymentId` or "*" for every deployment. `remote`: other replicas' events too. Returns
   * the unsubscribe function.
   */
  subscribe(deploymentId: string, l: Listener, o: { remote?: boolean } = {}): () => void {
    let set = this.listeners.get(deploymentId);
    if (!set) this.listeners.set(deploymentId, (set = new Set()));
    const s = { l, remote: o.remote ?? false };
    set.add(s);
    return () => {
      set!.delete(s);
      if (set!.size === 0) this.listeners.delete(deploymentId);
    };
  }
}
