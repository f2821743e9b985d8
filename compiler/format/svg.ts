// The pipeline as a picture (SVG): main-path nodes left to right, the rollback path below, a
// dashed "on failure" bus between them. A pure function of the execution graph plus, optionally,
// each node's state, so `kanaria graph --format svg` (for PR comments) and the status page
// (runtime/server/ui/) draw exactly the same picture. Every text is escaped here.
import { describeNode } from "./describe-node.ts";
import { shortDuration } from "../resolve/duration.ts";
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";

/** A node of the execution graph. */
export type PictureNode = ExecutionGraph["nodes"][number];

export interface PictureGraph {
  app?: { name: string };
  nodes: PictureNode[];
  rollback: PictureNode[];
}

/** NOT_NEEDED: a rollback node of a deployment that ended without needing the rollback. */
export type PictureState = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED" | "NOT_NEEDED";

export interface NodeStatus {
  state: PictureState;
  /** Deployment-time ms the node ran (finished) or has been running (as of rendering). */
  elapsedMs?: number | null;
  /** Real epoch ms the node started: lets a page script tick the elapsed time of a running node. */
  startedAt?: number | null;
}

export interface SvgOptions {
  /** Node id → status; without it the picture shows the plan (no states). */
  states?: Record<string, NodeStatus>;
  /** Main-path node whose failure started the rollback: its failure edge is lit. */
  failedNode?: string | null;
  /** Deployment-time ms per real ms (for the page's live elapsed time); default 1. */
  timeScale?: number;
  /** Accessible title (default: "Pipeline of APP"). */
  title?: string;
}

const W = 204;
const H = 74;
const GAP = 40;
const PAD = 16;
const HEADER = 22;
const BUS_DROP = 30;
const ROW_GAP = 78;

