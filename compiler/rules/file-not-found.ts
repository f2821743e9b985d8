import type { RuleMeta } from "./rule.ts";

export default {
  id: "file-not-found",
  severity: "error",
  phase: "resolve",
  docs: "A file the app names cannot be read: `serviceDefinitionFile`, `taskDefinitionFile`, an attachment source in `spec.attachment.sources` (all relative to the app file's folder; a leading `/` too, as in PipeCD) or the analysis template file `.pipe/analysis-template.yaml` that a metric's `template` refers to (looked for from the app's folder up to the repository root). It does not exist, or it is not a regular file (a folder, a FIFO, a device such as /dev/zero) or is larger than 1 MiB: Kanaria reads only regular files of at most 1 MiB, and says why without showing the content. PipeCD only finds out when the deployment starts. Fix the path or add the file.",
  examples: {
    valid: [
      {
        title: "task definition present",
        files: {
          "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: task\n  input:\n    taskDefinitionFile: taskdef.yaml\n    clusterArn: arn:aws:ecs:us-east-1:123456789012:cluster/demo\n    awsvpcConfiguration:\n      subnets: [subnet-1]\n",
          "taskdef.yaml": "family: web\nnetworkMode: awsvpc\nrequiresCompatibilities: [FARGATE]\ncpu: 256\nmemory: 512\ncontainerDefinitions:\n  - name: web\n    image: nginx:1\n",
        },
      },
    ],
    invalid: [
      {
        title: "task definition missing",
        files: { "app.pipecd.yaml": "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: task\n  input:\n    taskDefinitionFile: taskdef.yaml\n    clusterArn: arn:aws:ecs:us-east-1:123456789012:cluster/demo\n" },
        line: 6,
      },
    ],
  },
} satisfies RuleMeta;
