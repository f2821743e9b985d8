// The runtime config (`--config runtime.yaml`, kind: Runtime). The compiler reads it only to
// check provider names; the runtime reads it whole. Shaped like PipeCD's piped config.
import type { Diagnostic } from "./diagnostics.ts";
import { parseSource, type SourceFile } from "./source/source-file.ts";
import { stripAbsent } from "./resolve/strip.ts";
import { validate } from "./validate/validators.ts";
import type { RuntimeFile } from "./validate/generated/types/runtime.ts";

export type RuntimeConfig = RuntimeFile & { source?: SourceFile };

export interface LoadedRuntimeConfig {
  config: RuntimeConfig | null;
  diagnostics: Diagnostic[];
}

export function loadRuntimeConfig(path: string, text: string): LoadedRuntimeConfig {
  const source = parseSource(path, text);
  if (source.diagnostics.some((d) => d.severity === "error")) return { config: null, diagnostics: source.diagnostics };
  const value = stripAbsent(source.value, false);
  const diagnostics = [...source.diagnostics, ...validate("runtime", source, value)];
  if (diagnostics.some((d) => d.severity === "error")) return { config: null, diagnostics };
  return { config: { ...(value as RuntimeFile), source }, diagnostics };
}

export function providerNames(config: RuntimeConfig, kind: "platform" | "analysis"): string[] {
  const list = kind === "platform" ? config.spec?.platformProviders : config.spec?.analysisProviders;
  return (list ?? []).map((p: { name: string }) => p.name);
}
