import type { LintRule } from "./rule.ts";
import { canaryApp, stagesWith } from "./fixtures.ts";
import { fix, removeItem } from "./helpers.ts";

export default {
  id: "wait-approval-approvers",
  severity: "error",
  phase: "lint",
  scope: "stage",
  docs: "A WAIT_APPROVAL stage waits until `minApproverNum` different people approve. With `minApproverNum` below 1 the gate means nothing; with an `approvers` list shorter than `minApproverNum` it can never be satisfied and the deployment hangs until the stage times out, with the canary serving traffic all that time. A name listed twice in `approvers` counts once (a warning). Fix: set `minApproverNum` to at least 1 and no more than the number of distinct approvers, and remove duplicates.",
  examples: {
    valid: [
      { title: "anyone may approve", files: canaryApp(stagesWith("WAIT_APPROVAL")) },
      { title: "two of three", files: canaryApp(stagesWith("WAIT_APPROVAL", "        with:\n          approvers:\n            - alice\n            - bob\n            - carol\n          minApproverNum: 2\n")) },
    ],
    invalid: [
      { title: "fewer approvers than required", files: canaryApp(stagesWith("WAIT_APPROVAL", "        with:\n          approvers:\n            - alice\n          minApproverNum: 2\n")), line: 29 },
      {
        title: "duplicate approver leaves too few",
        files: canaryApp(stagesWith("WAIT_APPROVAL", "        with:\n          approvers:\n            - alice\n            - alice\n          minApproverNum: 2\n")),
        line: 29,
      },
    ],
  },
  check(ctx) {
    const src = ctx.app.source;
    for (const s of ctx.app.stages) {
      const w = s.with;
      if (w.stage !== "WAIT_APPROVAL") continue;
      const withPath = [...s.path, "with"];
      const minPath = [...withPath, "minApproverNum"];
      const seen = new Map<string, number>();
      w.approvers.forEach((a, i) => {
        const first = seen.get(a);
        if (first === undefined) {
          seen.set(a, i);
          return;
        }
        ctx.report({
          path: [...withPath, "approvers", i],
          severity: "warning",
          message: `Approver "${a}" is listed twice (also item ${first + 1}); one person's approval counts once. Remove the duplicate.`,
          fix: fix(`Remove the duplicate "${a}"`, removeItem(src, [...withPath, "approvers", i])),
        });
      });
      const distinct = seen.size;
      if (w.minApproverNum < 1) {
        ctx.report({
          path: src.has(minPath) ? minPath : [...s.path, "name"],
          message: `minApproverNum is ${w.minApproverNum}: the approval gate would pass without anyone approving. Set minApproverNum to at least 1${distinct ? ` (at most ${distinct}, the number of approvers)` : ""}.`,
        });
      } else if (distinct > 0 && distinct < w.minApproverNum) {
        ctx.report({
          path: src.has(minPath) ? minPath : [...withPath, "approvers"],
          message: `minApproverNum is ${w.minApproverNum} but only ${distinct} distinct approver${distinct === 1 ? " is" : "s are"} listed (${[...seen.keys()].join(", ")}): the stage can never be approved and the deployment hangs until it times out. Lower minApproverNum to ${distinct} or add approvers.`,
        });
      }
    }
  },
} satisfies LintRule;
