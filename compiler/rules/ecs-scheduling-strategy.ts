import type { LintRule } from "./rule.ts";
import { canaryApp, SERVICEDEF } from "./fixtures.ts";
import { asObject, fix, replaceValue } from "./helpers.ts";

export default {
  id: "ecs-scheduling-strategy",
  severity: "error",
  phase: "lint",
  docs: "A service with `schedulingStrategy: DAEMON` runs one task per container instance and cannot use the EXTERNAL deployment controller or task sets, so none of the canary stages (or even a task-set based sync) can run on it. Fargate does not support DAEMON at all. Fix: use `schedulingStrategy: REPLICA` (the default) with a desiredCount.",
  examples: {
    valid: [{ title: "REPLICA", files: canaryApp() }],
    invalid: [{ title: "DAEMON", files: canaryApp(undefined, { servicedef: SERVICEDEF.replace("schedulingStrategy: REPLICA", "schedulingStrategy: DAEMON") }), file: "servicedef.yaml", line: 6 }],
  },
  check(ctx) {
    const service = ctx.app.service;
    const svc = asObject(service?.value);
    if (!service || !svc || svc.schedulingStrategy !== "DAEMON") return;
    ctx.report({
      file: service.source,
      path: ["schedulingStrategy"],
      message: "schedulingStrategy DAEMON cannot be used with task sets or the EXTERNAL deployment controller that Kanaria deploys through. Use schedulingStrategy: REPLICA and set desiredCount.",
      fix: fix("Use REPLICA", replaceValue(service.source, ["schedulingStrategy"], "REPLICA")),
    });
  },
} satisfies LintRule;
