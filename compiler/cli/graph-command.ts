// `kanaria graph APP --format json|mermaid`: the execution graph, as data or as a picture.
import { formatMermaid } from "../format/mermaid.ts";
import { flagString, parseCommandArgs } from "./args.ts";
import { compileOne } from "./compile-one.ts";
import type { Io } from "./compile-command.ts";

export const GRAPH_HELP = `Usage: kanaria graph APP [--format json|mermaid] [--config FILE]

Prints the execution graph of one app: JSON (the runtime's input) or a Mermaid flowchart.
`;

export function graphCommand(args: string[], io: Io): number {
  const parsed = parseCommandArgs("graph", GRAPH_HELP, args, { values: ["format", "config"], booleans: ["help", "no-color"] }, io.err);
  if (typeof parsed === "number") return parsed;
  if (parsed.flags.has("help")) return (io.out(GRAPH_HELP), 0);
  const format = flagString(parsed, "format") ?? "json";
  if (!["json", "mermaid"].includes(format)) return (io.err(`kanaria graph: unknown --format ${format} (use json or mermaid)\n`), 2);
  const r = compileOne(parsed.positionals[0], flagString(parsed, "config"), io, "graph");
  if (!r.ok) return r.exitCode;
  io.out(format === "mermaid" ? formatMermaid(r.graph) : JSON.stringify(r.graph, null, 2) + "\n");
  return 0;
}
