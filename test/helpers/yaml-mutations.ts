// Mutations that keep a text YAML-ish, for property tests: lines deleted and duplicated, YAML
// indicators inserted, values replaced.
import fc from "fast-check";

/** Mutations that keep the text YAML-ish: delete/duplicate lines, indent or dedent them, insert characters, replace values. */
export const mutated = (base: string) =>
  fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
        fc.record({ kind: fc.constant("dup" as const), at: fc.nat() }),
        fc.record({ kind: fc.constant("char" as const), at: fc.nat(), ch: fc.constantFrom(":", "-", " ", "\t", "{", "[", "&a", "*a", "'", '"', "#", "0", "%", "<<", ">>") }),
        fc.record({ kind: fc.constant("indent" as const), at: fc.nat(), by: fc.constantFrom(-2, -1, 1, 2) }),
        fc.record({ kind: fc.constant("value" as const), at: fc.nat(), v: fc.constantFrom("-5", "101", "abc", "[]", "{}", "null", "1h2x", '"20%"', "true", "~") }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((ops) => {
      let lines = base.split("\n");
      for (const op of ops) {
        const i = op.at % lines.length;
        if (op.kind === "delete") lines.splice(i, 1);
        else if (op.kind === "dup") lines.splice(i, 0, lines[i]);
        else if (op.kind === "char") {
          const l = lines[i];
          const c = op.at % (l.length + 1);
          lines[i] = l.slice(0, c) + op.ch + l.slice(c);
        } else if (op.kind === "indent") {
          lines[i] = op.by > 0 ? " ".repeat(op.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-op.by}}`), "");
        } else {
          lines[i] = lines[i].replace(/:\s.*$/, `: ${op.v}`);
        }
        if (lines.length === 0) lines = [""];
      }
      return lines.join("\n");
    });
