import type { LintRule } from "./rule.ts";
import type { Stage } from "../model.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { fix, replaceValue } from "./helpers.ts";

const withId = (stages: string, name: string, id: string) => stages.replace(`      - name: ${name}\n`, `      - name: ${name}\n        id: ${id}\n`);

export default {
  id: "duplicate-stage-id",
  severity: "error",
  phase: "lint",
  docs: "Two stages have the same id: either both set the same explicit `id`, or an explicit `id` equals another stage's default id (`stage-<index>`, as in PipeCD). Stage ids name the nodes of the execution graph, the status of each stage in the API, approvals and rollback targets, so a duplicate makes an approval or a status ambiguous (PipeCD silently mixes up the two stages' state). Fix: give each stage a unique id; the quick fix renames the explicit one.",
  examples: {
    valid: [{ title: "unique ids", files: canaryApp(withId(withId(GOOD_STAGES, "ECS_CANARY_ROLLOUT", "canary"), "WAIT", "bake")) }],
    invalid: [
      { title: "same explicit id", files: canaryApp(withId(withId(GOOD_STAGES, "ECS_CANARY_ROLLOUT", "canary"), "ECS_TRAFFIC_ROUTING", "canary")), line: 24 },
      { title: "explicit id equals a default id", files: canaryApp(withId(GOOD_STAGES, "ECS_CANARY_ROLLOUT", "stage-3")), line: 29 },
    ],
  },
  check(ctx) {
    const src = ctx.app.source;
    const all = new Set(ctx.app.stages.map((s) => s.id));
    const unique = (id: string) => {
      for (let n = 2; ; n++) if (!all.has(`${id}-${n}`)) return `${id}-${n}`;
    };
    const seen = new Map<string, Stage>();
    for (const s of ctx.app.stages) {
      const other = seen.get(s.id);
      if (!other) {
        seen.set(s.id, s);
        continue;
      }
      // Rename whichever of the two has the explicit id (the later one when both do).
      const renamed = s.idGiven ? s : other;
      const newId = unique(s.id);
      all.add(newId);
      const describe = (x: Stage) => `stage ${x.index + 1} (${x.name}${x.idGiven ? "" : ", default id"})`;
      ctx.report({
        path: s.idGiven ? [...s.path, "id"] : [...s.path, "name"],
        message: `Stage id "${s.id}" is used by ${describe(other)} and ${describe(s)}; stage ids must be unique (approvals, status and the execution graph refer to stages by id). Rename ${renamed === s ? "this one" : `the explicit id of stage ${other.index + 1}`}, e.g. to "${newId}".`,
        fix: fix(`Rename to "${newId}"`, replaceValue(src, [...renamed.path, "id"], newId)),
      });
    }
  },
} satisfies LintRule;
