// Go to definition: from the value of serviceDefinitionFile / taskDefinitionFile to that file
// (only a file compile() would read: inside the repository, a regular file).
import type { Location, Position } from "vscode-languageserver";
import { dirname, isWithin, referencePath } from "../compiler/paths.ts";
import type { FileReader } from "../compiler/compile.ts";
import { pathToUri } from "./documents.ts";
import { cursorAt, YamlLines } from "./yaml-cursor.ts";

const FILE_KEYS = new Set(["serviceDefinitionFile", "taskDefinitionFile"]);

export function definition(text: string, position: Position, appPath: string, readFile: FileReader, root: string): Location | null {
  const lines = new YamlLines(text);
  const cur = cursorAt(lines, position.line, position.character);
  if (cur.kind !== "value" || !cur.key || !FILE_KEYS.has(cur.key)) return null;
  // spec.input in PipeCD v0's format, spec.plugins.ecs.input in v1's.
  if (cur.path.join(".") !== "spec.input" && cur.path.join(".") !== "spec.plugins.ecs.input") return null;
  const ref = lines.info[position.line].value;
  if (!ref) return null;
  const target = referencePath(dirname(appPath), ref);
  if (!isWithin(target, root) || typeof readFile(target, root) !== "string") return null;
  return { uri: pathToUri(target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
