// PipeCD v1's application format (kind: Application, spec.plugin: ecs) read as the v0 format
// (kind: ECSApp) the rest of the compiler knows. A v1 file is validated by its own schema
// (schema/app-v1.schema.json); once valid it is moved into the v0 shape, and the file is looked
// at through remappedSource() so every rule reports the positions of the v1 nodes.
import type { PathMove } from "../source/remapped-source.ts";
import type { AppV1File } from "../validate/generated/types/app-v1.ts";
import type { AppFile, ECSApplicationSpec } from "../validate/generated/types/app.ts";

/** PipeCD v1 names every application `kind: Application`; v0's ECS kind is `ECSApp`. */
export function isPipecdV1App(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as { kind?: unknown }).kind === "Application";
}

/** Where the v0 model's paths are in a v1 file. */
export const V1_PATH_MOVES: readonly PathMove[] = [
  { from: ["spec", "input"], to: ["spec", "plugins", "ecs", "input"] },
  { from: ["spec", "quickSync"], to: ["spec", "plugins", "ecs", "quickSync"] },
  { from: ["spec", "platformProvider"], to: ["spec", "deployTarget"] },
];

/**
 * The v0 document a schema-valid v1 document means. Differences of meaning handled here:
 * input.runStandaloneTask defaults to false in v1 (true in v0); v1's planner.autoRollback is
 * v0's input.autoRollback; v1's stage-level skipOn, like v0's skipOn inside `with`, plays no
 * part in the graph (it is PipeCD's planner's business).
 */
export function v1ToV0(doc: AppV1File): AppFile {
  const { plugin: _plugin, deployTarget, plugins, pipeline, planner, ...common } = doc.spec;
  const ecs = plugins?.ecs ?? {};
  const spec: ECSApplicationSpec = { ...common };
  if (deployTarget !== undefined) spec.platformProvider = deployTarget;
  if (ecs.input) {
    spec.input = {
      ...ecs.input,
      runStandaloneTask: ecs.input.runStandaloneTask ?? false,
      ...(planner?.autoRollback !== undefined ? { autoRollback: planner.autoRollback } : {}),
    };
  }
  if (ecs.quickSync) spec.quickSync = ecs.quickSync;
  if (planner?.alwaysUsePipeline !== undefined) spec.planner = { alwaysUsePipeline: planner.alwaysUsePipeline };
  if (pipeline) spec.pipeline = { ...pipeline, stages: pipeline.stages?.map(({ skipOn: _skipOn, ...stage }) => stage as NonNullable<NonNullable<ECSApplicationSpec["pipeline"]>["stages"]>[number]) };
  return { apiVersion: doc.apiVersion, kind: "ECSApp", spec };
}
