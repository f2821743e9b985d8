// Runs the precompiled schema validators (see build-validators.ts) on plain values.
import type { ValidateFunction } from "ajv";
import * as generated from "./generated/validators.js";
import type { Diagnostic } from "../diagnostics.ts";
import type { SourceFile } from "../source/source-file.ts";
import { schemaDiagnostics } from "./schema-errors.ts";

export type SchemaName = "app" | "service" | "taskDefinition" | "runtime" | "graph" | "analysisTemplate";

const validators: Record<SchemaName, ValidateFunction> = generated;

export function validate(name: SchemaName, source: SourceFile, value: unknown): Diagnostic[] {
  const fn = validators[name];
  if (fn(value)) return [];
  return schemaDiagnostics(source, fn.errors);
}

/** For values without a source file (e.g. a graph received over HTTP). */
export function validateValue(name: SchemaName, value: unknown): { ok: boolean; errors: string[] } {
  const fn = validators[name];
  if (fn(value)) return { ok: true, errors: [] };
  return { ok: false, errors: (fn.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`) };
}
