import type { LintRule } from "./rule.ts";
import type { DataPath } from "../source/source-file.ts";
import { providerNames } from "../runtime-config.ts";
import { canaryApp } from "./fixtures.ts";
import { analysisStages } from "./template-syntax.ts";
import { closest } from "../text/closest.ts";

const CONFIG = `apiVersion: kanaria.dev/v1alpha1
kind: Runtime
spec:
  platformProviders:
    - name: ecs-prod
      type: ECS
      config:
        region: us-east-1
  analysisProviders:
    - name: datadog
      type: DATADOG
      config:
        apiKeyFile: /etc/kanaria/dd-api-key
        applicationKeyFile: /etc/kanaria/dd-app-key
`;

export default {
  id: "unknown-provider",
  severity: "error",
  phase: "lint",
  docs: "A provider named in the app (`spec.platformProvider`, an ANALYSIS metric's or log's `provider`) is not defined in the runtime config given with `--config`. PipeCD only notices when the stage runs, mid-deployment. Only checked when a runtime config is given; fix the name or add the provider to the runtime config's `platformProviders` / `analysisProviders`.",
  examples: {
    valid: [{ title: "provider defined", files: canaryApp(analysisStages('"sum:errors{*}"')), config: CONFIG }],
    invalid: [
      { title: "analysis provider missing", files: canaryApp(analysisStages('"sum:errors{*}"').replace("provider: datadog", "provider: datadog-prod")), config: CONFIG, line: 29 },
    ],
  },
  check(ctx) {
    if (!ctx.config) return;
    const platform = providerNames(ctx.config, "platform");
    const analysis = providerNames(ctx.config, "analysis");
    const check = (name: string | undefined, known: string[], kind: string, path: DataPath) => {
      if (!name || known.includes(name)) return;
      const guess = closest(name, known);
      ctx.report({
        path,
        message: `${kind} provider "${name}" is not defined in the runtime config.${guess ? ` Did you mean "${guess}"?` : ""} ${known.length ? `Defined: ${known.join(", ")}.` : `Add it under spec.${kind === "Platform" ? "platformProviders (or as a deploy target of the ecs plugin in spec.plugins)" : "analysisProviders (or the analysis plugin's config.analysisProviders in spec.plugins)"}.`}`,
      });
    };
    const app = ctx.app;
    check(app.platformProvider, platform, "Platform", app.source.has(["spec", "platformProvider"]) ? ["spec", "platformProvider"] : ["spec", "cloudProvider"]);
    for (const s of app.stages) {
      if (s.with.stage !== "ANALYSIS") continue;
      for (const m of s.with.metrics) check(m.provider, analysis, "Analysis", m.templateFile ? m.path : [...m.path, "provider"]);
      for (const l of s.with.logs) check(l.provider, analysis, "Analysis", l.templateFile ? l.path : [...l.path, "provider"]);
    }
  },
} satisfies LintRule;
