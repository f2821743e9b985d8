import type { RuleMeta } from "./rule.ts";
import { canaryApp } from "./fixtures.ts";

const analysis = (query: string) => `      - name: ECS_CANARY_ROLLOUT
        with:
          scale: 30
      - name: ECS_TRAFFIC_ROUTING
        with:
          canary: 20
      - name: ANALYSIS
        with:
          duration: 10m
          metrics:
            - provider: datadog
              query: ${query}
              interval: 1m
              expected:
                max: 0.01
      - name: ECS_PRIMARY_ROLLOUT
      - name: ECS_TRAFFIC_ROUTING
        with:
          primary: 100
      - name: ECS_CANARY_CLEAN
`;

export { analysis as analysisStages };

export default {
  id: "template-syntax",
  severity: "error",
  phase: "template",
  docs: "A templated analysis field (metric `query`, http `url` or header value, log `query`) has a malformed expression: `<<` without `>>`, or something other than a variable path between them. Kanaria templates are `<< .Path.To.Value >>` (so they never collide with the braces of Datadog or PromQL queries); only variable paths are allowed, no helpers or logic.",
  examples: {
    valid: [{ title: "a variable path", files: canaryApp(analysis('"sum:trace.http.request.errors{service:web,variant:<< .Variant.Name >>}.as_count()"')) }],
    invalid: [
      { title: "unclosed expression", files: canaryApp(analysis('"sum:errors{variant:<< .Variant.Name}"')), line: 30 },
      { title: "not a path", files: canaryApp(analysis('"sum:errors{variant:<< Variant.Name | upper >>}"')), line: 30 },
    ],
  },
} satisfies RuleMeta;
