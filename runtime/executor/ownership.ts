// Which deployments this replica runs. A run starts only under a lease (lease-keeper.ts): a
// queued deployment whose lease another replica got first is that replica's; a running one whose
// owner stopped renewing (it died, it lost the database, it is paused) is adopted here once the
// lease expired, and resumed exactly as after a restart (the journal makes every side effect
// idempotent). While it holds a lease, the store stamps the lease's fencing token on every write
// for the deployment, and the database refuses them once the lease is gone (lease-sql.ts).
//
// One SQLite store has one process (store-lock.ts), so there every lease is this process's: the
// same code path, with leases that only ever change hands at a restart.
import type { LeaseStore } from "../store/leases.ts";
import type { Store } from "../store/store.ts";
import { type Lease, LeaseKeeper, type LeaseLostError, newReplicaId } from "./lease-keeper.ts";

export interface OwnershipOptions {
  store: Store;
  leases: LeaseStore;
  ttlMs: number;
  /** This replica's id (default: a new random one). */
  owner?: string;
  /** At most this many orphans adopted per round (the rest wait for the next round). */
  adoptBatch?: number;
}

export interface OwnershipHooks {
  /** A deployment this replica now owns (after claim or adoption): run or resume it. */
  run(deploymentId: string, lease: Lease, adopted: boolean): void | Promise<void>;
  /** The lease was lost: stop the run where it is, writing nothing more. */
  lost(deploymentId: string, e: LeaseLostError): void;
  /** A cancel requested on another replica, for a deployment this one runs. */
  cancelRequested(deploymentId: string): void;
  /** Whether a run of the deployment is still here (stopping after a lost lease, say): not re-claimed until it is gone. */
  running(deploymentId: string): boolean;
}

export class Ownership {
  readonly keeper: LeaseKeeper;
  private readonly leases = new Map<string, Lease>();
  private readonly cancelsSeen = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private adopting: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly o: OwnershipOptions,
    private readonly hooks: OwnershipHooks,
  ) {
    this.keeper = new LeaseKeeper(o.leases, { owner: o.owner ?? newReplicaId(), ttlMs: o.ttlMs });
  }

  get owner(): string {
    return this.keeper.owner;
  }

  /** Renews in the background and looks for orphans every third of the TTL (and once now). */
  start(): Promise<void> {
    this.keeper.start();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.o.ttlMs / 3)));
    return this.adoptOrphans();
  }

  /** Takes a deployment's lease to start it here; null when another replica has it. */
  async claim(deploymentId: string): Promise<Lease | null> {
    if (this.stopped || this.hooks.running(deploymentId)) return null;
    let lease: Lease | null;
    try {
      lease = await this.keeper.acquire(deploymentId, (e) => this.onLost(deploymentId, e));
    } catch {
      return null; // database unreachable: nothing starts until it is back
    }
    if (!lease) return null;
    this.leases.set(deploymentId, lease);
    this.o.store.fence(deploymentId, lease.token);
    return lease;
  }

  /** The run ended (final state, or stopped for a shutdown): let the lease go at once. */
  async release(deploymentId: string): Promise<void> {
    const lease = this.leases.get(deploymentId);
    if (!lease) return;
    this.leases.delete(deploymentId);
    this.cancelsSeen.delete(deploymentId);
    this.o.store.fence(deploymentId, null);
    await this.keeper.release(lease);
  }

  lease(deploymentId: string): Lease | undefined {
    return this.leases.get(deploymentId);
  }

  private onLost(deploymentId: string, e: LeaseLostError): void {
    this.leases.delete(deploymentId);
    this.cancelsSeen.delete(deploymentId);
    // Writes keep the stale token: the database refuses whatever the stopping run still tries.
    this.hooks.lost(deploymentId, e);
  }

  private async tick(): Promise<void> {
    await this.adoptOrphans();
    await this.pollCancels();
  }

  /** Adopts in-flight deployments whose lease expired (their owner is gone). */
  adoptOrphans(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.adopting ??= (async () => {
      let ids: string[];
      try {
        ids = await this.o.leases.orphans(this.o.adoptBatch ?? 100);
      } catch {
        return; // database unreachable: try again next round
      }
      for (const id of ids) {
        if (this.stopped || this.leases.has(id)) continue;
        const lease = await this.claim(id);
        if (lease) await this.hooks.run(id, lease, true);
      }
    })().finally(() => (this.adopting = null));
    return this.adopting;
  }

  /** Cancels requested through another replica reach the owner through the store. */
  private async pollCancels(): Promise<void> {
    for (const id of [...this.leases.keys()]) {
      if (this.cancelsSeen.has(id)) continue;
      const d = await Promise.resolve(this.o.store.getDeployment(id)).catch(() => null);
      if (d?.cancelRequested) {
        this.cancelsSeen.add(id);
        this.hooks.cancelRequested(id);
      }
    }
  }

  /** Stops renewing and adopting (leases still held run out, or are released by their runs). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.keeper.stop();
  }
}
