// What of a graph may leave the process. The graph carries values the runtime needs but no
// reader should see: SCRIPT_RUN / ROLLBACK_SCRIPT_RUN `env` values and HTTP check header
// values (tokens, passwords). Every read view (API, status page) shows the graph through
// redactGraph(): names kept, values replaced. A script's own output is masked too
// (maskSecrets), since `echo $PASSWORD` would otherwise print it into the deployment log.

/** A graph node as the store (ExecutionGraph) or the executor (Graph) types it. */
type Node = { stage: string; params: object };

export const REDACTED = "***";

/** Shorter values are not masked in output: "1" or "on" would blank half the log. */
export const MIN_MASKED_LENGTH = 4;

function redactNode<N extends Node>(n: N): N {
  const p = n.params as Record<string, any>;
  if ((n.stage === "SCRIPT_RUN" || n.stage === "ROLLBACK_SCRIPT_RUN") && p.env && typeof p.env === "object") {
    return { ...n, params: { ...p, env: Object.fromEntries(Object.keys(p.env).map((k) => [k, REDACTED])) } };
  }
  if (n.stage === "ANALYSIS" && Array.isArray(p.http)) {
    const http = p.http.map((h: any) => (Array.isArray(h?.headers) ? { ...h, headers: h.headers.map((hd: any) => ({ ...hd, value: REDACTED })) } : h));
    return { ...n, params: { ...p, http } };
  }
  return n;
}

/** A copy of the graph safe to show: secret values replaced by "***", everything else as is. */
export function redactGraph<G extends { nodes: Node[]; rollback: Node[] }>(graph: G): G {
  return { ...graph, nodes: graph.nodes.map(redactNode), rollback: graph.rollback.map(redactNode) };
}

/** `text` with every occurrence of the given secret values replaced by "***". */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...secrets].filter((v) => v.length >= MIN_MASKED_LENGTH).sort((a, b) => b.length - a.length)) out = out.replaceAll(s, REDACTED);
  return out;
}
