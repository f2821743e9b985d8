// Secrets are read from files only (runtime config *File keys), trimmed, never logged.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

export function readSecretFile(path: string, what: string, baseDir?: string): string {
  const full = baseDir && !isAbsolute(path) ? resolve(baseDir, path) : path;
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (e) {
    throw new Error(`Cannot read the ${what} file ${full}: ${(e as Error).message}`);
  }
  const value = text.trim();
  if (!value) throw new Error(`The ${what} file ${full} is empty.`);
  return value;
}
