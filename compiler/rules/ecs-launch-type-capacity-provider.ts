import type { LintRule } from "./rule.ts";
import { canaryApp, SERVICEDEF } from "./fixtures.ts";
import { asObject, fix, removeKey } from "./helpers.ts";

const STRATEGY = `capacityProviderStrategy:
  - capacityProvider: FARGATE_SPOT
    weight: 1
`;

export default {
  id: "ecs-launch-type-capacity-provider",
  severity: "error",
  phase: "lint",
  docs: "An ECS service (and each task set created from it) takes either a `launchType` or a `capacityProviderStrategy`, never both: ECS rejects CreateService / CreateTaskSet when both are given, so the deployment fails at its first task-set stage. Fix: keep `capacityProviderStrategy` (e.g. FARGATE / FARGATE_SPOT weights) and remove `launchType`, or the other way round.",
  examples: {
    valid: [
      { title: "launchType only", files: canaryApp() },
      { title: "capacity providers only", files: canaryApp(undefined, { servicedef: SERVICEDEF.replace("launchType: FARGATE\n", STRATEGY) }) },
    ],
    invalid: [{ title: "both", files: canaryApp(undefined, { servicedef: SERVICEDEF + STRATEGY }), file: "servicedef.yaml", line: 7 }],
  },
  check(ctx) {
    const service = ctx.app.service;
    const svc = asObject(service?.value);
    if (!service || !svc) return;
    const cps = svc.capacityProviderStrategy;
    if (svc.launchType === undefined || !Array.isArray(cps) || cps.length === 0) return;
    const providers = cps.map((c) => asObject(c)?.capacityProvider).filter(Boolean).join(", ");
    ctx.report({
      file: service.source,
      path: ["launchType"],
      which: "key",
      message: `The service definition sets both launchType (${svc.launchType}) and capacityProviderStrategy (${providers || "given"}); ECS accepts only one of them. Remove launchType to use the capacity providers, or remove capacityProviderStrategy.`,
      fix: fix("Remove launchType", removeKey(service.source, ["launchType"])),
    });
  },
} satisfies LintRule;
