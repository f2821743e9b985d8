import type { LintRule } from "./rule.ts";
import type { ResolvedApp } from "../model.ts";
import { canaryApp, SERVICEDEF, TASKDEF } from "./fixtures.ts";
import { asObject, firstKeyPath, fix, replaceValue } from "./helpers.ts";

/** Why the tasks run on Fargate, or null when they do not (shared with ecs-fargate-cpu-memory). */
export function fargateReason(app: ResolvedApp): string | null {
  const svc = asObject(app.service?.value);
  const td = asObject(app.taskDefinition?.value);
  if (svc) {
    if (svc.launchType === "FARGATE") return "the service's launchType is FARGATE";
    const cps = Array.isArray(svc.capacityProviderStrategy) ? svc.capacityProviderStrategy : [];
    const fargate = cps.map((c: unknown) => asObject(c)?.capacityProvider).find((p: unknown) => typeof p === "string" && p.startsWith("FARGATE"));
    if (fargate) return `the service's capacityProviderStrategy uses ${fargate}`;
  } else if (!app.input.serviceDefinitionFile && app.input.launchType === "FARGATE") {
    return app.source.has(["spec", "input", "launchType"]) ? "input.launchType is FARGATE" : "the standalone task runs on FARGATE (input.launchType's default)";
  }
  const compat = Array.isArray(td?.requiresCompatibilities) ? td!.requiresCompatibilities : [];
  if (compat.includes("FARGATE")) return "the task definition's requiresCompatibilities includes FARGATE";
  return null;
}

const hasSubnets = (v: unknown): boolean => {
  const subnets = asObject(v)?.subnets;
  return Array.isArray(subnets) && subnets.length > 0;
};

export default {
  id: "ecs-fargate-network-mode",
  severity: "error",
  phase: "lint",
  docs: "Fargate tasks (service launchType FARGATE, a FARGATE / FARGATE_SPOT capacity provider, a task definition that requires FARGATE compatibility, or a standalone task with the default input.launchType) must use `networkMode: awsvpc`; and every awsvpc task needs subnets to get its network interface in: the service's `networkConfiguration.awsvpcConfiguration.subnets`, or `input.awsvpcConfiguration.subnets` for a standalone task. Otherwise RegisterTaskDefinition, CreateTaskSet or RunTask fail mid-deployment. Target groups for awsvpc tasks must have target type `ip`. Fix: set `networkMode: awsvpc` in the task definition and give the subnets (and security groups).",
  examples: {
    valid: [
      { title: "Fargate with awsvpc and subnets", files: canaryApp() },
      {
        title: "standalone task with input.awsvpcConfiguration",
        files: canaryApp("", { input: "  input:\n    taskDefinitionFile: taskdef.yaml\n    awsvpcConfiguration:\n      subnets:\n        - subnet-0123456789abcdef0\n" }),
      },
    ],
    invalid: [
      { title: "Fargate with bridge networking", files: canaryApp(undefined, { taskdef: TASKDEF.replace("networkMode: awsvpc", "networkMode: bridge") }), file: "taskdef.yaml", line: 3 },
      {
        title: "awsvpc without subnets",
        files: canaryApp(undefined, { servicedef: SERVICEDEF.replace(/networkConfiguration:[\s\S]*$/, "") }),
        file: "servicedef.yaml",
        line: 1,
      },
      { title: "standalone task without awsvpcConfiguration", files: canaryApp("", { input: "  input:\n    taskDefinitionFile: taskdef.yaml\n" }), line: 5 },
    ],
  },
  check(ctx) {
    const app = ctx.app;
    const taskDef = app.taskDefinition;
    const td = asObject(taskDef?.value);
    if (!taskDef || !td) return;
    const reason = fargateReason(app);
    const mode = td.networkMode;
    if (reason && mode !== "awsvpc") {
      const given = mode !== undefined;
      ctx.report({
        file: taskDef.source,
        path: given ? ["networkMode"] : firstKeyPath(td),
        which: given ? "value" : "key",
        message: `The tasks run on Fargate (${reason}), which requires networkMode awsvpc, but the task definition ${given ? `has networkMode ${JSON.stringify(mode)}` : "sets no networkMode (the default is bridge)"}. Set networkMode: awsvpc.`,
        fix: given ? fix("Use awsvpc", replaceValue(taskDef.source, ["networkMode"], "awsvpc")) : undefined,
      });
    }
    if (mode !== "awsvpc" && !reason) return;
    const service = app.service;
    const svc = asObject(service?.value);
    if (service && svc) {
      const net = asObject(asObject(svc.networkConfiguration)?.awsvpcConfiguration);
      if (hasSubnets(net)) return;
      const where = net ? ["networkConfiguration", "awsvpcConfiguration"] : asObject(svc.networkConfiguration) ? ["networkConfiguration"] : firstKeyPath(svc);
      ctx.report({
        file: service.source,
        path: where,
        which: "key",
        message: `The tasks use awsvpc networking${reason ? ` (${reason})` : ""}, so the service needs networkConfiguration.awsvpcConfiguration with at least one subnet (and usually securityGroups); ${net ? "its subnets list is empty" : "it has none"}. Add networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-...], securityGroups: [sg-...]}}.`,
      });
      return;
    }
    // A standalone task (no service definition) that is actually run needs input.awsvpcConfiguration.
    if (app.input.serviceDefinitionFile || !app.input.runStandaloneTask) return;
    if (hasSubnets(app.input.awsvpcConfiguration)) return;
    const path = app.source.has(["spec", "input", "awsvpcConfiguration"]) ? ["spec", "input", "awsvpcConfiguration"] : ["spec", "input"];
    ctx.report({
      path,
      which: "key",
      message: `The standalone task uses awsvpc networking${reason ? ` (${reason})` : ""}, so RunTask needs subnets: add input.awsvpcConfiguration with subnets (and securityGroups), e.g. awsvpcConfiguration: {subnets: [subnet-...]}.`,
    });
  },
} satisfies LintRule;
