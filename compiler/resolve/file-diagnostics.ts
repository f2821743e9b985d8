// The two ways a file the app names can fail to be read, said the same way for every kind of
// reference (service/task definition, analysis template, attachment source).
import type { Diagnostic } from "../diagnostics.ts";
import type { SourceFile } from "../source/source-file.ts";
import { dirname } from "../paths.ts";

/** Why a file that exists was not read. */
interface Unreadable {
  unreadable: string;
}

export function notFound(source: SourceFile, path: (string | number)[], ref: string, what: string, why?: Unreadable): Diagnostic {
  return {
    file: source.path,
    ...source.rangeOf(path),
    severity: "error",
    code: "file-not-found",
    message: why
      ? `Cannot use ${what} "${ref}": ${why.unreadable} Point it at the YAML or JSON file in the repository.`
      : `Cannot read ${what} "${ref}" (looked for it relative to ${dirname(source.path)}/${ref.startsWith("/") ? "; a leading / means the app's folder, as in PipeCD" : ""}). Check the path, or add the file.`,
  };
}

export function outside(source: SourceFile, path: (string | number)[], ref: string, what: string, root: string): Diagnostic {
  return {
    file: source.path,
    ...source.rangeOf(path),
    severity: "error",
    code: "file-outside-repository",
    message: `The ${what} "${ref}" is outside the repository (its root: ${root === "." ? "the current folder" : root}); Kanaria reads only files inside it, and did not read this one. Move the file into the repository, or give the repository's root with --root.`,
  };
}
