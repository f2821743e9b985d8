// Lint on an app with schema errors: the parts that passed the schema are still checked, so one
// typo does not hide every other finding (one pre-commit round per commit, not two).
//
// How: the schema errors' paths name broken parts (a stage, a key of `spec`, a key of
// `spec.input`). The value is repaired (broken parts removed, a broken stage replaced by a
// placeholder) so it resolves; then every piece of the resolved app and of the pipeline
// simulation that comes from a broken part throws BrokenPart when a rule reads it. A rule stops at
// its first such read and keeps what it reported before: a finding never rests on a broken part,
// and only the findings that would are lost. Rules that judge one stage at a time
// (`scope: "stage"`) see only the intact stages, so a broken stage costs them nothing else.
import type { DataPath } from "../source/source-file.ts";
import type { ResolvedApp, Stage } from "../model.ts";
import type { PipelineState, StageStep } from "../pipeline/state-model.ts";

export class BrokenPart extends Error {
  constructor(what: string) {
    super(`${what} did not pass the schema`);
  }
}

export interface BrokenParts {
  /** Nothing can be trusted (the error is at the top, or outside `spec`). */
  whole: boolean;
  /** Indexes of pipeline stages with a schema error inside. */
  stages: Set<number>;
  /** Keys of `spec` that are broken as a whole (`pipeline`, `input`, `timeout`, ...). */
  spec: Set<string>;
  /** Keys of `spec.input` that are broken. */
  input: Set<string>;
}

/** Which parts the schema errors at these data paths break. */
export function brokenParts(paths: DataPath[]): BrokenParts {
  const b: BrokenParts = { whole: false, stages: new Set(), spec: new Set(), input: new Set() };
  for (const p of paths) {
    if (p[0] !== "spec" || p.length < 2) b.whole = true;
    else if (p[1] === "pipeline" && p[2] === "stages" && typeof p[3] === "number") b.stages.add(p[3]);
    else if (p[1] === "input" && p.length >= 3) b.input.add(String(p[2]));
    else b.spec.add(String(p[1]));
  }
  return b;
}

export const hasBrokenParts = (b: BrokenParts): boolean => b.whole || b.stages.size + b.spec.size + b.input.size > 0;

/** A copy of the app value without its broken parts, which resolves like any valid app. */
export function repairValue(value: Record<string, any>, b: BrokenParts): Record<string, any> {
  const spec: Record<string, any> = { ...(value.spec ?? {}) };
  for (const k of b.spec) delete spec[k];
  if (b.input.size && spec.input && typeof spec.input === "object") {
    spec.input = { ...spec.input };
    for (const k of b.input) delete spec.input[k];
  }
  if (b.stages.size && Array.isArray(spec.pipeline?.stages)) {
    // The placeholder keeps the other stages' indexes (and so their ids and paths); nothing of
    // it is ever read by a rule (see guardedStage).
    const stages = spec.pipeline.stages.map((s: unknown, i: number) => (b.stages.has(i) ? { name: "WAIT", with: { duration: "0s" } } : s));
    spec.pipeline = { ...spec.pipeline, stages };
  }
  return { ...value, spec };
}

/** An object whose listed properties (or all but `open` ones) throw BrokenPart when read. */
function guard<T extends object>(target: T, what: string, broken: (key: string) => boolean): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === "string" && broken(key)) throw new BrokenPart(what);
      return Reflect.get(t, key, receiver);
    },
  });
}

const INPUT_FIELDS: Record<string, string[]> = {
  serviceDefinitionFile: ["serviceDefinitionFile"],
  taskDefinitionFile: ["taskDefinitionFile"],
  targetGroups: ["targetGroups"],
  accessType: ["accessType"],
  launchType: ["launchType"],
  awsvpcConfiguration: ["awsvpcConfiguration"],
  clusterArn: ["clusterArn"],
  runStandaloneTask: ["runStandaloneTask"],
  autoRollback: ["autoRollback"],
};

/** ResolvedApp fields resolved from each key of `spec` (see resolve-app.ts). */
const SPEC_FIELDS: Record<string, string[]> = {
  name: ["name"],
  labels: ["labels"],
  description: ["description"],
  platformProvider: ["platformProvider"],
  cloudProvider: ["platformProvider"],
  input: ["input", "hasInput", "service", "taskDefinition"],
  pipeline: ["stages"],
  planner: ["input.autoRollback"],
  quickSync: ["quickSync"],
  timeout: ["timeoutMs"],
};

export interface LintView {
  app: ResolvedApp;
  steps: StageStep[];
  initial: PipelineState;
  final: PipelineState;
}

/**
 * The app and simulation as rules see them: reading anything that comes from a broken part
 * throws BrokenPart. `scope: "stage"` views hold only the intact stages.
 */
export function guardedView(view: LintView, b: BrokenParts, scope: "app" | "stage"): LintView {
  const appBroken = new Set<string>();
  const inputBroken = new Set<string>();
  for (const k of b.spec) for (const f of SPEC_FIELDS[k] ?? []) f.startsWith("input.") ? inputBroken.add(f.slice(6)) : appBroken.add(f);
  for (const k of b.input) for (const f of INPUT_FIELDS[k] ?? []) inputBroken.add(f);
  if (inputBroken.has("serviceDefinitionFile")) appBroken.add("service");
  if (inputBroken.has("taskDefinitionFile")) appBroken.add("taskDefinition");
  // The simulation starts from the access type and runs every stage.
  const simBroken = appBroken.has("stages") || appBroken.has("input") || inputBroken.has("accessType");
  const firstBrokenStage = Math.min(...b.stages);
  const stateBroken = (afterIndex: number) => simBroken || afterIndex >= firstBrokenStage;
  const state = (s: PipelineState, afterIndex: number, what: string) => (stateBroken(afterIndex) ? guard(s, what, () => true) : s);

  const stage = (s: Stage): Stage => (b.stages.has(s.index) ? guard(s, `Stage ${s.index + 1}`, (k) => k !== "index" && k !== "path") : s);
  const intact = (index: number) => scope === "app" || !b.stages.has(index);
  const stages = view.app.stages.filter((s) => intact(s.index)).map(stage);
  const steps = view.steps
    .filter((s) => intact(s.stage.index))
    .map((s) => ({
      stage: stage(s.stage),
      before: state(s.before, s.stage.index - 1, "The pipeline before this stage"),
      after: state(s.after, s.stage.index, "The pipeline after this stage"),
    }));
  const input = guard(view.app.input, "spec.input", (k) => inputBroken.has(k));
  const app = guard({ ...view.app, stages, input }, "spec", (k) => appBroken.has(k));
  return {
    app,
    steps: simBroken ? guard(steps, "spec.pipeline", () => true) : steps,
    initial: simBroken ? guard(view.initial, "spec.input", () => true) : view.initial,
    final: simBroken || b.stages.size ? guard(view.final, "The pipeline's end", () => true) : view.final,
  };
}
