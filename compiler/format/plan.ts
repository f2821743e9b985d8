// `kanaria plan`: what will happen, step by step, before it happens.
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";
import { describeNode } from "./describe-node.ts";
import { formatDuration } from "../resolve/duration.ts";

type Node = ExecutionGraph["nodes"][number];
type TaskSet = Node["expect"]["taskSets"]["primary"];

/** One stage of the plan, as the table shows it (also the JSON of `kanaria plan --format json`). */
export interface PlanStage {
  /** "1", "2", ... on the main path; "R1", "R2", ... on the rollback path. */
  n: string;
  id: string;
  stage: string;
  what: string;
  /** Task set after the stage: version, scale %, and task count when the desired count is known. */
  primary: { version: string; scale: number; tasks?: number } | null;
  canary: { version: string; scale: number; tasks?: number } | null;
  /** Traffic % after the stage. */
  traffic: { primary: number; canary: number };
  timeoutMs: number;
}

/** Tasks a task set at `scale`% of `desired` runs (ECS rounds computedDesiredCount up). */
const taskCount = (desired: number, scale: number) => Math.ceil((desired * scale) / 100);

function taskSetOf(ts: TaskSet, desired: number | undefined): PlanStage["primary"] {
  if (!ts) return null;
  return { version: ts.version, scale: ts.scale, ...(desired === undefined ? {} : { tasks: taskCount(desired, ts.scale) }) };
}

/** The main path's (or the rollback path's) stages; `desired`: the service's desiredCount when known. */
export function planStages(nodes: Node[], desired: number | undefined, prefix = ""): PlanStage[] {
  return nodes.map((n, i) => ({
    n: `${prefix}${i + 1}`,
    id: n.id,
    stage: n.stage,
    what: describeNode(n),
    primary: taskSetOf(n.expect.taskSets.primary, desired),
    canary: taskSetOf(n.expect.taskSets.canary, desired),
    traffic: { ...n.expect.traffic },
    timeoutMs: n.timeoutMs,
  }));
}

/** "new 3 tasks", "current", "-". */
export function taskSetText(t: PlanStage["primary"]): string {
  if (!t) return "-";
  return t.tasks === undefined ? t.version : `${t.version} ${t.tasks} task${t.tasks === 1 ? "" : "s"}`;
}

/** The servicedef's desiredCount when it sets one (else auto scaling or the live service decides). */
export function graphDesiredCount(graph: ExecutionGraph): number | undefined {
  const given = (graph.target.service as Record<string, any> | null)?.desiredCount;
  return typeof given === "number" && given > 0 ? given : undefined;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r, ri) => {
    const line = r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return ri === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
  }).join("\n");
}

export const STAGE_HEADER = ["#", "stage", "what happens", "primary", "canary", "traffic p/c", "timeout"];

export const stageCells = (r: PlanStage) => [r.n, r.stage, r.what, taskSetText(r.primary), taskSetText(r.canary), `${r.traffic.primary}/${r.traffic.canary}`, formatDuration(r.timeoutMs)];

/** The stage table as text (aligned columns). */
export const stageTable = (rows: PlanStage[]) => table([STAGE_HEADER, ...rows.map(stageCells)]);

/** The first-deployment note: what happens when the service has no primary task set yet. */
export function firstDeploymentNote(graph: ExecutionGraph): string {
  // PipeCD's planner: a first deployment is a quick sync unless planner.alwaysUsePipeline.
  return graph.target.alwaysUsePipeline
    ? "First deployment of the service: this pipeline too (planner.alwaysUsePipeline)."
    : "First deployment of the service (no primary task set yet): a quick sync instead of this pipeline, as in PipeCD; set planner.alwaysUsePipeline to run the pipeline anyway.";
}

export function formatPlan(graph: ExecutionGraph, desired = graphDesiredCount(graph) ?? (graph.target.service as Record<string, any> | null)?.desiredCount): string {
  const out = [`${graph.app.name} (${graph.strategy}${graph.target.image ? `, new image ${graph.target.image}` : ""})`, "", stageTable(planStages(graph.nodes, desired))];
  if (graph.strategy === "pipeline") out.push("", firstDeploymentNote(graph));
  if (graph.rollback.length) out.push("", "On failure (rollback path):", "", stageTable(planStages(graph.rollback, desired, "R")));
  out.push("", `Deployment timeout: ${formatDuration(graph.timeoutMs)}. Digest: ${graph.digest}`);
  return out.join("\n") + "\n";
}
