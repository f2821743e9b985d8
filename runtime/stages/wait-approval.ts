// WAIT_APPROVAL: waits until minApproverNum distinct approvers (from `approvers` when the list
// is not empty) have approved through the API (runtime/approvals/). Approvals are events in the
// store, so a restarted runtime resumes the wait with the approvals already given. The node
// timeout fails the stage (→ rollback).
import type { StageHandler } from "../executor/context.ts";
import { StageError } from "../executor/interrupt.ts";
import type { ApprovalBoard } from "../approvals/board.ts";

export const WAITING_EVENT = "approval.waiting";

export function waitApprovalStage(board: ApprovalBoard): StageHandler {
  return async (ctx) => {
    const approvers: string[] = Array.isArray(ctx.node.params.approvers) ? ctx.node.params.approvers.map(String) : [];
    const min = Math.max(1, Number(ctx.node.params.minApproverNum ?? 1) || 1);
    if (approvers.length > 0 && new Set(approvers).size < min) {
      throw new StageError(`${ctx.node.id} needs ${min} approvals but lists only ${new Set(approvers).size} approvers (${approvers.join(", ")}).`);
    }
    const count = () => board.approvedBy(ctx.deploymentId, ctx.node.id);
    let wake: () => void = () => {};
    const close = board.open({ deploymentId: ctx.deploymentId, nodeId: ctx.node.id, approvers, minApproverNum: min }, () => wake());
    try {
      let approved = await count();
      if (approved.length < min) {
        const who = approvers.length ? ` from ${approvers.join(", ")}` : "";
        await ctx.events.emit(ctx.deploymentId, WAITING_EVENT, ctx.node.id, { approvers, minApproverNum: min, approvedBy: approved });
        ctx.log(`Waiting for ${min - approved.length} more approval(s)${who}: kanaria approve ${ctx.deploymentId} --server URL --token-file FILE`);
      }
      while (approved.length < min) {
        await new Promise<void>((resolve, reject) => {
          if (ctx.signal.aborted) return reject(ctx.signal.reason);
          const onAbort = () => reject(ctx.signal.reason);
          ctx.signal.addEventListener("abort", onAbort, { once: true });
          wake = () => {
            ctx.signal.removeEventListener("abort", onAbort);
            resolve();
          };
        });
        approved = await count();
        ctx.log(`Approved by ${approved.join(", ")} (${approved.length} of ${min}).`);
      }
      const result = await ctx.step("approved", "Approval", { minApproverNum: min, approvers }, async () => ({ approvedBy: approved.slice(0, Math.max(min, approved.length)) }));
      return { message: `Approved by ${result.approvedBy.join(", ")}`, approvedBy: result.approvedBy };
    } finally {
      close();
    }
  };
}
