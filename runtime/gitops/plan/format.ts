// A plan preview as text (a terminal), Markdown (a pull-request comment: a summary line, the
// field changes in collapsible `diff` blocks, the stages as a table, the rollback path folded)
// or JSON (the PlanPreview itself). Pure.
import { formatDuration } from "../../../compiler/resolve/duration.ts";
import { STAGE_HEADER, stageCells, stageTable, type PlanStage } from "../../../compiler/format/plan.ts";
import type { Change, PlanPreview } from "./preview.ts";

export type PreviewFormat = "text" | "markdown" | "json";

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** A value on one line: strings as they are, everything else as JSON; absent as "(not set)". */
function show(v: unknown): string {
  if (v === null || v === undefined) return "(not set)";
  return typeof v === "string" ? v : JSON.stringify(v);
}

const mark = (c: Change) => (c.from === null ? "+" : c.to === null ? "-" : "~");

function againstText(p: PlanPreview, code: (s: string) => string): string {
  const a = p.against;
  if (!a) return "";
  if (a.kind === "live") return `the live service ${code(`${a.cluster.slice(a.cluster.lastIndexOf("/") + 1)}/${a.service}`)} (platform provider ${code(a.provider)})`;
  return `${code(a.ref)} (${code(a.commit.slice(0, 12))})`;
}

function summary(p: PlanPreview, code: (s: string) => string, strong: (s: string) => string): string {
  const n = p.changes.service.length + p.changes.taskDefinition.length;
  const against = againstText(p, code);
  switch (p.status) {
    case "changes":
      return `${strong(plural(n, "change"))} against ${against}.`;
    case "no-changes":
      return `${strong("No changes")} against ${against}: the deployment would register the same task definition and leave the service as it is.`;
    case "new-service":
      return `${strong("New service")}: ${against} does not exist yet.`;
    case "new-app":
      return `${strong("New app")}: not in ${against}.`;
    case "unavailable":
      return `${strong("Not compared")} with ${against}.`;
    default:
      return "";
  }
}

const strategyLine = (p: PlanPreview, code: (s: string) => string) =>
  `Strategy: ${p.strategy}${p.image ? `, new image ${code(p.image)}` : ""}${p.desiredCount !== null ? `, ${plural(p.desiredCount, "task")} at 100%` : ""}. Timeout ${formatDuration(p.timeoutMs)}.`;

function text(p: PlanPreview): string {
  const out: string[] = [];
  const head = summary(p, (s) => s, (s) => s);
  out.push(`${p.app.name}${head ? `: ${head}` : ""}`, strategyLine(p, (s) => s));
  for (const note of p.notes) out.push(`Note: ${note}`);
  for (const [title, list] of [["Task definition", p.changes.taskDefinition], ["Service", p.changes.service]] as const) {
    if (!list.length) continue;
    out.push("", `${title} (${plural(list.length, "change")}):`);
    for (const c of list) out.push(`  ${mark(c)} ${c.path}: ${show(c.from)} → ${show(c.to)}`);
  }
  out.push("", stageTable(p.stages));
  if (p.rollback.length) out.push("", "On failure (rollback path):", "", stageTable(p.rollback));
  return out.join("\n") + "\n";
}

/** A fenced block's content cannot close the fence early. */
const fenceSafe = (s: string) => s.replaceAll("```", "`\u200b``");
const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

function diffBlock(list: Change[]): string {
  const lines: string[] = [];
  for (const c of list) {
    lines.push(`# ${c.path}`);
    if (c.from !== null) lines.push(`- ${show(c.from)}`);
    if (c.to !== null) lines.push(`+ ${show(c.to)}`);
  }
  return ["```diff", ...lines.map(fenceSafe), "```"].join("\n");
}

const mdTable = (rows: PlanStage[]) =>
  [
    `| ${STAGE_HEADER.map(cell).join(" | ")} |`,
    `|${STAGE_HEADER.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${stageCells(r).map(cell).join(" | ")} |`),
  ].join("\n");

function markdown(p: PlanPreview): string {
  const code = (s: string) => `\`${s.replaceAll("`", "'")}\``;
  const out: string[] = [
    // Lets a workflow find and update its earlier comment for this app.
    `<!-- kanaria-plan: ${p.app.name.replaceAll("--", "-")} -->`,
    `### Kanaria plan: ${code(p.app.name)}`,
    "",
  ];
  const head = summary(p, code, (s) => `**${s}**`);
  if (head) out.push(head, "");
  out.push(strategyLine(p, code), "");
  for (const note of p.notes) out.push(`> ${note}`, "");
  for (const [title, list] of [["Task definition", p.changes.taskDefinition], ["Service", p.changes.service]] as const) {
    if (!list.length) continue;
    out.push(`<details><summary>${title}: ${plural(list.length, "change")}</summary>`, "", diffBlock(list), "", "</details>", "");
  }
  out.push(mdTable(p.stages), "");
  if (p.rollback.length) out.push("<details><summary>On failure: the rollback path</summary>", "", mdTable(p.rollback), "", "</details>", "");
  return out.join("\n");
}

export function formatPreview(p: PlanPreview, format: PreviewFormat): string {
  if (format === "json") return `${JSON.stringify(p, null, 2)}\n`;
  return format === "markdown" ? markdown(p) : text(p);
}
