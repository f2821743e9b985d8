import type { LintRule } from "./rule.ts";
import { canaryApp, GOOD_STAGES, SERVICEDEF } from "./fixtures.ts";
import { fix, removeItem } from "./helpers.ts";

export const SD_INPUT = `  input:
    serviceDefinitionFile: servicedef.yaml
    taskDefinitionFile: taskdef.yaml
    accessType: SERVICE_DISCOVERY
`;
export const SD_SERVICEDEF = `${SERVICEDEF}serviceRegistries:
  - registryArn: arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef
`;
/** With SD_INPUT, the first stage is on line 11. */
export const SD_STAGES = `      - name: ECS_CANARY_ROLLOUT
        with:
          scale: 50
      - name: WAIT
        with:
          duration: 30s
      - name: ECS_PRIMARY_ROLLOUT
      - name: ECS_CANARY_CLEAN
`;

export default {
  id: "ecs-traffic-routing-service-discovery",
  severity: "error",
  phase: "lint",
  docs: "With `accessType: SERVICE_DISCOVERY` clients find tasks through Cloud Map, so traffic is spread over all registered tasks: the canary's share follows its task count (its `scale` relative to the primary), and there is no load-balancer listener whose weights could be changed. PipeCD fails an ECS_TRAFFIC_ROUTING stage on such an app mid-deployment. Fix: remove the ECS_TRAFFIC_ROUTING stages and control the canary's share with ECS_CANARY_ROLLOUT's `scale` (the quick fix removes the stage), or put the service behind an ALB/NLB with `accessType: ELB` and target groups.",
  examples: {
    valid: [{ title: "share follows scale", files: canaryApp(SD_STAGES, { input: SD_INPUT, servicedef: SD_SERVICEDEF }) }],
    invalid: [{ title: "traffic routing with service discovery", files: canaryApp(GOOD_STAGES, { input: SD_INPUT, servicedef: SD_SERVICEDEF }), line: 14 }],
  },
  check(ctx) {
    if (ctx.app.input.accessType !== "SERVICE_DISCOVERY") return;
    for (const step of ctx.steps) {
      const s = step.stage;
      if (s.name !== "ECS_TRAFFIC_ROUTING") continue;
      const share = step.before.traffic.canary;
      ctx.report({
        path: [...s.path, "name"],
        message: `ECS_TRAFFIC_ROUTING cannot run with accessType SERVICE_DISCOVERY: there is no listener to change, traffic follows task counts (the canary gets about ${share}% here). Remove this stage and set the canary's share with ECS_CANARY_ROLLOUT's scale, or switch to accessType ELB with target groups.`,
        fix: fix("Remove this stage", removeItem(ctx.app.source, s.path)),
      });
    }
  },
} satisfies LintRule;
