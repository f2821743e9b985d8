import type { LintRule } from "./rule.ts";
import type { TargetGroupRef } from "../model.ts";
import { stageLabel } from "./helpers.ts";
import { canaryApp, DEFAULT_INPUT, TG_CANARY, TG_PRIMARY } from "./fixtures.ts";

/** arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id> */
const TG_ARN = /^arn:aws(-[a-z]+)*:elasticloadbalancing:[a-z0-9-]+:[A-Za-z0-9]+:targetgroup\/[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?\/[A-Za-z0-9]+$/;

export default {
  id: "ecs-target-groups",
  severity: "error",
  phase: "lint",
  docs: "With `accessType: ELB` (the default), each task set is registered in its own target group: the primary in `targetGroups.primary`, the canary in `targetGroups.canary`, and ECS_TRAFFIC_ROUTING sets the listener's weights between the two. PipeCD fails mid-deployment when ECS_PRIMARY_ROLLOUT or ECS_TRAFFIC_ROUTING runs without a primary target group, or ECS_CANARY_ROLLOUT / ECS_TRAFFIC_ROUTING without a canary one; both sides in one target group make the weights meaningless; and an ARN that is not `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>` (e.g. a `<YOUR_TARGET_GROUP_ARN>` placeholder left from a tutorial) fails at the first AWS call. Fix: give two distinct target groups, of type `ip` for awsvpc tasks, both attached to the listener rule that serves the app (the canary one with weight 0).",
  examples: {
    valid: [
      { title: "two distinct target groups", files: canaryApp() },
      {
        title: "primary only, quick sync",
        files: canaryApp("", { input: DEFAULT_INPUT.replace(/      canary:\n[\s\S]*$/, "") }),
      },
    ],
    invalid: [
      { title: "placeholder ARN", files: canaryApp(undefined, { input: DEFAULT_INPUT.replace(TG_PRIMARY, "<YOUR_TARGET_GROUP_1_ARN>") }), line: 10 },
      { title: "same target group twice", files: canaryApp(undefined, { input: DEFAULT_INPUT.replace(TG_CANARY, TG_PRIMARY) }), line: 14 },
      { title: "canary rollout without a canary target group", files: canaryApp(undefined, { input: DEFAULT_INPUT.replace(/      canary:\n[\s\S]*$/, "") }), line: 8 },
    ],
  },
  check(ctx) {
    const app = ctx.app;
    if (app.input.accessType !== "ELB" || !app.input.serviceDefinitionFile) return;
    const { primary, canary } = app.input.targetGroups;
    const src = app.source;
    const tgsPath = src.has(["spec", "input", "targetGroups"]) ? ["spec", "input", "targetGroups"] : ["spec", "input"];
    const stageOf = (name: string) => app.stages.find((s) => s.name === name);
    const primaryUser = stageOf("ECS_PRIMARY_ROLLOUT") ?? stageOf("ECS_TRAFFIC_ROUTING");
    if (!primary && (primaryUser || canary)) {
      ctx.report({
        path: tgsPath,
        which: "key",
        message: `No targetGroups.primary: ${primaryUser ? `${stageLabel(primaryUser)} needs the target group the primary task set is registered in` : "a canary target group without a primary one cannot be routed"}. Add targetGroups.primary with targetGroupArn, containerName and containerPort.`,
      });
    }
    const routed = ctx.steps.find((s) => s.after.traffic.canary > 0);
    const canaryUser = stageOf("ECS_CANARY_ROLLOUT") ?? (routed ? routed.stage : undefined) ?? stageOf("ECS_TRAFFIC_ROUTING");
    if (!canary && canaryUser) {
      const what = routed ? `the pipeline routes ${routed.after.traffic.canary}% of traffic to the canary (${stageLabel(routed.stage)})` : `${stageLabel(canaryUser)} needs it`;
      ctx.report({
        path: tgsPath,
        which: "key",
        message: `No targetGroups.canary, but ${what}: the canary task set must be registered in its own target group. Add targetGroups.canary (a second target group attached to the same listener rule with weight 0).`,
      });
    }
    const checkArn = (side: string, tg: TargetGroupRef) => {
      if (TG_ARN.test(tg.targetGroupArn)) return true;
      const placeholder = /[<>]|YOUR_|EDIT/i.test(tg.targetGroupArn);
      ctx.report({
        path: [...tg.path, "targetGroupArn"],
        message: `targetGroups.${side}.targetGroupArn ${JSON.stringify(tg.targetGroupArn)} is ${placeholder ? "a placeholder, not" : "not"} a target group ARN. Use the ARN of the target group (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>), e.g. from \`aws elbv2 describe-target-groups\`.`,
      });
      return false;
    };
    const okPrimary = primary ? checkArn("primary", primary) : false;
    const okCanary = canary ? checkArn("canary", canary) : false;
    if (primary && canary && okPrimary && okCanary && primary.targetGroupArn === canary.targetGroupArn) {
      ctx.report({
        path: [...canary.path, "targetGroupArn"],
        message: `targetGroups.canary uses the same target group as primary (${primary.targetGroupArn}): primary and canary task sets would share it and traffic weights could not separate them. Create a second target group for the canary and attach it to the same listener rule with weight 0.`,
      });
    }
  },
} satisfies LintRule;
