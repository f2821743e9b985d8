// Shared by the commands that take one APP (graph, plan, deploy): compile it or explain why not.
import { compile } from "../compile.ts";
import { isError, type Diagnostic } from "../diagnostics.ts";
import { formatText } from "../format/text.ts";
import { fsReader, repositoryRoot, resolveAppArg, rootFlagError } from "./fs-reader.ts";
import { loadConfigFlag } from "./load-config.ts";
import type { Io } from "./compile-command.ts";
import type { ExecutionGraph } from "../validate/generated/types/graph.ts";
import type { RuntimeConfig } from "../runtime-config.ts";

export type CompileOneResult =
  | { ok: true; graph: ExecutionGraph; app: string; config: RuntimeConfig | null }
  | { ok: false; exitCode: 1 | 2 };

/**
 * `config`: the runtime config's path (read and checked here), or one the caller already loaded.
 * `root`: the `--root` flag (the repository root the app's files must be in), if given.
 */
export function compileOne(appArg: string | undefined, config: string | { loaded: RuntimeConfig | null; diagnostics: Diagnostic[] } | undefined, io: Io, command: string, root?: string): CompileOneResult {
  if (!appArg) {
    io.err(`kanaria ${command}: missing APP (an app.pipecd.yaml or the folder holding it)\n`);
    return { ok: false, exitCode: 2 };
  }
  const rootError = rootFlagError(root);
  if (rootError) {
    io.err(`kanaria ${command}: ${rootError}\n`);
    return { ok: false, exitCode: 2 };
  }
  const resolved = resolveAppArg(appArg);
  if ("error" in resolved) {
    io.err(`kanaria ${command}: ${resolved.error}\n`);
    return { ok: false, exitCode: 2 };
  }
  const cfg = typeof config === "object" ? { config: config.loaded, diagnostics: config.diagnostics } : loadConfigFlag(config);
  if (cfg.error) {
    io.err(`kanaria ${command}: ${cfg.error}\n`);
    return { ok: false, exitCode: 2 };
  }
  const r = compile({ appPath: resolved.app, readFile: fsReader, root: repositoryRoot(resolved.app, root), config: cfg.config });
  const diagnostics = [...cfg.diagnostics, ...r.diagnostics];
  const texts = new Map([...r.files].map(([p, f]) => [p, f.text]));
  if (diagnostics.length) io.err(formatText(diagnostics, { color: io.color, texts }) + "\n");
  if (!r.graph || diagnostics.some(isError)) {
    io.err(`kanaria ${command}: ${resolved.app} has errors; fix them first (kanaria compile ${resolved.app})\n`);
    return { ok: false, exitCode: 1 };
  }
  return { ok: true, graph: r.graph, app: resolved.app, config: cfg.config };
}
