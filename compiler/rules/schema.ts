import type { RuleExample, RuleMeta } from "./rule.ts";

// Typed apart: examples with different files in one array widen to optional keys otherwise.
const invalid: RuleExample[] = [
  { title: "misspelt key inside with", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  pipeline:\n    stages:\n      - name: WAIT\n        with:\n          durration: 30s\n" }, line: 9 },
  { title: "invalid accessType", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  input:\n    accessType: XXX\n" }, line: 6 },
  {
    title: "an empty task definition file",
    files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: task\n  input:\n    taskDefinitionFile: taskdef.yaml\n", "taskdef.yaml": "" },
    file: "taskdef.yaml",
    line: 1,
  },
  {
    title: "a line break in an HTTP check's header value",
    files: {
      "app.pipecd.yaml":
        'apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  pipeline:\n    stages:\n      - name: ANALYSIS\n        with:\n          duration: 2m\n          https:\n            - url: http://web.internal/health\n              interval: 1m\n              headers:\n                - key: X-Env\n                  value: "prod\\r\\nX-Injected: 1"\n',
    },
    line: 15,
  },
  { title: "a NUL byte in a container name sent to AWS", files: { "app.pipecd.yaml": 'apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  input:\n    targetGroups:\n      primary:\n        targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef\n        containerName: "web\\0"\n        containerPort: 80\n' }, line: 9 },
];

export default {
  id: "schema",
  severity: "error",
  phase: "schema",
  docs: "The file does not match its JSON Schema (schema/app.schema.json, app-v1.schema.json for a PipeCD v1 app, ecs-service.schema.json or ecs-taskdef.schema.json): an unknown or misspelt key, a wrong type, an invalid enum value or duration, a file that holds no mapping at all (an empty or null service/task definition), an HTTP check header value with a line break or NUL byte (also once its variables are expanded), a header name or method that is not an HTTP token, or a name sent to AWS with a control character in it. Unlike PipeCD, unknown keys inside a stage's `with` are errors, because PipeCD silently ignores them and the setting you meant never takes effect. The message names the allowed keys or values and suggests the closest one.",
  examples: {
    valid: [{ title: "known keys", files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n  pipeline:\n    stages:\n      - name: WAIT\n        with:\n          duration: 30s\n" } }],
    invalid,
  },
} satisfies RuleMeta;
