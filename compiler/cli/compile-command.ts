// `kanaria compile [PATH...]`: check apps, print diagnostics, optionally write the graph.
import { writeFileSync } from "node:fs";
import { compile } from "../compile.ts";
import { isError, sortDiagnostics, type Diagnostic } from "../diagnostics.ts";
import { formatText, summaryLine } from "../format/text.ts";
import { formatGithub } from "../format/github.ts";
import { formatSarif } from "../format/sarif.ts";
import { findApps, fsReader, repositoryRoot, rootFlagError } from "./fs-reader.ts";
import { flagString, parseCommandArgs } from "./args.ts";
import { loadConfigFlag } from "./load-config.ts";
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";

export const COMPILE_HELP = `Usage: kanaria compile [PATH...] [options]

Checks app.pipecd.yaml files (and the servicedef/taskdef they name) and builds their
execution graphs. PATH may be files or folders (searched for *.pipecd.yaml); default ".".

Options:
  --format text|json|sarif|github   output format (default text)
  --config FILE                     runtime config; enables provider-name checks
  --out FILE                        write the graph JSON (exactly one app)
  --root DIR                        repository root: files the apps name must be inside it
                                    (default: the Git top level above each app, else its folder)
  --strict                          treat warnings as errors
  --no-color                        plain text output

Exit status: 0 no errors, 1 errors found, 2 usage or I/O problem.
`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
}

export function compileCommand(args: string[], io: Io): number {
  const parsed = parseCommandArgs("compile", COMPILE_HELP, args, { values: ["format", "config", "out", "root"], booleans: ["strict", "no-color", "help"] }, io.err);
  if (typeof parsed === "number") return parsed;
  if (parsed.flags.has("help")) {
    io.out(COMPILE_HELP);
    return 0;
  }
  const format = flagString(parsed, "format") ?? "text";
  if (!["text", "json", "sarif", "github"].includes(format)) {
    io.err(`kanaria compile: unknown --format ${format} (use text, json, sarif or github)\n`);
    return 2;
  }
  const strict = parsed.flags.has("strict");
  const out = flagString(parsed, "out");
  const root = flagString(parsed, "root");
  const rootError = rootFlagError(root);
  if (rootError) {
    io.err(`kanaria compile: ${rootError}\n`);
    return 2;
  }
  const cfg = loadConfigFlag(flagString(parsed, "config"));
  if (cfg.error) {
    io.err(`kanaria compile: ${cfg.error}\n`);
    return 2;
  }
  const { apps, missing } = findApps(parsed.positionals.length ? parsed.positionals : ["."]);
  if (missing.length) {
    io.err(`kanaria compile: ${missing.map((m) => `${m}: no such file or folder`).join("; ")}\n`);
    return 2;
  }
  if (out && apps.length !== 1) {
    io.err(`kanaria compile: --out needs exactly one app; found ${apps.length}\n`);
    return 2;
  }

  let diagnostics: Diagnostic[] = [...cfg.diagnostics];
  const texts = new Map<string, string>();
  if (cfg.text !== undefined) texts.set(flagString(parsed, "config")!, cfg.text);
  const results: { file: string; graph: ExecutionGraph | null }[] = [];
  for (const app of apps) {
    const r = compile({ appPath: app, readFile: fsReader, root: repositoryRoot(app, root), config: cfg.config });
    for (const [p, f] of r.files) texts.set(p, f.text);
    diagnostics.push(...r.diagnostics);
    results.push({ file: app, graph: r.graph });
  }
  if (strict) diagnostics = diagnostics.map((d) => (d.severity === "warning" ? { ...d, severity: "error" } : d));
  diagnostics = sortDiagnostics(diagnostics);
  const failed = diagnostics.some(isError);
  if (strict && failed) for (const r of results) r.graph = null;

  if (format === "json") io.out(JSON.stringify({ diagnostics, apps: results }, null, 2) + "\n");
  else if (format === "sarif") io.out(formatSarif(diagnostics) + "\n");
  else if (format === "github") {
    if (diagnostics.length) io.out(formatGithub(diagnostics) + "\n");
    io.out(summaryLine(diagnostics, apps.length) + "\n");
  } else {
    if (diagnostics.length) io.out(formatText(diagnostics, { color: io.color, texts }) + "\n\n");
    io.out(summaryLine(diagnostics, apps.length) + "\n");
  }
  if (out) {
    const graph = results[0].graph;
    if (!graph) {
      io.err(`kanaria compile: not writing ${out}: the app has errors\n`);
    } else {
      try {
        writeFileSync(out, JSON.stringify(graph, null, 2) + "\n");
      } catch (e) {
        io.err(`kanaria compile: cannot write ${out}: ${(e as Error).message}\n`);
        return 2;
      }
    }
  }
  return failed ? 1 : 0;
}
