// Deployment events: written to the store (history, SSE replay) and published in-process
// (live SSE, CLI progress).
import type { EventRecord, Store } from "../store/store.ts";

export type Listener = (e: EventRecord) => void;

export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly store: Store) {}

  emit(deploymentId: string, type: string, nodeId: string | null, data: Record<string, unknown> = {}): EventRecord {
    const rec = this.store.appendEvent({ deploymentId, at: Date.now(), type, nodeId, data });
    for (const key of [deploymentId, "*"]) {
      for (const l of this.listeners.get(key) ?? []) {
        try {
          l(rec);
        } catch {
          /* a broken listener must not break the executor */
        }
      }
    }
    return rec;
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
