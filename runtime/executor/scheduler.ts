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
  /** kick() runs one at a time: it reads the queue and then claims services, which must not
   *  interleave with another kick reading the same queue. */
  private kicking: Promise<void> = Promise.resolve();
  readonly ownership: Ownership;
  private readonly kickTimer: ReturnType<typeof setInterval>;

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
          if (!d || FINAL_STATES.has(d.state) || this.stopped || this.runs.has(id)) return void (await this.ownership.release(id));
          if (adopted) await this.emitSafely(id, "deployment.adopted", d.currentNode, { replica: this.ownership.owner, leaseToken: lease.token });
          this.launch(d, lease);
        },
        lost: (id, e) => this.runs.get(id)?.run.interrupt("lease-lost", e.message),
        cancelRequested: (id) => this.runs.get(id)?.run.interrupt("cancel", "The deployment was cancelled."),
        running: (id) => this.runs.has(id),
      },
    );
    // A deployment another replica finished frees its service for the queued ones here.
    this.kickTimer = setInterval(() => void this.kick().catch(() => undefined), Math.max(50, Math.floor(ttlMs / 3)));
  }

  /**
   * Resumes deployments that were in flight when the last process stopped (or whose replica is
   * gone: any in-flight deployment without a live lease), then starts queued ones.
   */
  async start(): Promise<void> {
    await this.ownership.start();
    await this.kick();
  }

  /** An event for a deployment whose lease may be gone by now: refused then, and not worth a crash. */
  private async emitSafely(id: string, type: string, nodeId: string | null, data: Record<string, unknown>): Promise<void> {
    try {
      await this.deps.events.emit(id, type, nodeId, data);
    } catch (e) {
      if (!isFenceRejection(e)) throw e;
    }
  }

  async submit(id: string, app: string, serviceKey: string, graph: Graph): Promise<DeploymentRecord> {
    const rec = await this.deps.store.createDeployment({ id, app, serviceKey, graph, createdAt: Date.now() });
    await this.deps.events.emit(id, "deployment.state", null, { state: "QUEUED", app, serviceKey, digest: graph.digest });
    await this.kick();
    return (await this.deps.store.getDeployment(id)) ?? rec;
  }

  private kick(): Promise<void> {
    const run = () => this.kickNow();
    const next = this.kicking.then(run, run);
    this.kicking = next.catch(() => undefined);
    return next;
  }

  private async kickNow(): Promise<void> {
    if (this.stopped) return;
    const queued = (await this.deps.store.listDeployments({ states: ["QUEUED"], limit: 100_000 })).reverse();
    for (const d of queued) {
      if (this.stopped) return;
      if (this.runs.has(d.id)) continue;
      const holder = this.busy.get(d.serviceKey);
      if (!holder) {
        // Under the lease only: another replica may have taken this one first.
        const lease = await this.ownership.claim(d.id);
        if (lease) this.launch(d, lease);
      } else if (!this.announcedQueue.has(d.id)) {
        this.announcedQueue.add(d.id);
        await this.deps.events.emit(d.id, "log", null, { message: `Waiting: deployment ${holder} is running on ${d.serviceKey}; one deployment at a time per service.` });
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
      .catch(async (e) => {
        // The lease is gone: the deployment is another replica's now; write nothing.
        if (lease.lost || e instanceof LeaseLostError || isFenceRejection(e)) return (await this.deps.store.getDeployment(d.id)) ?? d;
        const error = `Internal error: ${e instanceof Error ? e.message : String(e)}`;
        await this.deps.store.updateDeployment(d.id, { state: "FAILED", error, finishedAt: Date.now() }, Date.now());
        await this.deps.events.emit(d.id, "deployment.state", null, { state: "FAILED", error });
        return (await this.deps.store.getDeployment(d.id))!;
      })
      .catch(() => d) // the store itself failed: the deployment stays where the store has it
      .then(async (final) => {
        this.runs.delete(d.id);
        if (this.busy.get(d.serviceKey) === d.id) this.busy.delete(d.serviceKey);
        // Finished, refused or stopped: another replica may take it (or its service) at once.
        await this.ownership.release(d.id);
        if (FINAL_STATES.has(final.state)) this.notify(final);
        // Still QUEUED: the store refused to start it (another process runs its service); kicking
        // again now would only be refused again. The run that frees the service kicks.
        if (final.state !== "QUEUED") await this.kick().catch(() => undefined);
        return final;
      });
    this.runs.set(d.id, { run, done });
  }

  private notify(d: DeploymentRecord): void {
    for (const w of this.waiters.get(d.id) ?? []) w(d);
    this.waiters.delete(d.id);
  }

  /** Resolves once the deployment is in a final state. */
  async wait(id: string): Promise<DeploymentRecord> {
    // Registered before the store is read: a run that ends while the read is in flight still wakes it.
    let resolveWait: (d: DeploymentRecord) => void = () => {};
    const waited = new Promise<DeploymentRecord>((resolve) => (resolveWait = resolve));
    const list = this.waiters.get(id) ?? [];
    list.push(resolveWait);
    this.waiters.set(id, list);
    const d = await this.deps.store.getDeployment(id);
    if (d && !FINAL_STATES.has(d.state)) return waited;
    const left = (this.waiters.get(id) ?? []).filter((w) => w !== resolveWait);
    if (left.length) this.waiters.set(id, left);
    else this.waiters.delete(id);
    if (!d) throw new Error(`unknown deployment ${id}`);
    return d;
  }

  async cancel(id: string): Promise<DeploymentRecord> {
    const { store, events } = this.deps;
    const d = await store.getDeployment(id);
    if (!d) throw new CancelError(404, `No deployment ${id}.`);
    if (FINAL_STATES.has(d.state)) throw new CancelError(409, `Deployment ${id} already finished (${d.state}); nothing to cancel.`);
    if (d.state === "QUEUED") {
      await store.updateDeployment(id, { state: "CANCELLED", cancelRequested: true, finishedAt: Date.now(), error: "Cancelled before it started." }, Date.now());
      await events.emit(id, "deployment.state", null, { state: "CANCELLED" });
      const final = (await store.getDeployment(id))!;
      this.notify(final);
      return final;
    }
    if (d.state === "ROLLING_BACK") throw new CancelError(409, `Deployment ${id} is already rolling back.`);
    await store.updateDeployment(id, { cancelRequested: true }, Date.now());
    await events.emit(id, "log", d.currentNode, { message: "Cancel requested: rolling back." });
    this.runs.get(id)?.run.interrupt("cancel", "The deployment was cancelled.");
    return (await store.getDeployment(id))!;
  }

  active(): number {
    return this.runs.size;
  }

  /** Stops every run where it is (nodes stay RUNNING in the store and resume on the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.kickTimer);
    this.ownership.stop();
    await this.kicking; // a kick in flight launches nothing more once stopped
    const all = [...this.runs.values()];
    for (const r of all) r.run.interrupt("shutdown", "The runtime is shutting down.");
    await Promise.allSettled(all.map((r) => r.done));
  }
}
