import type { RuleMeta } from "./rule.ts";
import { secretsApp } from "./fixtures.ts";

const app = (ref: string) =>
  `apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: task\n  input:\n    taskDefinitionFile: ${ref}\n    clusterArn: arn:aws:ecs:us-east-1:123456789012:cluster/demo\n    awsvpcConfiguration:\n      subnets: [subnet-1]\n`;
const taskdef = "family: web\nnetworkMode: awsvpc\nrequiresCompatibilities: [FARGATE]\ncpu: 256\nmemory: 512\ncontainerDefinitions:\n  - name: web\n    image: nginx:1\n";

export default {
  id: "file-outside-repository",
  severity: "error",
  phase: "resolve",
  docs: "`serviceDefinitionFile`, `taskDefinitionFile` or an attachment source (`spec.attachment.sources`) names a file outside the app's repository: the path climbs out with `..`, or a symbolic link inside the repository points outside it. Kanaria does not read such a file (so a careless or hostile `../../home/.docker/config.json` never ends up in its output, a PR annotation or the graph). The repository root is `--root DIR` when given, else the Git top level above the app file (a folder holding `.git`, which in a worktree is a file), else the app's own folder. A leading `/` is relative to the app's folder, as in PipeCD. Move the file into the repository, or give the right root with `--root`.",
  examples: {
    valid: [
      { title: "a file in the app's folder", files: { "app.pipecd.yaml": app("taskdef.yaml"), "taskdef.yaml": taskdef } },
      { title: "a leading / is the app's folder, as in PipeCD", files: { "app.pipecd.yaml": app("/taskdef.yaml"), "taskdef.yaml": taskdef } },
    ],
    invalid: [
      { title: "a path that climbs out of the repository", files: { "app.pipecd.yaml": app("../../../../home/.docker/config.json") }, line: 6 },
      { title: "an attachment source outside the repository", files: secretsApp({ attachment: "    sources:\n      creds: ../../.aws/credentials\n    targets: []\n" }), line: 35 },
    ],
  },
} satisfies RuleMeta;
