// Journaled side effects. Every AWS mutation goes through step(): the intent is written before
// the call and the result after it. On a restart, a DONE step returns its recorded result
// without calling AWS again; an INTENT step (the process died around the call) is first looked
// up with its read-back (find the task set by externalId, ...) and only re-issued when the
// effect is not there — with the same clientToken, so ECS itself deduplicates as well.
import type { Store } from "../store/store.ts";
import { crashPoint } from "./crash.ts";
import type { EventBus } from "./events.ts";
import { describeError } from "../aws/errors.ts";

export interface StepOptions<T> {
  /** Looks for the effect of an interrupted earlier attempt; undefined = not there. */
  readBack?: () => Promise<T | undefined>;
  /**
   * An attempt interrupted by a crash (INTENT, and readBack found nothing) is about to be issued
   * again: make sure it can no longer act (a script's orphaned process group). Gets the intent as
   * recorded, with what the attempt noted.
   */
  beforeReissue?: (intent: unknown) => Promise<void>;
}

/** Records facts an attempt learns while in flight (merged into its intent), for a restart. */
export type Note = (facts: Record<string, unknown>) => Promise<void>;

export class Journal {
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    readonly deploymentId: string,
  ) {}

  /** The recorded result of a finished step (any node), or undefined. */
  async result<T>(nodeId: string, step: string): Promise<T | undefined> {
    const e = await this.store.getStep(this.deploymentId, nodeId, step);
    return e?.status === "DONE" ? (e.result as T) : undefined;
  }

  /**
   * Closes an interrupted step whose effect a stage observed directly (the rule already has the
   * weights, the task set is already DRAINING): the journal then says DONE, with what was seen.
   */
  async settle(nodeId: string, step: string, observed: Record<string, unknown>): Promise<void> {
    const e = await this.store.getStep(this.deploymentId, nodeId, step);
    if (e?.status === "INTENT") await this.store.recordResult(e.id, "DONE", { ...observed, observed: true }, Date.now());
  }

  async step<T>(nodeId: string, step: string, operation: string, intent: unknown, run: (note: Note) => Promise<T>, opts: StepOptions<T> = {}): Promise<T> {
    const existing = await this.store.getStep(this.deploymentId, nodeId, step);
    if (existing?.status === "DONE") return existing.result as T;
    if (existing?.status === "INTENT" && opts.readBack) {
      const found = await opts.readBack();
      if (found !== undefined) {
        await this.store.recordResult(existing.id, "DONE", found, Date.now());
        await this.events.emit(this.deploymentId, "step", nodeId, { step, operation, status: "DONE", recovered: true });
        return found;
      }
    }
    if (existing?.status === "INTENT" && opts.beforeReissue) await opts.beforeReissue(existing.intent);
    const entry = await this.store.recordIntent({ deploymentId: this.deploymentId, nodeId, step, operation, intent, at: Date.now() });
    crashPoint(nodeId, "intent", step);
    let noted = intent;
    // Notes are written in order, and every one is written before the step's result.
    let notes: Promise<void> = Promise.resolve();
    const note: Note = (facts) => {
      noted = { ...(noted as Record<string, unknown>), ...facts };
      const snapshot = noted;
      notes = notes.then(() => this.store.updateIntent(entry.id, snapshot));
      return notes;
    };
    let result: T;
    try {
      result = await run(note);
    } catch (e) {
      await notes.catch(() => undefined);
      await this.store.recordResult(entry.id, "FAILED", { error: describeError(e) }, Date.now());
      throw e;
    }
    await notes;
    crashPoint(nodeId, "call", step);
    await this.store.recordResult(entry.id, "DONE", result ?? null, Date.now());
    await this.events.emit(this.deploymentId, "step", nodeId, { step, operation, status: "DONE" });
    return result;
  }
}
