// What a file is, so the right schema checks it: an app (by name), a service or task definition
// (referenced by an open app, else by content), or a runtime config.
/** The kinds of file Kanaria checks, each against its schema (see schema-lookup.ts). */
export type SchemaKind = "app" | "service" | "taskDefinition" | "runtime";

export function isAppPath(path: string): boolean {
  return /\.pipecd\.ya?ml$/.test(path);
}

/** An app in PipeCD v1's format (kind: Application, the ECS part under spec.plugins.ecs). */
export function isPipecdV1Text(text: string): boolean {
  return /^kind:\s*["']?Application["']?\s*(#.*)?$/m.test(text);
}

/** Guess from the text alone; null when nothing marks the file as one of ours. */
export function kindFromContent(text: string): SchemaKind | null {
  if (/^kind:\s*["']?ECSApp\b/m.test(text)) return "app";
  // PipeCD v1 names every app Application: only the ECS plugin's are ours.
  if (isPipecdV1Text(text) && /^\s+(plugin:\s*["']?ecs\b|ecs:\s*(#.*)?$)/m.test(text)) return "app";
  if (/^kind:\s*["']?Runtime\b/m.test(text) && /^apiVersion:\s*["']?kanaria\.dev\//m.test(text)) return "runtime";
  if (/^\s{0,4}"?containerDefinitions"?\s*:/m.test(text)) return "taskDefinition";
  if (/^\s{0,4}"?(serviceName|deploymentController|desiredCount)"?\s*:/m.test(text)) return "service";
  return null;
}
