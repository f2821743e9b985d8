// `spec.encryption` and `spec.attachment` (PipeCD's secret management and manifest attachment):
// checks every reference without any key, inserts attachments into the service/task definition
// (their content is not secret), and returns the ciphertexts the graph carries for the runtime to
// decrypt at the AWS call. PipeCD renders whole files as Go templates; Kanaria replaces the
// references inside string values, where PipeCD's examples put them (positions stay exact).
import type { Diagnostic, SourceRange } from "../diagnostics.ts";
import type { LoadedFile } from "../model.ts";
import type { SourceFile } from "../source/source-file.ts";
import type { SourceParser } from "../source/source-parser.ts";
import { isWithin, referencePath } from "../paths.ts";
import { notFound, outside } from "../resolve/file-diagnostics.ts";
import { isCiphertextProblem, splitCiphertext } from "./ciphertext.ts";
import { mapStrings, replaceReferencesSync, scanReferences, stringsIn, type Reference } from "./references.ts";

type Reader = (path: string, within?: string) => string | null | { unreadable: string };

export interface SecretsInput {
  app: SourceFile;
  /** The app file's validated value. */
  value: Record<string, any>;
  dir: string;
  root: string | undefined;
  readFile: Reader;
  parse: SourceParser;
  files: Map<string, SourceFile>;
  service: LoadedFile | null;
  taskDefinition: LoadedFile | null;
}

export interface SecretsResult {
  diagnostics: Diagnostic[];
  /** The definitions with attachments inserted (the same objects when nothing was attached). */
  service: LoadedFile | null;
  taskDefinition: LoadedFile | null;
  /** Ciphertext of every secret the definitions refer to, by name (the graph's `secrets`). */
  secrets: Record<string, string>;
}

const ENCRYPTION = ["spec", "encryption"];
const ATTACHMENT = ["spec", "attachment"];

/** A file the app uses, where its references are and whether PipeCD renders it. */
interface UsedFile {
  path: string;
  source: SourceFile;
  /** Where each reference is: a string value at a data path, or the raw text (attachment sources). */
  references: { ref: Reference; at: SourceRange }[];
}

