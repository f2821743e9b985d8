import type { RuleMeta } from "./rule.ts";

export default {
  id: "yaml-syntax",
  severity: "error",
  phase: "parse",
  docs: "The file is not valid YAML (or JSON): a syntax error, a duplicate key, a tab used for indentation, or aliases that expand into a resource-exhaustion bomb. Nothing else can be checked until the file parses; fix the YAML at the reported position. Duplicate keys are errors because most YAML tools silently keep one of them.",
  examples: {
    valid: [{ title: "plain YAML", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n" } }],
    invalid: [
      { title: "duplicate key", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  name: api\n" }, line: 5 },
      { title: "tab indentation", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n\tname: web\n" }, line: 4 },
    ],
  },
} satisfies RuleMeta;
