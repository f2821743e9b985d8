// Glue between the cursor (yaml-cursor.ts) and schema navigation (schema-lookup.ts): sibling
// values come from the text, so `if name == ANALYSIS then with: ...` is decided as typed.
import type { SiblingReader } from "./schema-lookup.ts";
import type { Cursor, YamlLines } from "./yaml-cursor.ts";

export function readerAt(lines: YamlLines, cur: Pick<Cursor, "maps">): (depth: number) => SiblingReader {
  return (depth) => {
    const map = cur.maps[depth];
    return map ? (key) => lines.valueOf(map, key) : null;
  };
}
