// Defaults the compiler applies, so the graph leaves none to the runtime. PipeCD applies one
// 6h timeout to every stage and then ignores it for ECS; Kanaria enforces per-stage timeouts,
// so the defaults are sized to what each stage waits for.
import type { StageName } from "../model.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULTS = {
  deploymentTimeoutMs: 6 * HOUR,
  approvalTimeoutMs: 6 * HOUR,
  scriptTimeoutMs: 6 * HOUR,
  minApproverNum: 1,
  analysisQueryTimeoutMs: 30_000,
  analysisFailureLimit: 0,
  httpMethod: "GET",
  httpExpectedCode: 200,
  // PipeCD's WAIT without a duration waits one minute.
  waitDurationMs: MINUTE,
} as const;

/** Time a stage may take beyond what it is told to wait for (duration, approval timeout...). */
export const STAGE_MARGIN_MS = 5 * MINUTE;

export const STAGE_TIMEOUT_MS: Record<StageName, number> = {
  // Waiting for a task set to reach STEADY_STATE: image pulls and health checks take minutes.
  ECS_SYNC: 30 * MINUTE,
  ECS_CANARY_ROLLOUT: 30 * MINUTE,
  ECS_PRIMARY_ROLLOUT: 30 * MINUTE,
  ECS_TRAFFIC_ROUTING: 5 * MINUTE,
  ECS_CANARY_CLEAN: 15 * MINUTE,
  // These are computed from their own parameters (see resolve-app.ts).
  WAIT: 0,
  WAIT_APPROVAL: 0,
  ANALYSIS: 0,
  SCRIPT_RUN: 0,
};
