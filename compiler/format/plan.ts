// `kanaria plan`: what will happen, step by step, before it happens.
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";
import { describeNode } from "./describe-node.ts";
import { formatDuration } from "../resolve/duration.ts";

type Node = ExecutionGraph["nodes"][number];
type TaskSet = Node["expect"]["taskSets"]["primary"];

function tasks(set: TaskSet, desired: number | undefined): string {
  if (!set) return "-";
  const count = desired === undefined ? "" : ` ${Math.ceil((desired * set.scale) / 100)} task${Math.ceil((desired * set.scale) / 100) === 1 ? "" : "s"}`;
  return `${set.version}${count}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r, ri) => {
    const line = r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return ri === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
  }).join("\n");
}

export function formatPlan(graph: ExecutionGraph): string {
  const desired = (graph.target.service as Record<string, any> | null)?.desiredCount as number | undefined;
  const header = ["#", "stage", "what happens", "primary", "canary", "traffic p/c", "timeout"];
  const row = (n: Node, i: string) => [
    i,
    n.stage,
    describeNode(n),
    tasks(n.expect.taskSets.primary, desired),
    tasks(n.expect.taskSets.canary, desired),
    `${n.expect.traffic.primary}/${n.expect.traffic.canary}`,
    formatDuration(n.timeoutMs),
  ];
  const out = [
    `${graph.app.name} (${graph.strategy}${graph.target.image ? `, new image ${graph.target.image}` : ""})`,
    "",
    table([header, ...graph.nodes.map((n, i) => row(n, String(i + 1)))]),
  ];
  if (graph.strategy === "pipeline") {
    // PipeCD's planner: a first deployment is a quick sync unless planner.alwaysUsePipeline.
    out.push(
      "",
      graph.target.alwaysUsePipeline
        ? "First deployment of the service: this pipeline too (planner.alwaysUsePipeline)."
        : "First deployment of the service (no primary task set yet): a quick sync instead of this pipeline, as in PipeCD; set planner.alwaysUsePipeline to run the pipeline anyway.",
    );
  }
  if (graph.rollback.length) {
    out.push("", "On failure (rollback path):", "", table([header, ...graph.rollback.map((n, i) => row(n, `R${i + 1}`))]));
  }
  out.push("", `Deployment timeout: ${formatDuration(graph.timeoutMs)}. Digest: ${graph.digest}`);
  return out.join("\n") + "\n";
}
