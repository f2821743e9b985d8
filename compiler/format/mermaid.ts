// The execution graph as a Mermaid flowchart (renders in GitHub PR comments and Markdown).
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";
import { describeNode } from "./describe-node.ts";

type Node = ExecutionGraph["nodes"][number];
const safeId = (id: string) => "n_" + id.replace(/[^A-Za-z0-9_]/g, "_");
const label = (n: Node) => `${n.stage}<br/>${describeNode(n).replace(/"/g, "'")}`;

export function formatMermaid(graph: ExecutionGraph): string {
  const lines = ["flowchart LR"];
  for (const n of graph.nodes) lines.push(`  ${safeId(n.id)}["${label(n)}"]`);
  for (const n of graph.nodes) if (n.next) lines.push(`  ${safeId(n.id)} --> ${safeId(n.next)}`);
  if (graph.rollback.length) {
    lines.push("  subgraph rollback [Rollback path]");
    for (const n of graph.rollback) lines.push(`    ${safeId(n.id)}["${label(n)}"]`);
    for (const n of graph.rollback) if (n.next) lines.push(`    ${safeId(n.id)} --> ${safeId(n.next)}`);
    lines.push("  end");
    for (const n of graph.nodes) if (n.onFailure) lines.push(`  ${safeId(n.id)} -. fails .-> ${safeId(n.onFailure)}`);
    lines.push("  classDef rb fill:#fde8e8,stroke:#c0392b;");
    lines.push(`  class ${graph.rollback.map((n) => safeId(n.id)).join(",")} rb;`);
  }
  return lines.join("\n") + "\n";
}
