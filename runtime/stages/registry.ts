// Stage executors by stage name. The next issue plugs ANALYSIS / WAIT_APPROVAL / SCRIPT_RUN in
// with registerStage(); until then those nodes fail with a clear "not supported yet".
import type { StageHandler } from "../executor/context.ts";
import type { StageName } from "../executor/graph.ts";
import { StageError } from "../executor/interrupt.ts";
import { ecsSync } from "./ecs-sync.ts";
import { ecsCanaryRollout } from "./ecs-canary-rollout.ts";
import { ecsPrimaryRollout } from "./ecs-primary-rollout.ts";
import { ecsTrafficRouting } from "./ecs-traffic-routing.ts";
import { ecsCanaryClean } from "./ecs-canary-clean.ts";
import { wait } from "./wait.ts";
import { rollbackTraffic } from "./rollback-traffic.ts";
import { rollbackPrimary } from "./rollback-primary.ts";
import { rollbackClean } from "./rollback-clean.ts";

const handlers = new Map<StageName, StageHandler>([
  ["ECS_SYNC", ecsSync],
  ["ECS_CANARY_ROLLOUT", ecsCanaryRollout],
  ["ECS_PRIMARY_ROLLOUT", ecsPrimaryRollout],
  ["ECS_TRAFFIC_ROUTING", ecsTrafficRouting],
  ["ECS_CANARY_CLEAN", ecsCanaryClean],
  ["WAIT", wait],
  ["ROLLBACK_TRAFFIC", rollbackTraffic],
  ["ROLLBACK_PRIMARY", rollbackPrimary],
  ["ROLLBACK_CLEAN", rollbackClean],
]);

export function registerStage(name: StageName, handler: StageHandler): void {
  handlers.set(name, handler);
}

export function stageHandler(name: StageName): StageHandler {
  return (
    handlers.get(name) ??
    (async () => {
      throw new StageError(
        `Stage ${name} is not supported by this runtime yet. Remove it from the pipeline, or run a Kanaria version that implements it.`,
      );
    })
  );
}
