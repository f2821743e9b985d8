// What every rule module exports. Rule ids are a public contract: users suppress them by id
// (`# kanaria-disable-next-line <id>`), so an id is never renamed.
import type { DataPath, SourceFile } from "../source/source-file.ts";
import type { Fix, Severity } from "../diagnostics.ts";
import type { ResolvedApp } from "../model.ts";
import type { StageStep, PipelineState } from "../pipeline/state-model.ts";
import type { RuntimeConfig } from "../runtime-config.ts";

/** Where a rule's check happens. Built-in phases report from the compiler core itself. */
export type Phase = "parse" | "schema" | "resolve" | "template" | "lint";

export interface RuleExample {
  /** Short title shown in docs and test names. */
  title: string;
  /** Files by path relative to the app; `app.pipecd.yaml` is the app unless `app` says otherwise. */
  files: Record<string, string>;
  app?: string;
  /** Optional runtime config (YAML text) to compile with. */
  config?: string;
  /** For invalid examples: the 1-based line the diagnostic must be reported on. */
  line?: number;
  /** For invalid examples: the file the diagnostic is in (default: the app file). */
  file?: string;
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  phase: Phase;
  /** One paragraph: what the rule checks, why it matters on ECS, how to fix it. */
  docs: string;
  examples: { valid: RuleExample[]; invalid: RuleExample[] };
}

export interface ReportOptions {
  /** Data path inside `file` (default: the app file). */
  path: DataPath;
  which?: "key" | "value";
  message: string;
  /** Override the rule's default severity (rare; e.g. a softer variant of the same finding). */
  severity?: Severity;
  file?: SourceFile;
  fix?: Fix;
}

export interface LintContext {
  app: ResolvedApp;
  steps: StageStep[];
  initial: PipelineState;
  final: PipelineState;
  config: RuntimeConfig | null;
  report(options: ReportOptions): void;
}

export interface LintRule extends RuleMeta {
  phase: "lint";
  /**
   * "stage": each finding rests on one stage alone (and the non-stage parts of the app), so when
   * a stage fails the schema the rule still runs on the others (see lint/broken-parts.ts).
   */
  scope?: "stage";
  check(ctx: LintContext): void;
}

export type Rule = RuleMeta | LintRule;

export const isLintRule = (r: Rule): r is LintRule => r.phase === "lint";
