// Pending approvals. A WAIT_APPROVAL stage opens its node on the board and waits; the HTTP API
// (routes.ts) calls approve(). Every accepted approval is an `approval.granted` event in the
// deployment's event log (the store), so approvals survive a restart: the resumed stage counts
// them again from the log. Rules: an approver counts once; when the stage lists approvers,
// anyone else is refused.
import type { Store } from "../store/store.ts";

/** The part of the executor's EventBus the board needs. */
export interface EventSink {
  emit(deploymentId: string, type: string, nodeId: string | null, data?: Record<string, unknown>): Promise<unknown>;
}

export const APPROVAL_EVENT = "approval.granted";

export interface PendingApproval {
  deploymentId: string;
  nodeId: string;
  approvers: string[];
  minApproverNum: number;
}

export type ApproveResult =
  | { status: "not_pending"; message: string }
  | { status: "forbidden"; message: string; pending: PendingApproval }
  | { status: "accepted" | "duplicate"; message: string; pending: PendingApproval; approvedBy: string[]; complete: boolean };

export class ApprovalBoard {
  private readonly pending = new Map<string, PendingApproval & { wake: () => void }>();
  /** Approvals are decided one at a time: "has this approver approved yet?" and the record of
   *  the approval must not interleave with another approval's. */
  private deciding: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, "listEvents">,
    private readonly events: EventSink,
  ) {}

  /** Called by the stage; `wake` runs after every accepted approval. Returns the close function. */
  open(p: PendingApproval, wake: () => void): () => void {
    const entry = { ...p, wake };
    this.pending.set(p.deploymentId, entry);
    return () => {
      if (this.pending.get(p.deploymentId) === entry) this.pending.delete(p.deploymentId);
    };
  }

  pendingFor(deploymentId: string): PendingApproval | null {
    const p = this.pending.get(deploymentId);
    return p ? { deploymentId: p.deploymentId, nodeId: p.nodeId, approvers: p.approvers, minApproverNum: p.minApproverNum } : null;
  }

  /** Distinct approvers recorded for a node, in order of approval. */
  async approvedBy(deploymentId: string, nodeId: string): Promise<string[]> {
    const out: string[] = [];
    for (const e of await this.store.listEvents(deploymentId)) {
      if (e.type !== APPROVAL_EVENT || e.nodeId !== nodeId) continue;
      const who = String(e.data.approver ?? "");
      if (who && !out.includes(who)) out.push(who);
    }
    return out;
  }

  approve(deploymentId: string, approver: string, nodeId?: string): Promise<ApproveResult> {
    const decide = () => this.decide(deploymentId, approver, nodeId);
    const result = this.deciding.then(decide, decide);
    this.deciding = result.catch(() => undefined);
    return result;
  }

  private async decide(deploymentId: string, approver: string, nodeId?: string): Promise<ApproveResult> {
    const p = this.pending.get(deploymentId);
    if (!p || (nodeId !== undefined && p.nodeId !== nodeId)) {
      return { status: "not_pending", message: `Deployment ${deploymentId} is not waiting for an approval${nodeId ? ` at ${nodeId}` : ""}.` };
    }
    const pending = this.pendingFor(deploymentId)!;
    if (p.approvers.length > 0 && !p.approvers.includes(approver)) {
      return { status: "forbidden", pending, message: `${approver} is not among the approvers of ${p.nodeId} (${p.approvers.join(", ")}).` };
    }
    const before = await this.approvedBy(deploymentId, p.nodeId);
    if (before.includes(approver)) {
      return { status: "duplicate", pending, approvedBy: before, complete: before.length >= p.minApproverNum, message: `${approver} has already approved ${p.nodeId}; an approver counts once (${before.length} of ${p.minApproverNum}).` };
    }
    await this.events.emit(deploymentId, APPROVAL_EVENT, p.nodeId, { approver });
    const approvedBy = [...before, approver];
    const complete = approvedBy.length >= p.minApproverNum;
    p.wake();
    return { status: "accepted", pending, approvedBy, complete, message: `Approved by ${approver} (${approvedBy.length} of ${p.minApproverNum}).` };
  }
}
