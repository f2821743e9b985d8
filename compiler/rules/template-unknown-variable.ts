import type { RuleMeta } from "./rule.ts";
import { canaryApp } from "./fixtures.ts";
import { analysisStages } from "./template-syntax.ts";

export default {
  id: "template-unknown-variable",
  severity: "error",
  phase: "template",
  docs: "A template expression names a variable that does not exist for a variant the query is expanded for: an unknown root (`.Varient.Name`), a label the app does not have, an arg missing from `canaryArgs`/`primaryArgs`, or `.Variant.TargetGroup` for a variant without a target group. Expansion happens at compile time, per variant, so the mistake is found here instead of as an empty query mid-canary. Variables: .App.Name, .App.Labels.<k>, .Variant.Name, .Variant.Args.<k>, .Variant.TargetGroup, .Variant.TargetGroupArn, .VariantCustomArgs.<k>, .AppCustomArgs.<k>, .Service.Name, .Service.Cluster.",
  examples: {
    valid: [{ title: "known variables", files: canaryApp(analysisStages('"sum:aws.applicationelb.httpcode_target_5xx{targetgroup:<< .Variant.TargetGroup >>,app:<< .App.Name >>}.as_count()"')) }],
    invalid: [
      { title: "misspelt root", files: canaryApp(analysisStages('"sum:errors{variant:<< .Varient.Name >>}"')), line: 30 },
      { title: "missing label", files: canaryApp(analysisStages('"sum:errors{env:<< .App.Labels.env >>}"')), line: 30 },
    ],
  },
} satisfies RuleMeta;
