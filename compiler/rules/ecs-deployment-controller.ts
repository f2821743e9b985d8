import type { LintRule } from "./rule.ts";
import { canaryApp, SERVICEDEF } from "./fixtures.ts";
import { asObject, firstKeyPath, fix, replaceValue } from "./helpers.ts";

export default {
  id: "ecs-deployment-controller",
  severity: "error",
  phase: "lint",
  docs: "Kanaria (like PipeCD) deploys an ECS service through task sets: CreateTaskSet for the canary and the new primary, UpdateServicePrimaryTaskSet, DeleteTaskSet. ECS only allows task sets on services whose `deploymentController.type` is EXTERNAL; with ECS (rolling update, the default) or CODE_DEPLOY every task-set call fails mid-deployment. The deployment controller cannot be changed on an existing service, so a service created without it must be recreated. Fix: set `deploymentController: {type: EXTERNAL}` in the service definition.",
  examples: {
    valid: [{ title: "EXTERNAL controller", files: canaryApp() }],
    invalid: [
      { title: "rolling-update controller", files: canaryApp(undefined, { servicedef: SERVICEDEF.replace("type: EXTERNAL", "type: ECS") }), file: "servicedef.yaml", line: 5 },
      { title: "no controller", files: canaryApp(undefined, { servicedef: SERVICEDEF.replace("deploymentController:\n  type: EXTERNAL\n", "") }), file: "servicedef.yaml", line: 1 },
    ],
  },
  check(ctx) {
    const service = ctx.app.service;
    const svc = asObject(service?.value);
    if (!service || !svc) return;
    const src = service.source;
    const type = asObject(svc.deploymentController)?.type;
    if (type === "EXTERNAL") return;
    if (type === undefined) {
      const json = /^\s*[{[]/.test(src.text);
      ctx.report({
        file: src,
        path: firstKeyPath(svc),
        which: "key",
        message: `The service definition has no deploymentController, so ECS uses rolling updates and rejects the task sets a canary deployment needs. Add \`deploymentController: {type: EXTERNAL}\` (an existing service must be recreated to change it).`,
        fix: json ? undefined : { title: "Add deploymentController EXTERNAL", edits: [{ range: { line: 1, column: 1, endLine: 1, endColumn: 1 }, newText: "deploymentController:\n  type: EXTERNAL\n" }] },
      });
      return;
    }
    const path = ["deploymentController", "type"];
    ctx.report({
      file: src,
      path,
      message: `deploymentController.type is ${JSON.stringify(type)}, but task-set deployments (canary, traffic shifting) only work with EXTERNAL. Set type: EXTERNAL (an existing service must be recreated to change it).`,
      fix: fix("Use EXTERNAL", replaceValue(src, path, "EXTERNAL")),
    });
  },
} satisfies LintRule;
