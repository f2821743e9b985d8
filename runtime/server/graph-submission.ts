// Everything POST /api/deployments checks about a submitted graph, in one function, cheapest
// and most basic first: nesting depth on the raw text (before any recursive code sees it),
// JSON, the graph schema, structure (runtime/executor/graph-structure.ts), then the digest,
// recomputed with the compiler's own function so a graph edited after compiling is refused.
// Every answer names the JSON Pointer of what is wrong.
import { graphDigest } from "../../compiler/graph/digest.ts";
import { validateValue } from "../../compiler/validate/validators.ts";
import { checkGraphStructure } from "../executor/graph-structure.ts";
import type { Graph } from "../executor/graph.ts";
import { nestingBeyond } from "./json-depth.ts";

/** Real graphs nest about 8 levels (task definitions a few more); this leaves ample room. */
export const MAX_GRAPH_DEPTH = 64;

export interface SubmissionProblem {
  status: 400 | 422;
  error: string;
  message: string;
  /** JSON Pointer ("" is the whole body). */
  path: string;
  details?: string[];
}

export type SubmissionCheck = { ok: true; graph: Graph } | ({ ok: false } & SubmissionProblem);

const RECOMPILE = "Recompile the app with `kanaria compile --out graph.json` (or submit with `kanaria deploy --server`).";

export function checkSubmittedGraph(text: string): SubmissionCheck {
  const deep = nestingBeyond(text, MAX_GRAPH_DEPTH);
  if (deep !== null) {
    return { ok: false, status: 422, error: "too_deep", path: deep, message: `The body nests objects/arrays deeper than ${MAX_GRAPH_DEPTH} levels at ${deep}; no execution graph does. ${RECOMPILE}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { ok: false, status: 400, error: "invalid_json", path: "", message: `The body must be a compiled execution graph as JSON (the output of \`kanaria compile --out\`): ${(e as Error).message}.` };
  }
  const v = validateValue("graph", body);
  if (!v.ok) {
    const first = v.issues[0];
    return {
      ok: false,
      status: 422,
      error: "invalid_graph",
      path: first?.path ?? "",
      message: `The body is not a valid execution graph: ${v.errors.slice(0, 5).join("; ")}. ${RECOMPILE}`,
      details: v.errors,
    };
  }
  const graph = body as Graph;
  const problems = checkGraphStructure(graph);
  if (problems.length) {
    return {
      ok: false,
      status: 422,
      error: "invalid_graph_structure",
      path: problems[0].path,
      message: `${problems[0].path}: ${problems[0].message}`,
      details: problems.map((p) => `${p.path}: ${p.message}`),
    };
  }
  const digest = graphDigest(graph);
  if (digest !== graph.digest) {
    return {
      ok: false,
      status: 422,
      error: "digest_mismatch",
      path: "/digest",
      message: `The digest ${graph.digest} does not match the graph's content (${digest}): the graph was changed after it was compiled. ${RECOMPILE}`,
    };
  }
  return { ok: true, graph };
}
