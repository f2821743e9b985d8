import type { LintRule } from "./rule.ts";
import { canaryApp, GOOD_STAGES } from "./fixtures.ts";
import { fix, replaceValue } from "./helpers.ts";
import { DEPLOYMENT_NODE, ROLLBACK_NODE_IDS, rollbackScriptNodeId } from "../graph/node-ids.ts";

const withId = (stages: string, name: string, id: string) => stages.replace(`      - name: ${name}\n`, `      - name: ${name}\n        id: ${id}\n`);
const SCRIPT = "      - name: SCRIPT_RUN\n        id: migrate\n        with:\n          run: ./migrate.sh\n          onRollback: ./migrate.sh --down\n";

export default {
  id: "reserved-stage-id",
  severity: "error",
  phase: "lint",
  docs: `A stage's \`id\` is one Kanaria gives a node it generates: the rollback path's \`${ROLLBACK_NODE_IDS.traffic}\`, \`${ROLLBACK_NODE_IDS.primary}\`, \`${ROLLBACK_NODE_IDS.clean}\`, \`rollback-<id>\` for the \`onRollback\` script of a SCRIPT_RUN stage, or \`${DEPLOYMENT_NODE}\` (the deployment's own side effects: the task definition, the service). Node ids key the journal of side effects, the status in the API and the events, so the graph would hold two nodes with one id and the runtime refuses it when the deployment starts (and a restart could mistake one node's recorded AWS calls for the other's). Fix: rename the stage; the quick fix appends \`-stage\`.`,
  examples: {
    valid: [{ title: "ids that name what the stage does", files: canaryApp(withId(GOOD_STAGES, "WAIT", "bake")) }],
    invalid: [
      { title: "a stage named like the rollback path's traffic node", files: canaryApp(withId(GOOD_STAGES, "WAIT", "rollback-traffic")), line: 26 },
      { title: "the id of a rollback script's node", files: canaryApp(GOOD_STAGES.replace("      - name: WAIT\n", `${SCRIPT}      - name: WAIT\n        id: rollback-migrate\n`)), line: 31 },
      { title: "the deployment node", files: canaryApp(withId(GOOD_STAGES, "ECS_CANARY_ROLLOUT", DEPLOYMENT_NODE)), line: 20 },
    ],
  },
  check(ctx) {
    const reserved = new Map<string, string>([
      [ROLLBACK_NODE_IDS.traffic, "the rollback path's node that routes all traffic back to the primary"],
      [ROLLBACK_NODE_IDS.primary, "the rollback path's node that restores the previous primary task set"],
      [ROLLBACK_NODE_IDS.clean, "the rollback path's node that removes the canary and new task sets"],
      [DEPLOYMENT_NODE, "the node of the deployment's own side effects (task definition, service)"],
    ]);
    for (const s of ctx.app.stages) {
      if (s.with.stage === "SCRIPT_RUN" && s.with.onRollback) reserved.set(rollbackScriptNodeId(s.id), `the rollback node that runs the onRollback script of stage "${s.id}"`);
    }
    const taken = new Set(ctx.app.stages.map((s) => s.id));
    for (const s of ctx.app.stages) {
      const what = s.idGiven ? reserved.get(s.id) : undefined;
      if (!what) continue;
      let newId = `${s.id}-stage`;
      for (let n = 2; taken.has(newId) || reserved.has(newId); n++) newId = `${s.id}-stage-${n}`;
      taken.add(newId);
      ctx.report({
        path: [...s.path, "id"],
        message: `Stage id "${s.id}" is reserved: it is the id of ${what}, which Kanaria adds to the execution graph. Two nodes cannot share an id (the journal, status and events are keyed by it). Rename this stage, e.g. to "${newId}".`,
        fix: fix(`Rename to "${newId}"`, replaceValue(ctx.app.source, [...s.path, "id"], newId)),
      });
    }
  },
} satisfies LintRule;
