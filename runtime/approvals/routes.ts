// POST /api/deployments/:id/approve with `Authorization: Bearer <approver token>`.
// 200 accepted (or already counted), 401 missing/unknown token, 403 approver not listed on the
// stage, 404 unknown deployment, 409 nothing waiting for an approval. Mount it on the API app.
import { Hono, type Context } from "hono";
import type { ApprovalBoard } from "./board.ts";
import type { ApproverTokens } from "./tokens.ts";

export interface ApprovalRoutesOptions {
  board: ApprovalBoard;
  /** null: approvals over HTTP are disabled (401 with an explanation). */
  tokens: ApproverTokens | null;
  /** Whether a deployment exists (for 404); default: all do. */
  exists?: (id: string) => Promise<boolean>;
}

const fail = (c: Context, status: number, error: string, message: string) => c.json({ error, message }, status as 401);

export function approvalRoutes(o: ApprovalRoutesOptions): Hono {
  const app = new Hono();
  app.post("/api/deployments/:id/approve", async (c) => {
    const id = c.req.param("id");
    if (!o.tokens) return fail(c, 401, "unauthorized", "This server has no approver tokens (server.approvers.tokensFile in the runtime config), so nobody can approve over HTTP.");
    const approver = o.tokens.fromHeader(c.req.header("authorization"));
    if (!approver) return fail(c, 401, "unauthorized", "Send your approver token (from server.approvers.tokensFile) as `Authorization: Bearer <token>`.");
    if (o.exists && !(await o.exists(id))) return fail(c, 404, "not_found", `No deployment ${id}.`);
    const r = await o.board.approve(id, approver, c.req.query("node") || undefined);
    switch (r.status) {
      case "not_pending":
        return fail(c, 409, "not_waiting", r.message);
      case "forbidden":
        return fail(c, 403, "not_an_approver", r.message);
      default:
        return c.json({
          deploymentId: id,
          nodeId: r.pending.nodeId,
          approver,
          accepted: r.status === "accepted",
          approvedBy: r.approvedBy,
          minApproverNum: r.pending.minApproverNum,
          complete: r.complete,
          message: r.message,
        });
    }
  });
  return app;
}
