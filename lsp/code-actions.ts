// Code actions: the compiler's own fix for a diagnostic when it has one (legacy `{{ }}` ->
// `<< >>`, EXTERNAL deployment controller, ...), and for every diagnostic a way to suppress it
// with `# kanaria-disable-next-line <id>` on the line above.
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from "vscode-languageserver";
import type { Diagnostic } from "../compiler/diagnostics.ts";
import { toLspDiagnostic, toLspRange } from "./positions.ts";
import { splitLines } from "./positions.ts";

export interface CodeActionInput {
  uri: string;
  path: string;
  text: string;
  range: Range;
  /** Diagnostics the client sent with the request (may be empty). */
  context: LspDiagnostic[];
  /** What the server last published for this file (with the compiler's fixes). */
  known: Diagnostic[];
}

const overlaps = (a: Range, b: Range) =>
  !(a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character) || b.end.line < a.start.line || (b.end.line === a.start.line && b.end.character < a.start.character));

function match(known: Diagnostic[], d: LspDiagnostic): Diagnostic | undefined {
  const r = d.range;
  return known.find((k) => {
    const kr = toLspRange(k);
    return k.code === d.code && kr.start.line === r.start.line && kr.start.character === r.start.character && kr.end.line === r.end.line && kr.end.character === r.end.character;
  });
}

const DIRECTIVE = /^(\s*)#\s*kanaria-disable-next-line\b(.*)$/;

export function codeActions(input: CodeActionInput): CodeAction[] {
  const fromClient = input.context.filter((d) => d.source === "kanaria" || d.source === undefined);
  const targets: { lsp: LspDiagnostic; diag: Diagnostic | undefined }[] = fromClient.length
    ? fromClient.map((lsp) => ({ lsp, diag: match(input.known, lsp) }))
    : input.known.filter((k) => overlaps(toLspRange(k), input.range)).map((diag) => ({ lsp: toLspDiagnostic(diag), diag }));
  const lines = splitLines(input.text);
  const actions: CodeAction[] = [];
  const suppressed = new Set<string>();
  for (const { lsp, diag } of targets) {
    if (diag?.fix) {
      actions.push({
        title: diag.fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lsp],
        isPreferred: true,
        edit: { changes: { [input.uri]: diag.fix.edits.map((e): TextEdit => ({ range: toLspRange(e.range), newText: e.newText })) } },
      });
    }
    const code = String(lsp.code ?? "");
    // Parse errors can't be suppressed, and JSON has no comments.
    if (!code || code === "yaml-syntax" || /\.json$/i.test(input.path)) continue;
    const line = lsp.range.start.line;
    if (suppressed.has(`${line}:${code}`)) continue;
    suppressed.add(`${line}:${code}`);
    actions.push({ title: `Suppress ${code} on this line (# kanaria-disable-next-line ${code})`, kind: CodeActionKind.QuickFix, diagnostics: [lsp], edit: { changes: { [input.uri]: [suppressEdit(lines, line, code)] } } });
  }
  return actions;
}

/** Adds `code` to a directive already on the line above, or inserts a new directive line. */
export function suppressEdit(lines: string[], line: number, code: string): TextEdit {
  const above = line > 0 ? lines[line - 1] : undefined;
  const m = above === undefined ? null : DIRECTIVE.exec(above);
  if (m && m[2].trim() !== "") {
    const end = above!.trimEnd().length;
    return { range: { start: { line: line - 1, character: end }, end: { line: line - 1, character: end } }, newText: `, ${code}` };
  }
  const indent = /^\s*/.exec(lines[line] ?? "")![0];
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# kanaria-disable-next-line ${code}\n` };
}
