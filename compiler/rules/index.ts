// Every rule id Kanaria reports, one module each. The table test in test/compiler/rules.test.ts
// runs each rule's valid and invalid examples.
import type { LintRule, Rule } from "./rule.ts";
import { isLintRule } from "./rule.ts";
import yamlSyntax from "./yaml-syntax.ts";
import schema from "./schema.ts";
import fileNotFound from "./file-not-found.ts";
import templateSyntax from "./template-syntax.ts";
import templateUnknownVariable from "./template-unknown-variable.ts";
import templateLegacySyntax from "./template-legacy-syntax.ts";
import unknownProvider from "./unknown-provider.ts";
import trafficPercentages from "./traffic-percentages.ts";

export const RULES: readonly Rule[] = [
  yamlSyntax,
  schema,
  fileNotFound,
  templateSyntax,
  templateUnknownVariable,
  templateLegacySyntax,
  unknownProvider,
  trafficPercentages,
];

export const LINT_RULES: readonly LintRule[] = RULES.filter(isLintRule);

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