const STATE_LABEL: Record<PictureState, string> = {
  PENDING: "○ pending",
  RUNNING: "▶ running",
  SUCCEEDED: "✓ succeeded",
  FAILED: "✗ failed",
  SKIPPED: "– skipped",
  NOT_NEEDED: "– not needed",
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

const STYLE = `
.kp-bg{fill:#ffffff}
.kp-h{font:600 12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#374151}
.kp-node rect{stroke-width:2;fill:#ffffff;stroke:#475569}
.kp-node.kp-rb rect{stroke:#b45309;stroke-dasharray:6 3}
.kp-stage{font:700 12px ui-monospace,"SFMono-Regular",Menlo,monospace;fill:#111827}
.kp-desc{font:12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#1f2937}
.kp-status{font:12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#374151}
.kp-edge{stroke:#475569;stroke-width:2;fill:none}
.kp-fail{stroke:#9ca3af;stroke-width:1.5;fill:none;stroke-dasharray:4 4}
.kp-fail.kp-lit{stroke:#b91c1c;stroke-width:3;stroke-dasharray:none}
.kp-fail-label{font:italic 11px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#4b5563}
.kp-fail-label.kp-lit{fill:#b91c1c;font-weight:700}
.kp-PENDING rect{fill:#f3f4f6;stroke:#6b7280}
.kp-RUNNING rect{fill:#dbeafe;stroke:#1d4ed8;stroke-width:3;animation:kp-pulse 1.2s ease-in-out infinite}
.kp-SUCCEEDED rect{fill:#dcfce7;stroke:#15803d}
.kp-FAILED rect{fill:#fee2e2;stroke:#b91c1c;stroke-width:3}
.kp-SKIPPED rect,.kp-NOT_NEEDED rect{fill:#ffffff;stroke:#9ca3af;stroke-dasharray:3 3}
.kp-SKIPPED text,.kp-NOT_NEEDED text{fill:#4b5563}
.kp-node.kp-rb.kp-SUCCEEDED rect,.kp-node.kp-rb.kp-RUNNING rect,.kp-node.kp-rb.kp-FAILED rect{stroke-dasharray:none}
@keyframes kp-pulse{50%{stroke-opacity:.3;fill:#eff6ff}}
@media (prefers-reduced-motion:reduce){.kp-RUNNING rect{animation:none}}
`;

/** The pipeline picture as a standalone SVG document fragment (`<svg>…</svg>`). */
export function renderPipelineSvg(graph: PictureGraph, o: SvgOptions = {}): string {
  const main = graph.nodes;
  const rb = graph.rollback;
  const cols = Math.max(main.length, rb.length, 1);
  const width = PAD * 2 + cols * W + (cols - 1) * GAP;
  const mainY = PAD + HEADER;
  const hasFailureEdges = rb.length > 0 && main.some((n) => n.onFailure);
  const busY = mainY + H + BUS_DROP;
  const rbY = mainY + H + ROW_GAP + HEADER;
  const height = rb.length ? rbY + H + PAD : mainY + H + PAD;
  const x = (i: number) => PAD + i * (W + GAP);
  const title = o.title ?? `Pipeline of ${graph.app?.name ?? "the app"}`;
  const states = o.states;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="kanaria-pipeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="kp-title">`,
    `<title id="kp-title">${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    `<defs><marker id="kp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#475569"/></marker></defs>`,
    `<rect class="kp-bg" x="0" y="0" width="${width}" height="${height}"/>`,
    `<text class="kp-h" x="${PAD}" y="${PAD + 12}">Pipeline</text>`,
  );

  const edges = (nodes: PictureNode[], y: number) => {
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    for (const [i, n] of nodes.entries()) {
      const j = n.next ? index.get(n.next) : undefined;
      if (j === undefined) continue;
      const x1 = x(i) + W;
      const x2 = x(j);
      if (j === i + 1) out.push(`<path class="kp-edge" d="M${x1},${y + H / 2}H${x2 - 2}" marker-end="url(#kp-arrow)"/>`);
      else out.push(`<path class="kp-edge" d="M${x(i) + W / 2},${y}V${y - 10}H${x(j) + W / 2}V${y - 2}" marker-end="url(#kp-arrow)"/>`);
    }
  };
  edges(main, mainY);

  if (hasFailureEdges) {
    const rbX = x(0) + W / 2;
    const failedIdx = o.failedNode ? main.findIndex((n) => n.id === o.failedNode) : -1;
    const drops = main.map((n, i) => ({ n, i })).filter(({ n }) => n.onFailure);
    const lastX = x(drops[drops.length - 1].i) + W / 2;
    for (const { n, i } of drops) {
      const cx = x(i) + W / 2;
      out.push(`<path class="kp-fail${i === failedIdx ? " kp-lit" : ""}" data-failure-edge="${escapeXml(n.id)}" d="M${cx},${mainY + H}V${busY}"/>`);
    }
    if (lastX > rbX) out.push(`<path class="kp-fail" d="M${rbX},${busY}H${lastX}"/>`);
    if (failedIdx >= 0) {
      const fx = x(failedIdx) + W / 2;
      if (fx > rbX) out.push(`<path class="kp-fail kp-lit" d="M${rbX},${busY}H${fx}"/>`);
    }
    out.push(`<path class="kp-fail${failedIdx >= 0 ? " kp-lit" : ""}" d="M${rbX},${busY}V${rbY - 2}" marker-end="url(#kp-arrow)"/>`);
    out.push(`<text class="kp-fail-label${failedIdx >= 0 ? " kp-lit" : ""}" x="${rbX + 8}" y="${busY - 6}">on failure${failedIdx >= 0 ? `: ${escapeXml(main[failedIdx].id)} failed` : ""}</text>`);
  }

  if (rb.length) {
    out.push(`<text class="kp-h" x="${hasFailureEdges ? x(0) + W / 2 + 10 : PAD}" y="${rbY - 8}">Rollback path</text>`);
    edges(rb, rbY);
  }

  const node = (n: PictureNode, i: number, y: number, path: "main" | "rollback") => {
    const st = states?.[n.id];
    const desc = describeNode(n);
    const timeout = shortDuration(n.timeoutMs);
    const cls = ["kp-node", path === "rollback" ? "kp-rb" : "", st ? `kp-${st.state}` : ""].filter(Boolean).join(" ");
    let status: string;
    let live = "";
    if (!st) status = `timeout ${timeout}`;
    else {
      const elapsed = st.elapsedMs !== null && st.elapsedMs !== undefined && st.state !== "PENDING" && st.state !== "SKIPPED" && st.state !== "NOT_NEEDED" ? shortDuration(st.elapsedMs) : null;
      status = `${STATE_LABEL[st.state]}${elapsed ? ` · ${elapsed}` : ""} / ${timeout}`;
      if (st.state === "RUNNING" && st.startedAt) {
        live = ` data-started-at="${st.startedAt}" data-time-scale="${o.timeScale ?? 1}" data-prefix="${escapeXml(`${STATE_LABEL.RUNNING} · `)}" data-suffix="${escapeXml(` / ${timeout}`)}"`;
      }
    }
    const tip = [`${n.id} (${n.stage})`, desc, st ? STATE_LABEL[st.state].slice(2) : null, `timeout ${timeout}`].filter(Boolean).join(" — ");
    const tx = x(i) + 10;
    out.push(
      `<g class="${cls}" data-node-id="${escapeXml(n.id)}" data-path="${path}"${st ? ` data-state="${st.state}"` : ""}>`,
      `<title>${escapeXml(tip)}</title>`,
      `<rect x="${x(i)}" y="${y}" width="${W}" height="${H}" rx="8"/>`,
      `<text class="kp-stage" x="${tx}" y="${y + 19}">${escapeXml(clip(n.stage, 24))}</text>`,
      `<text class="kp-desc" x="${tx}" y="${y + 39}">${escapeXml(clip(desc, 29))}</text>`,
      `<text class="kp-status" x="${tx}" y="${y + 61}"${live}>${escapeXml(status)}</text>`,
      "</g>",
    );
  };
  for (const [i, n] of main.entries()) node(n, i, mainY, "main");
  for (const [i, n] of rb.entries()) node(n, i, rbY, "rollback");
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
