// Runs the precompiled schema validators (see build-validators.ts) on plain values.
import type { ValidateFunction } from "ajv";
import * as generated from "./generated/validators.js";
import type { Diagnostic } from "../diagnostics.ts";
import type { SourceFile } from "../source/source-file.ts";
import { pointerToPath, schemaDiagnostics } from "./schema-errors.ts";
import type { DataPath } from "../source/source-file.ts";

export type SchemaName = "app" | "appV1" | "service" | "taskDefinition" | "runtime" | "graph" | "analysisTemplate";

const validators: Record<SchemaName, ValidateFunction> = generated;

export function validate(name: SchemaName, source: SourceFile, value: unknown): Diagnostic[] {
  const fn = validators[name];
  if (fn(value)) return [];
  return schemaDiagnostics(source, fn.errors);
}

/** validate(), plus the data path of every error (an unknown key's path ends with the key). */
export function validateWithPaths(name: SchemaName, source: SourceFile, value: unknown): { diagnostics: Diagnostic[]; paths: DataPath[] } {
  const fn = validators[name];
  if (fn(value)) return { diagnostics: [], paths: [] };
  const errors = fn.errors ?? [];
  const paths = errors.map((e) => {
    const key = (e.params as { additionalProperty?: string }).additionalProperty;
    const path = pointerToPath(e.instancePath);
    return key === undefined ? path : [...path, key];
  });
  return { diagnostics: schemaDiagnostics(source, errors), paths };
}

/**
 * For values without a source file (e.g. a graph received over HTTP). `issues` carry the JSON
 * Pointer of the offending value (for a missing or unknown property: of that property).
 */
export function validateValue(name: SchemaName, value: unknown): { ok: boolean; errors: string[]; issues: { path: string; message: string }[] } {
  const fn = validators[name];
  if (fn(value)) return { ok: true, errors: [], issues: [] };
  const issues = (fn.errors ?? []).map((e) => {
    // A discriminator (e.g. a node's `stage`) names the offending property itself.
    const tag = e.keyword === "discriminator" ? (e.params as { tag?: string }).tag : undefined;
    const prop = (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (e.params as { additionalProperty?: string }).additionalProperty ?? tag;
    const path = prop === undefined ? e.instancePath : `${e.instancePath}/${prop.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    return { path, message: `${e.message}` };
  });
  return { ok: false, errors: (fn.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`), issues };
}
