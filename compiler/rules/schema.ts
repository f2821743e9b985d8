import type { RuleMeta } from "./rule.ts";

export default {
  id: "schema",
  severity: "error",
  phase: "schema",
  docs: "The file does not match its JSON Schema (schema/app.schema.json, ecs-service.schema.json or ecs-taskdef.schema.json): an unknown or misspelt key, a wrong type, an invalid enum value or duration. Unlike PipeCD, unknown keys inside a stage's `with` are errors, because PipeCD silently ignores them and the setting you meant never takes effect. The message names the allowed keys or values and suggests the closest one.",
  examples: {
    valid: [{ title: "known keys", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  pipeline:\n    stages:\n      - name: WAIT\n        with:\n          duration: 30s\n" } }],
    invalid: [
      { title: "misspelt key inside with", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  pipeline:\n    stages:\n      - name: WAIT\n        with:\n          durration: 30s\n" }, line: 9 },
      { title: "invalid accessType", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  input:\n    accessType: XXX\n" }, line: 6 },
    ],
  },
} satisfies RuleMeta;
