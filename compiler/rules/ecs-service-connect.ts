import type { LintRule } from "./rule.ts";
import { canaryApp, SERVICEDEF } from "./fixtures.ts";
import { asObject, fix, removeKey } from "./helpers.ts";

const SERVICE_CONNECT = `serviceConnectConfiguration:
  enabled: true
  namespace: demo
`;

export default {
  id: "ecs-service-connect",
  severity: "error",
  phase: "lint",
  docs: "ECS Service Connect is not supported on services that use the EXTERNAL deployment controller, which task-set (canary) deployments require: CreateService / UpdateService reject the configuration, or the task sets are created without it. Fix: remove `serviceConnectConfiguration` from the service definition and reach the service through its load balancer or through Cloud Map service discovery (`serviceRegistries`, with `accessType: SERVICE_DISCOVERY`).",
  examples: {
    valid: [{ title: "no Service Connect", files: canaryApp() }],
    invalid: [{ title: "Service Connect enabled", files: canaryApp(undefined, { servicedef: SERVICEDEF + SERVICE_CONNECT }), file: "servicedef.yaml", line: 15 }],
  },
  check(ctx) {
    const service = ctx.app.service;
    const svc = asObject(service?.value);
    const sc = asObject(svc?.serviceConnectConfiguration);
    if (!service || !sc || sc.enabled === false) return;
    ctx.report({
      file: service.source,
      path: ["serviceConnectConfiguration"],
      which: "key",
      message: "serviceConnectConfiguration is not supported with the EXTERNAL deployment controller that task-set deployments need. Remove it, and use the load balancer or Cloud Map service discovery (serviceRegistries + accessType: SERVICE_DISCOVERY) instead.",
      fix: fix("Remove serviceConnectConfiguration", removeKey(service.source, ["serviceConnectConfiguration"])),
    });
  },
} satisfies LintRule;
