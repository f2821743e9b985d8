// The runtime config (`--config runtime.yaml`, kind: Runtime). The compiler reads it only to
// check provider names; the runtime reads it whole. Shaped like PipeCD's piped config: v0's
// platformProviders / analysisProviders, and v1's plugins (the ecs plugin's deployTargets, the
// analysis plugin's config.analysisProviders), which mean the same providers.
import type { Diagnostic } from "./diagnostics.ts";
import { parseSource, type DataPath, type SourceFile } from "./source/source-file.ts";
import { stripAbsent } from "./resolve/strip.ts";
import { validate } from "./validate/validators.ts";
import type { AnalysisProvider, PlatformProviderECSConfig, RuntimeFile } from "./validate/generated/types/runtime.ts";

export type RuntimeConfig = RuntimeFile & { source?: SourceFile };

export interface LoadedRuntimeConfig {
  config: RuntimeConfig | null;
  diagnostics: Diagnostic[];
}

/** An ECS platform from either shape, with where it is written. */
export interface PlatformEntry {
  name: string;
  config: PlatformProviderECSConfig;
  path: DataPath;
}

export interface AnalysisEntry {
  provider: AnalysisProvider;
  path: DataPath;
}

/** spec.platformProviders, then the ecs plugin's deploy targets (PipeCD v1). */
export function platformEntries(config: RuntimeFile): PlatformEntry[] {
  const spec = config.spec ?? {};
  const out: PlatformEntry[] = (spec.platformProviders ?? []).map((p, i) => ({ name: p.name, config: p.config, path: ["spec", "platformProviders", i] }));
  (spec.plugins ?? []).forEach((plugin, i) => {
    if (plugin.name !== "ecs") return;
    (plugin.deployTargets ?? []).forEach((t, j) => {
      out.push({ name: t.name, config: t.config, path: ["spec", "plugins", i, "deployTargets", j] });
    });
  });
  return out;
}

/** spec.analysisProviders, then the analysis plugin's providers (PipeCD v1). */
export function analysisEntries(config: RuntimeFile): AnalysisEntry[] {
  const spec = config.spec ?? {};
  const out: AnalysisEntry[] = (spec.analysisProviders ?? []).map((provider, i) => ({ provider, path: ["spec", "analysisProviders", i] }));
  (spec.plugins ?? []).forEach((plugin, i) => {
    if (plugin.name !== "analysis") return;
    (plugin.config?.analysisProviders ?? []).forEach((provider, j) => {
      out.push({ provider, path: ["spec", "plugins", i, "config", "analysisProviders", j] });
    });
  });
  return out;
}

/** A name given twice would make an app's choice ambiguous (both shapes count). */
function duplicateNames(source: SourceFile, entries: { name: string; path: DataPath }[], what: string): Diagnostic[] {
  const first = new Map<string, DataPath>();
  const out: Diagnostic[] = [];
  for (const e of entries) {
    const seen = first.get(e.name);
    if (!seen) {
      first.set(e.name, e.path);
      continue;
    }
    out.push({
      file: source.path,
      ...source.rangeOf([...e.path, "name"]),
      severity: "error",
      code: "schema",
      message: `The ${what} name "${e.name}" is already used at line ${source.rangeOf([...seen, "name"]).line}. Give each one its own name: apps select ${what === "platform" ? "a platform by spec.platformProvider / spec.deployTarget" : "an analysis provider by a metric's provider"}.`,
    });
  }
  return out;
}

/** Two watched repositories with one repoId: the API and the store could not tell them apart. */
function duplicateRepoIds(source: SourceFile, file: RuntimeFile): Diagnostic[] {
  const first = new Map<string, number>();
  const out: Diagnostic[] = [];
  (file.spec?.repositories ?? []).forEach((r, i) => {
    const seen = first.get(r.repoId);
    if (seen === undefined) {
      first.set(r.repoId, i);
      return;
    }
    out.push({
      file: source.path,
      ...source.rangeOf(["spec", "repositories", i, "repoId"]),
      severity: "error",
      code: "schema",
      message: `The repoId "${r.repoId}" is already used at line ${source.rangeOf(["spec", "repositories", seen, "repoId"]).line}. Give each watched repository its own repoId.`,
    });
  });
  return out;
}

export function loadRuntimeConfig(path: string, text: string): LoadedRuntimeConfig {
  const source = parseSource(path, text);
  if (source.diagnostics.some((d) => d.severity === "error")) return { config: null, diagnostics: source.diagnostics };
  const value = stripAbsent(source.value, false);
  const diagnostics = [...source.diagnostics, ...validate("runtime", source, value)];
  if (diagnostics.some((d) => d.severity === "error")) return { config: null, diagnostics };
  const file = value as RuntimeFile;
  diagnostics.push(
    ...duplicateNames(source, platformEntries(file), "platform"),
    ...duplicateNames(source, analysisEntries(file).map((a) => ({ name: a.provider.name, path: a.path })), "analysis provider"),
    ...duplicateRepoIds(source, file),
  );
  if (diagnostics.some((d) => d.severity === "error")) return { config: null, diagnostics };
  return { config: { ...file, source }, diagnostics };
}

export function providerNames(config: RuntimeConfig, kind: "platform" | "analysis"): string[] {
  return kind === "platform" ? platformEntries(config).map((p) => p.name) : analysisEntries(config).map((a) => a.provider.name);
}
