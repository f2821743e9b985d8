// Every file Kanaria reads holds one mapping. An empty file parses as null and a stray word as a
// scalar: say which file it is and what it must hold, instead of treating it as "no file" (an
// empty taskdef used to compile clean into `taskDefinition: {}` and fail at deploy time).
import type { Diagnostic } from "../diagnostics.ts";
import type { SourceFile } from "../source/source-file.ts";
import type { SchemaName } from "./validators.ts";

const MUST_HOLD: Partial<Record<SchemaName, string>> = {
  app: "an application config: a mapping with apiVersion: pipecd.dev/v1beta1, kind: ECSApp and spec",
  service: "an ECS service definition: a mapping with the CreateService fields (serviceName, desiredCount, deploymentController, ...), in YAML or JSON",
  taskDefinition: "an ECS task definition: a mapping with the RegisterTaskDefinition fields (family, containerDefinitions, cpu, memory, ...), in YAML or JSON",
  analysisTemplate: "an analysis template: a mapping with apiVersion, kind: AnalysisTemplate and spec",
  runtime: "a runtime config: a mapping with apiVersion: kanaria.dev/v1alpha1, kind: Runtime and spec",
};

function found(value: unknown): string {
  if (value === null || value === undefined) return "nothing (it is empty, only comments, or null)";
  if (Array.isArray(value)) return "a list";
  const shown = JSON.stringify(value);
  return `the ${typeof value} ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`;
}

/** A `schema` error when the parsed document is not a mapping; null when it is one. */
export function documentShapeError(file: SourceFile, schema: SchemaName): Diagnostic | null {
  const v = file.value;
  if (v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v)) return null;
  return {
    file: file.path,
    ...file.rangeOf([]),
    severity: "error",
    code: "schema",
    message: `This file holds ${found(v)}, but it must hold ${MUST_HOLD[schema] ?? "a mapping"}.`,
  };
}
