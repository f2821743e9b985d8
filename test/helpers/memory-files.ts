// An in-memory file reader for compile(): tests exercise the real compiler without touching disk.
import type { FileReader } from "../../compiler/compile.ts";

export function memoryReader(files: Record<string, string>, dir = "app"): FileReader {
  const byPath = new Map(Object.entries(files).map(([p, t]) => [`${dir}/${p}`, t]));
  return (path) => byPath.get(path) ?? null;
}
