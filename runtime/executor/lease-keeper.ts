// This replica's leases on the deployments it runs: takes them, renews them all in the background
// every third of the TTL, and gives them up. A lease the store no longer extends (taken over, or
// the database unreachable until it ran out) is lost: its run is told to stop at once. The
// keeper also keeps a local deadline per lease (when the last successful renewal was sent + TTL,
// less a margin, on the monotonic clock): a replica paused past it (GC, SIGSTOP) sees the lease
// as lost the moment it wakes, before its next AWS call, even before the store says so.
import { processIdentity } from "../platform/process.ts";
import type { LeaseStore } from "../store/leases.ts";

export const DEFAULT_LEASE_TTL_MS = 15_000;

/** Thrown where a run would act on a deployment whose lease it no longer holds. */
export class LeaseLostError extends Error {
  constructor(readonly deploymentId: string, why: string) {
    super(`Lease of deployment ${deploymentId} lost (${why}): another replica owns it now or will; this replica stops acting on it.`);
    this.name = "LeaseLostError";
  }
}

export interface Lease {
  readonly deploymentId: string;
  /** The fencing token every write of the run carries. */
  readonly token: number;
  /** Throws LeaseLostError when the lease is lost or its local deadline passed. */
  check(): void;
  readonly lost: boolean;
}

export interface LeaseKeeperOptions {
  /** This replica's id (unique per process lifetime). */
  owner: string;
  ttlMs?: number;
  /** Monotonic ms (tests inject one). */
  now?: () => number;
}

interface Held {
  lease: LeaseImpl;
  onLost: (e: LeaseLostError) => void;
}

class LeaseImpl implements Lease {
  lost = false;
  lostWhy = "";
  /** Set by the keeper: marks the lease lost and tells its run (synchronously). */
  expire: () => void = () => {
    this.lost = true;
    this.lostWhy = "not renewed within its TTL";
  };
  constructor(
    readonly deploymentId: string,
    readonly token: number,
    public validUntil: number,
    private readonly now: () => number,
  ) {}
  check(): void {
    if (!this.lost && this.now() >= this.validUntil) this.expire();
    if (this.lost) throw new LeaseLostError(this.deploymentId, this.lostWhy);
  }
}

/** host/pid/random: names the process (for operators and tests), and is new at every start. */
export function newReplicaId(): string {
  const { host, pid } = processIdentity();
  const rand = crypto.getRandomValues(new Uint8Array(3));
  return `${host}/${pid}/${[...rand].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class LeaseKeeper {
  readonly owner: string;
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly held = new Map<string, Held>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly store: LeaseStore,
    o: LeaseKeeperOptions,
  ) {
    this.owner = o.owner;
    this.ttlMs = o.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.now = o.now ?? (() => performance.now());
  }

  /** The local deadline: renewal time + TTL, less a margin for the round trip and clock rates. */
  private deadline(sentAt: number): number {
    return sentAt + this.ttlMs - Math.min(2_000, this.ttlMs / 5);
  }

  /** Takes the deployment's lease (null: another replica holds it). onLost runs once if it is lost. */
  async acquire(deploymentId: string, onLost: (e: LeaseLostError) => void = () => {}): Promise<Lease | null> {
    const sentAt = this.now();
    const token = await this.store.acquire(deploymentId, this.owner, this.ttlMs);
    if (token === null) return null;
    const lease = new LeaseImpl(deploymentId, token, this.deadline(sentAt), this.now);
    const held = { lease, onLost };
    lease.expire = () => this.lose(held, "not renewed within its TTL");
    this.held.set(deploymentId, held);
    return lease;
  }

  /** Gives the lease up so another replica can take it without waiting for the TTL. */
  async release(lease: Lease): Promise<void> {
    const h = this.held.get(lease.deploymentId);
    if (h?.lease === lease) this.held.delete(lease.deploymentId);
    if (lease.lost) return;
    await this.store.release(lease.deploymentId, this.owner, lease.token).catch(() => {});
  }

  /** Renews every third of the TTL. */
  start(): void {
    this.timer ??= setInterval(() => void this.renewAll(), Math.max(50, Math.floor(this.ttlMs / 3)));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  heldIds(): string[] {
    return [...this.held.keys()];
  }

  /**
   * Marks every lease whose local deadline passed as lost, at once (its run stops before the call
   * this precedes): AwsContexts runs it before each AWS request, so a replica resumed from a long
   * pause sends nothing for deployments it may no longer own.
   */
  checkDeadlines(): void {
    const now = this.now();
    for (const h of [...this.held.values()]) if (now >= h.lease.validUntil) this.lose(h, "not renewed within its TTL");
  }

  /** One renewal round (the timer's; tests call it directly). */
  renewAll(): Promise<void> {
    this.renewing ??= this.renewRound().finally(() => (this.renewing = null));
    return this.renewing;
  }

  private async renewRound(): Promise<void> {
    const round = [...this.held.values()].filter((h) => !h.lease.lost);
    if (!round.length) return;
    const sentAt = this.now();
    let renewed: Set<string> | null;
    try {
      renewed = await this.store.renewMany(
        this.owner,
        round.map((h) => ({ deploymentId: h.lease.deploymentId, token: h.lease.token })),
        this.ttlMs,
      );
    } catch {
      renewed = null; // database unreachable: the leases run on their local deadlines
    }
    for (const h of round) {
      if (renewed?.has(h.lease.deploymentId)) h.lease.validUntil = this.deadline(sentAt);
      else if (renewed) this.lose(h, "the store no longer extends it");
      else if (this.now() >= h.lease.validUntil) this.lose(h, "not renewed within its TTL");
    }
  }

  private lose(h: Held, why: string): void {
    // Released meanwhile (its run ended), or lost already: nothing to tell.
    if (h.lease.lost || this.held.get(h.lease.deploymentId) !== h) return;
    h.lease.lost = true;
    h.lease.lostWhy = why;
    if (this.held.get(h.lease.deploymentId) === h) this.held.delete(h.lease.deploymentId);
    h.onLost(new LeaseLostError(h.lease.deploymentId, why));
  }
}
