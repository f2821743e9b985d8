// Structural checks of an execution graph that JSON Schema cannot express: node ids are unique,
// every `entry` / `next` / `onFailure` names a node of the right path, and no `next` chain loops.
// The executor walks `next` until it is null, so a cycle would run until the deployment timeout
// and a dangling reference would fail mid-deployment; the store keys nodes by id, so a duplicate
// cannot even be stored. Pure: the API calls it on every submission, the runtime before it
// queues a graph.
import type { Graph, GraphNode } from "./graph.ts";

export interface GraphProblem {
  /** JSON Pointer into the graph, e.g. /nodes/3/next. */
  path: string;
  message: string;
}

type PathName = "nodes" | "rollback";

export function checkGraphStructure(graph: Pick<Graph, "entry" | "nodes" | "rollback">): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const where = new Map<string, { path: PathName; index: number }>();
  const paths: [PathName, GraphNode[]][] = [
    ["nodes", graph.nodes],
    ["rollback", graph.rollback],
  ];
  for (const [path, nodes] of paths) {
    nodes.forEach((n, index) => {
      const first = where.get(n.id);
      if (first) problems.push({ path: `/${path}/${index}/id`, message: `Node id "${n.id}" is used twice (also /${first.path}/${first.index}/id); every node needs its own id.` });
      else where.set(n.id, { path, index });
    });
  }
  const names = (path: PathName) => {
    const ids = (path === "nodes" ? graph.nodes : graph.rollback).map((n) => n.id);
    return ids.length ? ids.map((id) => `"${id}"`).join(", ") : "none";
  };
  const refersTo = (pointer: string, id: string | null, path: PathName, what: string) => {
    if (id === null || where.get(id)?.path === path) return;
    const elsewhere = where.has(id) ? ` ("${id}" is on the ${where.get(id)!.path === "nodes" ? "main" : "rollback"} path)` : "";
    problems.push({ path: pointer, message: `${what} "${id}" is not a node of the ${path === "nodes" ? "main" : "rollback"} path${elsewhere}; it must be one of: ${names(path)}.` });
  };

  refersTo("/entry", graph.entry, "nodes", "entry");
  graph.nodes.forEach((n, i) => {
    refersTo(`/nodes/${i}/next`, n.next, "nodes", "next");
    refersTo(`/nodes/${i}/onFailure`, n.onFailure, "rollback", "onFailure");
  });
  graph.rollback.forEach((n, i) => {
    refersTo(`/rollback/${i}/next`, n.next, "rollback", "next");
    if (n.onFailure !== null) problems.push({ path: `/rollback/${i}/onFailure`, message: `A rollback node cannot have an onFailure ("${n.onFailure}"): a failing rollback stops the deployment. Set it to null.` });
  });
  if (problems.length) return problems;

  // Every node has at most one `next`, so each chain either ends (null) or runs into a loop.
  // A chain is followed once: nodes already known to end are not walked again (linear time).
  const byId = new Map([...graph.nodes, ...graph.rollback].map((n) => [n.id, n]));
  const ends = new Set<string>();
  for (const [path, nodes] of paths) {
    for (const start of nodes) {
      const seen = new Set<string>();
      let n: GraphNode | undefined = start;
      while (n && !ends.has(n.id)) {
        if (seen.has(n.id)) {
          const { index } = where.get(n.id)!;
          const loop = [...seen].slice([...seen].indexOf(n.id));
          const closer = loop.at(-1)!;
          const c = where.get(closer)!;
          problems.push({ path: `/${c.path}/${c.index}/next`, message: `The ${path === "nodes" ? "main" : "rollback"} path loops: ${[...loop, n.id].join(" → ")}. "next" of "${closer}" goes back to /${path}/${index}; the last node of a path has next: null.` });
          break;
        }
        seen.add(n.id);
        n = n.next === null ? undefined : byId.get(n.next);
      }
      if (problems.length) return problems;
      for (const id of seen) ends.add(id);
    }
  }
  return problems;
}
