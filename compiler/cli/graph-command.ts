// `kanaria graph APP --format json|mermaid|svg [--out FILE]`: the execution graph, as data or as
// a picture (the SVG is the same one the status page draws, without states).
import { writeFileSync } from "node:fs";
import { formatMermaid } from "../format/mermaid.ts";
import { renderPipelineSvg } from "../format/svg.ts";
import { flagString, parseCommandArgs } from "./args.ts";
import { compileOne } from "./compile-one.ts";
import type { Io } from "./compile-command.ts";

export const GRAPH_HELP = `Usage: kanaria graph APP [--format json|mermaid|svg] [--config FILE] [--root DIR] [--out FILE]

Prints the execution graph of one app: JSON (the runtime's input), a Mermaid flowchart, or an
SVG picture of the pipeline and its rollback path (for PR comments). --out writes it to FILE.
--root DIR: the repository root the files APP names must be in (default: the Git top level
above APP, else its folder).
`;

const FORMATS = ["json", "mermaid", "svg"];

export function graphCommand(args: string[], io: Io): number {
  const parsed = parseCommandArgs("graph", GRAPH_HELP, args, { values: ["format", "config", "out", "root"], booleans: ["help", "no-color"] }, io.err);
  if (typeof parsed === "number") return parsed;
  if (parsed.flags.has("help")) return (io.out(GRAPH_HELP), 0);
  const format = flagString(parsed, "format") ?? "json";
  if (!FORMATS.includes(format)) return (io.err(`kanaria graph: unknown --format ${format} (use json, mermaid or svg)\n`), 2);
  const r = compileOne(parsed.positionals[0], flagString(parsed, "config"), io, "graph", flagString(parsed, "root"));
  if (!r.ok) return r.exitCode;
  const text = format === "mermaid" ? formatMermaid(r.graph) : format === "svg" ? renderPipelineSvg(r.graph) : JSON.stringify(r.graph, null, 2) + "\n";
  const out = flagString(parsed, "out");
  if (!out) return (io.out(text), 0);
  try {
    writeFileSync(out, text);
  } catch (e) {
    io.err(`kanaria graph: cannot write ${out}: ${(e as Error).message}\n`);
    return 2;
  }
  return 0;
}
