// The graph digest identifies *what* a deployment does, not where it was written: source
// positions are left out, so a comment-only edit still counts as the same deployment.
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.ts";
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";

export function graphDigest(graph: Omit<ExecutionGraph, "digest"> & { digest?: string }): string {
  const { digest: _d, source: _s, ...rest } = graph;
  const content = {
    ...rest,
    nodes: rest.nodes.map(({ source: _src, ...n }) => n),
    rollback: rest.rollback.map(({ source: _src, ...n }) => n),
  };
  return "sha256:" + createHash("sha256").update(canonicalJson(content)).digest("hex");
}
