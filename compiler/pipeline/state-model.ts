// The pipeline state model: which task sets exist, which version each runs and how much traffic
// each receives after every stage (worked out from the stages alone; nothing runs). Lint rules and the graph's `expect` fields
// both read from it, so "what the compiler thinks happens" is defined in exactly one place.
import type { ResolvedApp, Stage } from "../model.ts";

export type Version = "current" | "new";

export interface TaskSetState {
  version: Version;
  /** Percent of the service's desiredCount. */
  scale: number;
}

export interface PipelineState {
  taskSets: { primary: TaskSetState | null; canary: TaskSetState | null };
  /** Share of requests each variant receives, in percent (sums to 100 unless nothing serves). */
  traffic: { primary: number; canary: number };
  /**
   * Listener weights (ELB only): what ECS_TRAFFIC_ROUTING last wrote. Differs from `traffic`
   * for SERVICE_DISCOVERY, where traffic follows task counts.
   */
  weights: { primary: number; canary: number } | null;
}

export interface StageStep {
  stage: Stage;
  before: PipelineState;
  after: PipelineState;
}

export function initialState(app: ResolvedApp): PipelineState {
  const elb = app.input.accessType === "ELB";
  return {
    taskSets: { primary: { version: "current", scale: 100 }, canary: null },
    traffic: { primary: 100, canary: 0 },
    weights: elb ? { primary: 100, canary: 0 } : null,
  };
}

/** For service discovery, clients spread over tasks: share follows running task counts. */
function trafficByTasks(s: PipelineState): { primary: number; canary: number } {
  const p = s.taskSets.primary?.scale ?? 0;
  const c = s.taskSets.canary?.scale ?? 0;
  if (p + c === 0) return { primary: 0, canary: 0 };
  const canary = Math.round((c / (p + c)) * 1000) / 10;
  return { primary: Math.round((100 - canary) * 10) / 10, canary };
}

export function applyStage(prev: PipelineState, stage: Stage): PipelineState {
  const s: PipelineState = {
    taskSets: { primary: prev.taskSets.primary && { ...prev.taskSets.primary }, canary: prev.taskSets.canary && { ...prev.taskSets.canary } },
    traffic: { ...prev.traffic },
    weights: prev.weights && { ...prev.weights },
  };
  const w = stage.with;
  switch (w.stage) {
    case "ECS_SYNC":
      // Sync replaces everything with one primary task set on the new version.
      s.taskSets = { primary: { version: "new", scale: 100 }, canary: null };
      if (s.weights) s.weights = { primary: 100, canary: 0 };
      break;
    case "ECS_CANARY_ROLLOUT":
      s.taskSets.canary = { version: "new", scale: w.scale };
      break;
    case "ECS_PRIMARY_ROLLOUT":
      s.taskSets.primary = { version: "new", scale: 100 };
      break;
    case "ECS_TRAFFIC_ROUTING":
      if (s.weights) s.weights = { primary: w.primary, canary: w.canary };
      break;
    case "ECS_CANARY_CLEAN":
      s.taskSets.canary = null;
      break;
    default:
      return s;
  }
  if (s.weights) {
    // ELB: the listener decides; a weight on a target group with no task set still "receives"
    // requests (they fail with 503), which is what the rules want to see.
    s.traffic = { ...s.weights };
  } else {
    s.traffic = trafficByTasks(s);
  }
  return s;
}

/** Traces the whole pipeline through the model; one step per stage (empty for quick sync). */
export function tracePipeline(app: ResolvedApp): { steps: StageStep[]; initial: PipelineState; final: PipelineState } {
  const initial = initialState(app);
  let cur = initial;
  const steps: StageStep[] = [];
  for (const stage of app.stages) {
    const after = applyStage(cur, stage);
    steps.push({ stage, before: cur, after });
    cur = after;
  }
  return { steps, initial, final: cur };
}
