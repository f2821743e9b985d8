// Starts deployments: one at a time per ECS service (later ones wait in QUEUED, with an event
// saying behind which one), any number of services in parallel; resumes in-flight deployments
// after a restart; cancels. Every run holds the deployment's lease (ownership.ts), so with
// several replicas on one store each deployment runs on exactly one of them, and a replica that
// dies has its deployments adopted by another once their leases expire.
import { FINAL_STATES, type DeploymentRecord, type Store } from "../store/store.ts";
import { isFenceRejection } from "../store/lease-sql.ts";
import type { EventBus } from "./events.ts";
import { DeploymentRun, type ExecutorDeps } from "./run-deployment.ts";
import type { Graph } from "./graph.ts";
import { DEFAULT_LEASE_TTL_MS, type Lease, LeaseLostError } from "./lease-keeper.ts";
import { Ownership } from "./ownership.ts";

export interface SchedulerOptions {
  /** Lease TTL in real ms (runtime config store.leaseTtl; default 15 s). */
  leaseTtlMs?: number;
  /** This replica's id (default: a new random one). */
  replicaId?: string;
}

export class CancelError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export class Scheduler {
  private readonly runs = new Map<string, { run: DeploymentRun; done: Promise<DeploymentRecord> }>();
  private readonly busy = new Map<string, string>(); // serviceKey -> deployment id
  private readonly waiters = new Map<string, Array<(d: DeploymentRecord) => void>>();
  private readonly announcedQueue = new Set<string>();
  private stopped = false;
  readonly ownership: Ownership;
  private kicking: Promise<void> | null = null;
  private kickAgain = false;
  private kickTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly deps: ExecutorDeps & { store: Store; events: EventBus },
    o: SchedulerOptions = {},
  ) {
    const ttlMs = o.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.ownership = new Ownership(
      { store: deps.store, leases: deps.store.leases, ttlMs, ...(o.replicaId ? { owner: o.replicaId } : {}) },
      {
        run: async (id, lease, adopted) => {
          const d = await deps.store.getDeployment(id);
          if (!d || FINAL_STATES.has(d.state) || this.stopped) return void (await this.ownership.release(id));
          if (adopted) this.emitSafely(id, "deployment.adopted", d.currentNode, { replica: this.ownership.owner, leaseToken: lease.token });
          this.launch(d, lease);
        },
        lost: (id, e) => this.runs.get(id)?.run.interrupt("lease-lost", e.message),
        cancelRequested: (id) => this.runs.get(id)?.run.interrupt("cancel", "The deployment was cancelled."),
      },
    );
    // Deployments another replica finished free their service for queued ones here.
    this.kickTimer = setInterval(() => this.kick(), Math.max(50, Math.floor(ttlMs / 3)));
  }

  /** Resume deployments that were in flight when the last process stopped (or whose replica is gone), then start queued ones. */
  start(): Promise<void> {
    const adopted = this.ownership.start();
    this.kick();
    return adopted;
  }

  /** An event the run may no longer be allowed to write (its lease is gone): not worth a crash. */
  private emitSafely(id: string, type: string, nodeId: string | null, data: Record<string, unknown>): void {
    try {
      this.deps.events.emit(id, type, nodeId, data);
    } catch (e) {
      if (!isFenceRejection(e)) throw e;
    }
  }

  submit(id: string, app: string, serviceKey: string, graph: Graph): DeploymentRecord {
    const rec = this.deps.store.createDeployment({ id, app, serviceKey, graph, createdAt: Date.now() });
    this.deps.events.emit(id, "deployment.state", null, { state: "QUEUED", app, serviceKey, digest: graph.digest });
    this.kick();
    return this.deps.store.getDeployment(id) ?? rec;
  }

  /** Starts queued deployments whose service is free (on every replica: the store says so). */
  private kick(): void {
    if (this.stopped) return;
    if (this.kicking) {
      this.kickAgain = true;
      return;
    }
    this.kicking = this.startQueued()
      .catch(() => {}) // the store unreachable: the next kick tries again
      .finally(() => {
        this.kicking = null;
        if (this.kickAgain) {
          this.kickAgain = false;
          this.kick();
        }
      });
  }

  private async startQueued(): Promise<void> {
    // Oldest first: a service's oldest unfinished deployment is the one that may run; the rest
    // wait behind it, whichever replica runs it.
    const open = (await this.deps.store.listDeployments({ states: ["QUEUED", "RUNNING", "ROLLING_BACK"], limit: 100_000 })).reverse();
    const first = new Map<string, DeploymentRecord>();
    for (const d of open) if (!first.has(d.serviceKey)) first.set(d.serviceKey, d);
    for (const d of open) {
      if (this.stopped) return;
      if (d.state !== "QUEUED") continue;
      const holder = first.get(d.serviceKey)!;
      if (holder.id === d.id) {
        if (this.runs.has(d.id) || this.busy.has(d.serviceKey)) continue;
        const lease = await this.ownership.claim(d.id);
        if (!lease) continue; // another replica got it first
        const now = await this.deps.store.getDeployment(d.id);
        if (now?.state !== "QUEUED") {
          await this.ownership.release(d.id);
          continue;
        }
        this.launch(now, lease);
      } else if (!this.announcedQueue.has(d.id) && this.runs.has(holder.id)) {
        this.announcedQueue.add(d.id);
        this.emitSafely(d.id, "log", null, { message: `Waiting: deployment ${holder.id} is running on ${d.serviceKey}; one deployment at a time per service.` });
      }
    }
  }

  private launch(d: DeploymentRecord, lease: Lease): void {
    if (this.runs.has(d.id) || this.stopped) return void this.ownership.release(d.id);
    this.busy.set(d.serviceKey, d.id);
    this.announcedQueue.delete(d.id);
    const run = new DeploymentRun(this.deps, d.id, lease);
    const done = run
      .run()
      .catch((e) => {
        // The lease is gone: the deployment is another replica's now; write nothing.
        if (lease.lost || e instanceof LeaseLostError || isFenceRejection(e)) return this.deps.store.getDeployment(d.id)!;
        const error = `Internal error: ${e instanceof Error ? e.message : String(e)}`;
        this.deps.store.updateDeployment(d.id, { state: "FAILED", error, finishedAt: Date.now() }, Date.now());
        this.deps.events.emit(d.id, "deployment.state", null, { state: "FAILED", error });
        return this.deps.store.getDeployment(d.id)!;
      })
      .then(async (final) => {
        this.runs.delete(d.id);
        if (this.busy.get(d.serviceKey) === d.id) this.busy.delete(d.serviceKey);
        await this.ownership.release(d.id);
        if (FINAL_STATES.has(final.state)) this.notify(final);
        this.kick();
        return final;
      });
    this.runs.set(d.id, { run, done });
  }

  private notify(d: DeploymentRecord): void {
    for (const w of this.waiters.get(d.id) ?? []) w(d);
    this.waiters.delete(d.id);
  }

  /** Resolves once the deployment is in a final state. */
  wait(id: string): Promise<DeploymentRecord> {
    const d = this.deps.store.getDeployment(id);
    if (!d) return Promise.reject(new Error(`unknown deployment ${id}`));
    if (FINAL_STATES.has(d.state)) return Promise.resolve(d);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  cancel(id: string): DeploymentRecord {
    const { store, events } = this.deps;
    const d = store.getDeployment(id);
    if (!d) throw new CancelError(404, `No deployment ${id}.`);
    if (FINAL_STATES.has(d.state)) throw new CancelError(409, `Deployment ${id} already finished (${d.state}); nothing to cancel.`);
    if (d.state === "QUEUED") {
      store.updateDeployment(id, { state: "CANCELLED", cancelRequested: true, finishedAt: Date.now(), error: "Cancelled before it started." }, Date.now());
      events.emit(id, "deployment.state", null, { state: "CANCELLED" });
      const final = store.getDeployment(id)!;
      this.notify(final);
      return final;
    }
    if (d.state === "ROLLING_BACK") throw new CancelError(409, `Deployment ${id} is already rolling back.`);
    store.updateDeployment(id, { cancelRequested: true }, Date.now());
    events.emit(id, "log", d.currentNode, { message: "Cancel requested: rolling back." });
    this.runs.get(id)?.run.interrupt("cancel", "The deployment was cancelled.");
    return store.getDeployment(id)!;
  }

  active(): number {
    return this.runs.size;
  }

  /** Stops every run where it is (nodes stay RUNNING in the store and resume on the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.kickTimer);
    this.ownership.stop();
    await this.kicking;
    const all = [...this.runs.values()];
    for (const r of all) r.run.interrupt("shutdown", "The runtime is shutting down.");
    // Each run gives its lease up as it stops: another replica resumes it without waiting.
    await Promise.allSettled(all.map((r) => r.done));
  }
}
