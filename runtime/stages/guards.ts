// Preconditions shared by the task-set stages.
import type { StageContext } from "../executor/stage-contract.ts";
import { StageError } from "../executor/interrupt.ts";

export function requireExternalService(ctx: StageContext): void {
  if (!ctx.service) throw new StageError(`${ctx.node.stage} needs an ECS service; this graph runs a standalone task.`);
  if (ctx.snapshot.serviceExists && ctx.snapshot.controller !== "EXTERNAL") {
    throw new StageError(
      `Service ${ctx.service} uses the ${ctx.snapshot.controller} deployment controller; task-set stages need deploymentController EXTERNAL. Recreate the service with the EXTERNAL controller.`,
    );
  }
}
