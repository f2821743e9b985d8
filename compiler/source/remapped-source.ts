// A view of a SourceFile under other data paths: the compiler's phases ask for positions by the
// paths of the model they know (["spec", "input", ...]) and get the positions of the nodes the
// file really has (["spec", "plugins", "ecs", "input", ...] in a PipeCD v1 file). Text, value,
// parse diagnostics and offsets are the file's own.
import type { DataPath, SourceFile } from "./source-file.ts";

/** One renamed subtree: paths starting with `from` are looked up under `to`. */
export interface PathMove {
  from: DataPath;
  to: DataPath;
}

const startsWith = (path: DataPath, prefix: DataPath): boolean => prefix.length <= path.length && prefix.every((p, i) => path[i] === p);

/** The file path `path` (of the model) has in the real document. */
export function movePath(path: DataPath, moves: readonly PathMove[]): DataPath {
  for (const m of moves) if (startsWith(path, m.from)) return [...m.to, ...path.slice(m.from.length)];
  return path;
}

export function remappedSource(file: SourceFile, moves: readonly PathMove[]): SourceFile {
  const map = (p: DataPath) => movePath(p, moves);
  return {
    path: file.path,
    text: file.text,
    value: file.value,
    diagnostics: file.diagnostics,
    position: file.position,
    rangeOf: (p, which) => file.rangeOf(map(p), which),
    has: (p) => file.has(map(p)),
    valueStart: (p) => file.valueStart(map(p)),
    valueSpan: (p) => file.valueSpan(map(p)),
  };
}
