// Document symbols: for an app, its input files and the pipeline as an outline of stages (with
// their ids, as the graph and the status pages name them); for other files, the top-level keys.
// Uses the yaml package's tolerant parse, so a half-typed line elsewhere keeps the outline.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair } from "yaml";
import { SymbolKind, type DocumentSymbol, type Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";

function rangeOf(doc: TextDocument, node: { range?: [number, number, number] | null } | null | undefined): Range | null {
  if (!node?.range) return null;
  return { start: doc.positionAt(node.range[0]), end: doc.positionAt(node.range[1]) };
}

function pairRange(doc: TextDocument, pair: Pair): Range | null {
  const k = rangeOf(doc, pair.key as Node);
  const v = rangeOf(doc, pair.value as Node);
  if (!k) return v;
  return { start: k.start, end: v && (v.end.line > k.end.line || (v.end.line === k.end.line && v.end.character > k.end.character)) ? v.end : k.end };
}

function get(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
}

const scalar = (p: Pair | undefined) => (p && isScalar(p.value) ? String(p.value.value ?? "") : undefined);

export function documentSymbols(doc: TextDocument, isApp: boolean): DocumentSymbol[] {
  const parsed = parseDocument(doc.getText(), { strict: false, uniqueKeys: false });
  const root = parsed.contents;
  if (!isMap(root)) return [];
  if (!isApp) return topLevel(doc, root.items as Pair[]);
  const spec = get(root, "spec")?.value;
  const out: DocumentSymbol[] = [];
  // PipeCD v1 keeps the ECS input under spec.plugins.ecs.
  const input = get(spec, "input") ?? get(get(get(spec, "plugins")?.value, "ecs")?.value, "input");
  const inputRange = input && pairRange(doc, input);
  if (input && inputRange) {
    const children: DocumentSymbol[] = [];
    for (const key of ["serviceDefinitionFile", "taskDefinitionFile"]) {
      const p = get(input.value, key);
      const r = p && pairRange(doc, p);
      if (p && r) children.push({ name: scalar(p) || key, detail: key, kind: SymbolKind.File, range: r, selectionRange: rangeOf(doc, p.value as Node) ?? r });
    }
    out.push({ name: "input", kind: SymbolKind.Namespace, range: inputRange, selectionRange: rangeOf(doc, input.key as Node) ?? inputRange, children });
  }
  const pipeline = get(spec, "pipeline");
  const pipelineRange = pipeline && pairRange(doc, pipeline);
  if (pipeline && pipelineRange) {
    const stages = get(pipeline.value, "stages")?.value;
    const children: DocumentSymbol[] = [];
    if (isSeq(stages)) {
      stages.items.forEach((item, i) => {
        const r = rangeOf(doc, item as Node);
        if (!r) return;
        const nameP = get(item, "name");
        const name = scalar(nameP) || "(stage without name)";
        const id = scalar(get(item, "id")) || `stage-${i}`;
        children.push({ name: `${id}: ${name}`, detail: name, kind: SymbolKind.Event, range: r, selectionRange: rangeOf(doc, nameP?.value as Node) ?? r });
      });
    }
    out.push({ name: "pipeline", detail: `${children.length} stages`, kind: SymbolKind.Array, range: pipelineRange, selectionRange: rangeOf(doc, pipeline.key as Node) ?? pipelineRange, children });
  }
  return out;
}

function topLevel(doc: TextDocument, pairs: Pair[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const p of pairs) {
    if (!isPair(p) || !isScalar(p.key)) continue;
    const r = pairRange(doc, p);
    if (!r) continue;
    out.push({ name: String(p.key.value), kind: isSeq(p.value) ? SymbolKind.Array : isMap(p.value) ? SymbolKind.Object : SymbolKind.Property, range: r, selectionRange: rangeOf(doc, p.key as Node) ?? r });
  }
  return out;
}
