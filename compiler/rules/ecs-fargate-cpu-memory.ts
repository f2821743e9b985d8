import type { LintRule } from "./rule.ts";
import { canaryApp, TASKDEF } from "./fixtures.ts";
import { asObject, firstKeyPath, fix, replaceValue } from "./helpers.ts";
import { fargateReason } from "./ecs-fargate-network-mode.ts";

/** Valid Fargate task sizes: cpu units -> memory MiB (AWS "Task CPU and memory" table). */
const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

/** CPU units from 256, "256", "1 vCPU", "0.5vcpu". */
export function parseCpu(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string") return null;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(vcpu)?\s*$/i.exec(v);
  if (!m) return null;
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
}

/** Memory MiB from 512, "512", "512 MiB", "2 GB", "2GB". */
export function parseMemory(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string") return null;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(gb|gib|mb|mib)?\s*$/i.exec(v);
  if (!m) return null;
  return m[2]?.toLowerCase().startsWith("g") ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
}

const list = (xs: readonly number[]) => (xs.length <= 4 ? xs.join(", ") : `${xs[0]}–${xs[xs.length - 1]} in steps of ${xs[1] - xs[0]}`);

export default {
  id: "ecs-fargate-cpu-memory",
  severity: "error",
  phase: "lint",
  docs: "Fargate only runs a fixed set of task sizes: task-level `cpu` 256 (memory 512, 1024, 2048 MiB), 512 (1024–4096 in 1024 steps), 1024 (2048–8192 in 1024 steps), 2048 (4096–16384 in 1024 steps), 4096 (8192–30720 in 1024 steps), 8192 (16384–61440 in 4096 steps) or 16384 (32768–122880 in 8192 steps), and both are required. Any other pair makes RegisterTaskDefinition fail (\"No Fargate configuration exists for given values\") when the deployment starts. Values may be numbers, numeric strings, or \"1 vCPU\" / \"2 GB\" / \"512 MiB\" strings. Fix: pick a supported pair, e.g. cpu 256 with memory 512.",
  examples: {
    valid: [
      { title: "256 / 512", files: canaryApp() },
      { title: "vCPU and GB strings", files: canaryApp(undefined, { taskdef: TASKDEF.replace("cpu: 256", 'cpu: "1 vCPU"').replace("memory: 512", 'memory: "2 GB"') }) },
    ],
    invalid: [
      { title: "too much memory for 256 CPU units", files: canaryApp(undefined, { taskdef: TASKDEF.replace("memory: 512", "memory: 4096") }), file: "taskdef.yaml", line: 7 },
      { title: "unsupported cpu", files: canaryApp(undefined, { taskdef: TASKDEF.replace("cpu: 256", "cpu: 300") }), file: "taskdef.yaml", line: 6 },
    ],
  },
  check(ctx) {
    const taskDef = ctx.app.taskDefinition;
    const td = asObject(taskDef?.value);
    if (!taskDef || !td) return;
    const reason = fargateReason(ctx.app);
    if (!reason) return;
    const src = taskDef.source;
    if (td.cpu === undefined || td.memory === undefined) {
      const missing = [td.cpu === undefined && "cpu", td.memory === undefined && "memory"].filter(Boolean).join(" and ");
      ctx.report({
        file: src,
        path: firstKeyPath(td),
        which: "key",
        message: `The tasks run on Fargate (${reason}), which requires task-level cpu and memory, but the task definition has no ${missing}. Add e.g. cpu: 256 and memory: 512.`,
      });
      return;
    }
    const cpu = parseCpu(td.cpu);
    const memory = parseMemory(td.memory);
    const cpus = [...FARGATE_SIZES.keys()];
    if (cpu === null || !FARGATE_SIZES.has(cpu)) {
      ctx.report({
        file: src,
        path: ["cpu"],
        message: `${cpu === null ? `cpu ${JSON.stringify(td.cpu)} is not a number of CPU units or "N vCPU"` : `cpu ${cpu} is not a Fargate size`} (${reason}). Use one of ${cpus.join(", ")} CPU units (1024 = 1 vCPU).`,
      });
      return;
    }
    const allowed = FARGATE_SIZES.get(cpu)!;
    if (memory !== null && allowed.includes(memory)) return;
    const suggestion = memory === null ? allowed[0] : (allowed.find((m) => m >= memory) ?? allowed[allowed.length - 1]);
    const fitting = memory === null ? [] : cpus.filter((c) => FARGATE_SIZES.get(c)!.includes(memory));
    ctx.report({
      file: src,
      path: ["memory"],
      message: `${memory === null ? `memory ${JSON.stringify(td.memory)} is not a number of MiB or "N GB"` : `memory ${memory} MiB is not available with cpu ${cpu}`} on Fargate. With cpu ${cpu}, memory must be ${list(allowed)} MiB${fitting.length ? `; or keep ${memory} MiB with cpu ${fitting.join(" or ")}` : ""}.`,
      fix: typeof td.memory === "number" || /^\s*[0-9]+\s*$/.test(String(td.memory)) ? fix(`Set memory to ${suggestion}`, replaceValue(src, ["memory"], typeof td.memory === "string" ? JSON.stringify(String(suggestion)) : String(suggestion))) : undefined,
    });
  },
} satisfies LintRule;
