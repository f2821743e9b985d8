import type { LintRule } from "./rule.ts";
import { canaryApp, DEFAULT_INPUT, TASKDEF } from "./fixtures.ts";
import { asObject, fix, replaceValue } from "./helpers.ts";
import { closest } from "../text/closest.ts";

export default {
  id: "ecs-container-port",
  severity: "error",
  phase: "lint",
  docs: "Each target group in `input.targetGroups` names the container and port that ECS registers in it (`containerName`, `containerPort`). They must match a container of the task definition (`containerDefinitions[].name`) and one of its `portMappings[].containerPort`; otherwise CreateTaskSet fails (\"container ... did not have a container port ... defined\") and the canary never starts. Fix: use the name and port of the container that serves the traffic, as written in the task definition.",
  examples: {
    valid: [{ title: "web:80 exists", files: canaryApp() }],
    invalid: [
      { title: "misspelt container name", files: canaryApp(undefined, { input: DEFAULT_INPUT.replace("containerName: web\n        containerPort: 80\n      canary", "containerName: wbe\n        containerPort: 80\n      canary") }), line: 11 },
      { title: "port not mapped", files: canaryApp(undefined, { taskdef: TASKDEF.replace("containerPort: 80", "containerPort: 8080") }), line: 12 },
    ],
  },
  check(ctx) {
    const taskDef = ctx.app.taskDefinition;
    const td = asObject(taskDef?.value);
    if (!taskDef || !td) return;
    const containers = (Array.isArray(td.containerDefinitions) ? td.containerDefinitions : []).map(asObject).filter((c): c is Record<string, any> => c !== null);
    const names = containers.map((c) => String(c.name));
    const src = ctx.app.source;
    for (const side of ["primary", "canary"] as const) {
      const tg = ctx.app.input.targetGroups[side];
      if (!tg || tg.containerName === undefined) continue;
      const namePath = [...tg.path, "containerName"];
      const container = containers.find((c) => c.name === tg.containerName);
      if (!container) {
        const guess = closest(String(tg.containerName), names);
        ctx.report({
          path: namePath,
          message: `targetGroups.${side}.containerName "${tg.containerName}" is not a container of the task definition${guess ? `; did you mean "${guess}"?` : "."} Containers: ${names.join(", ") || "(none)"}.`,
          fix: guess ? fix(`Use "${guess}"`, replaceValue(src, namePath, guess)) : undefined,
        });
        continue;
      }
      if (tg.containerPort === undefined) continue;
      const ports = (Array.isArray(container.portMappings) ? container.portMappings : []).map((p: unknown) => asObject(p)?.containerPort).filter((p: unknown) => p !== undefined);
      if (ports.some((p: unknown) => Number(p) === Number(tg.containerPort))) continue;
      const portPath = [...tg.path, "containerPort"];
      ctx.report({
        path: portPath,
        message: `targetGroups.${side}.containerPort ${tg.containerPort} is not mapped by container "${tg.containerName}" (${ports.length ? `its portMappings: ${ports.join(", ")}` : "it has no portMappings"}). Use ${ports.length ? `one of ${ports.join(", ")}` : "a mapped port"}, or add a portMapping with containerPort ${tg.containerPort} to the task definition.`,
        fix: ports.length === 1 ? fix(`Use port ${ports[0]}`, replaceValue(src, portPath, String(ports[0]))) : undefined,
      });
    }
  },
} satisfies LintRule;
