// `--config runtime.yaml` for the CLI commands: read, parse, validate, report.
import type { Diagnostic } from "../diagnostics.ts";
import { loadRuntimeConfig, type RuntimeConfig } from "../runtime-config.ts";
import { fsReader } from "./fs-reader.ts";
import { isUnreadable } from "../compile.ts";

export function loadConfigFlag(path: string | undefined): { config: RuntimeConfig | null; diagnostics: Diagnostic[]; text?: string; error?: string } {
  if (!path) return { config: null, diagnostics: [] };
  const text = fsReader(path);
  if (text === null) return { config: null, diagnostics: [], error: `cannot read runtime config ${path}` };
  if (isUnreadable(text)) return { config: null, diagnostics: [], error: `cannot read runtime config ${text.unreadable}` };
  return { ...loadRuntimeConfig(path, text), text };
}
