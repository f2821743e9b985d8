import type { LintRule } from "./rule.ts";
import { TASK_SET_STAGES } from "../model.ts";
import { canaryApp } from "./fixtures.ts";

export default {
  id: "ecs-standalone-with-pipeline",
  severity: "error",
  phase: "lint",
  docs: "Without a service definition (no `input` block at all, or no `input.serviceDefinitionFile`), PipeCD treats the app as a standalone task: it can only run it with a quick sync. A pipeline with task-set stages (ECS_CANARY_ROLLOUT, ECS_PRIMARY_ROLLOUT, ECS_TRAFFIC_ROUTING, ECS_CANARY_CLEAN) is accepted by PipeCD but fails mid-deployment, because there is no service to create task sets in. Fix: add an `input` block with `serviceDefinitionFile`, `taskDefinitionFile` and `targetGroups` for a service deployment, or remove the pipeline (quick sync) for a standalone task.",
  examples: {
    valid: [
      { title: "service with a canary pipeline", files: canaryApp() },
      { title: "standalone task, quick sync", files: canaryApp("", { input: "  input:\n    taskDefinitionFile: taskdef.yaml\n    awsvpcConfiguration:\n      subnets:\n        - subnet-0123456789abcdef0\n" }) },
    ],
    invalid: [
      { title: "no input block", files: canaryApp(undefined, { input: "" }), line: 7 },
      {
        title: "task definition only",
        files: canaryApp(undefined, { input: "  input:\n    taskDefinitionFile: taskdef.yaml\n    awsvpcConfiguration:\n      subnets:\n        - subnet-0123456789abcdef0\n" }),
        line: 12,
      },
    ],
  },
  check(ctx) {
    const app = ctx.app;
    if (app.hasInput && app.input.serviceDefinitionFile) return;
    const first = app.stages.find((s) => TASK_SET_STAGES.has(s.name));
    if (!first) return;
    const names = [...new Set(app.stages.filter((s) => TASK_SET_STAGES.has(s.name)).map((s) => s.name))].join(", ");
    ctx.report({
      path: [...first.path, "name"],
      message: `The pipeline uses task-set stages (${names}) but the app has ${app.hasInput ? "no input.serviceDefinitionFile" : "no input block"}, so it is deployed as a standalone task and these stages fail mid-deployment. Add input.serviceDefinitionFile (with taskDefinitionFile and targetGroups) to deploy a service, or remove the pipeline to run a standalone task with quick sync.`,
    });
  },
} satisfies LintRule;