export function resolveSecrets(input: SecretsInput): SecretsResult {
  const { app, value, dir } = input;
  const diagnostics: Diagnostic[] = [];
  const report = (file: SourceFile, at: SourceRange, code: string, message: string) =>
    diagnostics.push({ file: file.path, ...at, severity: "error", code, message });

  const encryption = value.spec?.encryption ?? {};
  const attachment = value.spec?.attachment ?? {};
  const secrets: Record<string, string> = encryption.encryptedSecrets ?? {};
  const sources: Record<string, string> = attachment.sources ?? {};

  const wellFormed = new Set<string>();
  for (const [name, text] of Object.entries(secrets)) {
    const parts = splitCiphertext(text);
    if (isCiphertextProblem(parts)) {
      report(app, app.rangeOf([...ENCRYPTION, "encryptedSecrets", name]), "secret-ciphertext", `The encrypted secret "${name}" is not a secret encrypted for a PipeCD key pair: ${parts.problem}. Encrypt the value again with \`kanaria encrypt --public-key FILE\` (or PipeCD's web console / \`pipectl encrypt\`) and paste the whole output.`);
    } else wellFormed.add(name);
  }

  // The files the app uses: the definitions, and the attachment sources (read here).
  const used = new Map<string, UsedFile>();
  for (const def of [input.service, input.taskDefinition]) {
    if (!def) continue;
    used.set(def.source.path, { path: def.source.path, source: def.source, references: valueReferences(def.source, def.value) });
    for (const { at, text } of unquotedReferences(def.source, def.value)) {
      report(def.source, at, "template-not-rendered", `${text} is not inside a quoted string, so YAML reads it as a mapping and nothing can replace it. Put it in quotes: "${text}".`);
    }
  }
  const named = new Set(used.keys());
  const sourceText = new Map<string, string>();
  for (const [name, ref] of Object.entries(sources)) {
    const at = [...ATTACHMENT, "sources", name];
    const path = referencePath(dir, ref);
    // Named by the app even when it cannot be read (that is reported once, below, not again as an unused target).
    named.add(path);
    if (input.root !== undefined && !isWithin(path, input.root)) {
      diagnostics.push(outside(app, at, ref, "attachment source", input.root));
      continue;
    }
    const text = input.readFile(path, input.root);
    if (text === null || typeof text !== "string") {
      diagnostics.push(notFound(app, at, ref, "attachment source", text ?? undefined));
      continue;
    }
    sourceText.set(name, text);
    if (!used.has(path)) {
      // Parsed only for positions (an attachment may be any text); its YAML problems are not ours.
      const source = input.files.get(path) ?? input.parse(path, text);
      input.files.set(path, source);
      used.set(path, { path, source, references: scanReferences(text).map((ref) => ({ ref, at: offsetRange(source, ref.start, ref.end) })) });
    }
  }

  const targets = (section: string[], list: unknown, code: string, what: string): Set<string> => {
    const out = new Set<string>();
    ((list as string[] | undefined) ?? []).forEach((t, i) => {
      const path = referencePath(dir, t);
      if (used.has(path)) out.add(path);
      else if (!named.has(path)) {
        const usedRefs = [input.service?.ref, input.taskDefinition?.ref, ...Object.values(sources)].filter((r): r is string => !!r);
        report(app, app.rangeOf([...section, i]), code, `"${t}" is not a file this app uses, so ${what} would change nothing. The app uses: ${usedRefs.length ? usedRefs.map((r) => `"${r}"`).join(", ") : "no files"} (paths relative to the app's folder). Fix the path, or remove the entry.`);
      }
    });
    return out;
  };
  const decrypted = targets([...ENCRYPTION, "decryptionTargets"], encryption.decryptionTargets, "decryption-target-unused", "decrypting secrets into it");
  const attached = targets([...ATTACHMENT, "targets"], attachment.targets, "attachment-target-unused", "attaching files into it");

  for (const file of used.values()) {
    const rendered = decrypted.has(file.path) || attached.has(file.path);
    for (const { ref, at } of file.references) {
      if (!rendered) {
        const list = ref.kind === "encryptedSecrets" ? "spec.encryption.decryptionTargets" : "spec.attachment.targets";
        report(file.source, at, "template-not-rendered", `${ref.text} is in a file that is not in ${list}, so it would reach AWS as this literal text. Add "${relative(input, file.path)}" to ${list}.`);
      } else if (ref.kind === "encryptedSecrets") {
        if (ref.name === null) report(file.source, at, "secret-unknown", `${ref.text} is not a plain reference. Kanaria inserts secrets as \`{{ .encryptedSecrets.NAME }}\` or \`{{ index .encryptedSecrets "NAME" }}\`, without functions or pipes.`);
        else if (!(ref.name in secrets)) report(file.source, at, "secret-unknown", `No encrypted secret named "${ref.name}" in spec.encryption.encryptedSecrets${known(secrets)}. Add it (encrypt the value with \`kanaria encrypt\`), or fix the name.`);
      } else if (ref.name === null) {
        report(file.source, at, "attachment-unknown-source", `${ref.text} is not a plain reference. Kanaria inserts attachments as \`{{ .attachment.NAME }}\` or \`{{ index .attachment "NAME" }}\`, without functions or pipes.`);
      } else if (!(ref.name in sources)) {
        report(file.source, at, "attachment-unknown-source", `No attachment source named "${ref.name}" in spec.attachment.sources${known(sources)}. Add it, or fix the name.`);
      }
    }
  }

  const attach = (def: LoadedFile | null): LoadedFile | null => {
    if (!def || !attached.has(def.source.path)) return def;
    const v = mapStrings(def.value, (s) => replaceReferencesSync(s, "attachment", (name) => sourceText.get(name) ?? `{{ .attachment.${name} }}`));
    return { ...def, value: v as Record<string, unknown> };
  };
  const service = attach(input.service);
  const taskDefinition = attach(input.taskDefinition);
  const carried: Record<string, string> = {};
  for (const def of [service, taskDefinition]) {
    for (const s of stringsIn(def?.value)) {
      for (const r of scanReferences(s.text)) if (r.kind === "encryptedSecrets" && r.name !== null && wellFormed.has(r.name)) carried[r.name] = secrets[r.name];
    }
  }
  return { diagnostics, service, taskDefinition, secrets: Object.fromEntries(Object.entries(carried).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

const known = (m: Record<string, string>) => (Object.keys(m).length ? ` (there: ${Object.keys(m).join(", ")})` : " (there are none)");

function relative(input: SecretsInput, path: string): string {
  const prefix = input.dir === "." ? "" : `${input.dir}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function offsetRange(source: SourceFile, start: number, end: number): SourceRange {
  const s = source.position(start);
  const e = source.position(end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

/** References in the string values of a definition, each placed at its `{{` when the scalar is on one line. */
function valueReferences(source: SourceFile, value: unknown): UsedFile["references"] {
  const out: UsedFile["references"] = [];
  for (const s of stringsIn(value)) {
    const refs = scanReferences(s.text);
    if (refs.length === 0) continue;
    const span = source.valueSpan(s.path);
    const start = source.valueStart(s.path);
    for (const ref of refs) {
      const raw = ref.text;
      // Where the action sits in the file: exact for plain and quoted one-line scalars.
      const guess = start ? start.offset + (start.quoted ? 1 : 0) + s.text.indexOf(raw) : -1;
      const exact = span && guess >= 0 && source.text.slice(guess, guess + raw.length) === raw;
      out.push({ ref, at: exact ? offsetRange(source, guess, guess + raw.length) : source.rangeOf(s.path) });
    }
  }
  return out;
}

/**
 * References written as a bare YAML value (`value: {{ .encryptedSecrets.x }}`): YAML parses them
 * as a flow mapping, not as text. PipeCD renders the file before parsing, so they work there
 * for values without YAML syntax in them; Kanaria asks for quotes (the schema then accepts it).
 */
function unquotedReferences(source: SourceFile, value: unknown): { at: SourceRange; text: string }[] {
  if (!source.text.includes("{{")) return [];
  const spans: { start: number; end: number }[] = [];
  for (const s of stringsIn(value)) {
    if (!s.text.includes("{{")) continue;
    const span = source.valueSpan(s.path);
    if (span) spans.push(span);
  }
  spans.sort((a, b) => a.start - b.start);
  const out: { at: SourceRange; text: string }[] = [];
  let i = 0; // references come in text order: one pass over the sorted spans
  for (const ref of scanReferences(source.text)) {
    const at = source.text.indexOf("{{", ref.start);
    while (i < spans.length && spans[i].end <= at) i++;
    if (i < spans.length && spans[i].start <= at) continue;
    const lineStart = source.text.lastIndexOf("\n", at - 1) + 1;
    // Only where a value starts (after `key: ` or `- `), so comments and block scalars are left alone.
    if (!/^\s*(?:-\s+)*(?:[^#'"\s][^#]*:\s+)?(?:-\s+)?$/.test(source.text.slice(lineStart, at))) continue;
    out.push({ at: offsetRange(source, at, at + ref.text.length), text: ref.text });
  }
  return out;
}
