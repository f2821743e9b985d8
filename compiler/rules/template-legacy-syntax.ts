import type { RuleMeta } from "./rule.ts";
import { canaryApp } from "./fixtures.ts";
import { analysisStages } from "./template-syntax.ts";

export default {
  id: "template-legacy-syntax",
  severity: "warning",
  phase: "template",
  docs: "The query uses PipeCD's Go-template form `{{ .Variant.Name }}`. Kanaria accepts and expands it, but `{{ }}` collides with the braces of Datadog tag filters and PromQL label matchers, so write `<< .Variant.Name >>` instead; the editor offers the rewrite as a quick fix.",
  examples: {
    valid: [{ title: "new syntax", files: canaryApp(analysisStages('"sum:errors{variant:<< .Variant.Name >>}"')) }],
    invalid: [{ title: "PipeCD syntax", files: canaryApp(analysisStages('"sum:errors{variant:{{ .Variant.Name }}}"')), line: 30 }],
  },
} satisfies RuleMeta;
