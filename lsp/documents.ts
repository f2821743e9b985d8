// The open editor buffers, and the file reader compile() gets: an open buffer wins over the
// file on disk, so a half-saved taskdef is checked as the user sees it. Files on disk go through
// the CLI's guarded reader (regular files of at most 1 MiB, inside the repository).
import { fileURLToPath, pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver";
import type { FileReader } from "../compiler/compile.ts";
import { outsideRoot, readInputFile } from "../compiler/cli/fs-reader.ts";

export function uriToPath(uri: string): string {
  if (!uri.startsWith("file:")) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return decodeURIComponent(uri.replace(/^file:\/\//, ""));
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

export class DocumentStore {
  private readonly byUri = new Map<string, TextDocument>();
  /** Path -> uri of open documents (compile() speaks paths, the client speaks uris). */
  private readonly uriByPath = new Map<string, string>();

  open(uri: string, languageId: string, version: number, text: string): TextDocument {
    const doc = TextDocument.create(uri, languageId, version, text);
    this.byUri.set(uri, doc);
    this.uriByPath.set(uriToPath(uri), uri);
    return doc;
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): TextDocument | undefined {
    const doc = this.byUri.get(uri);
    if (!doc) return undefined;
    TextDocument.update(doc, changes, version);
    return doc;
  }

  close(uri: string): void {
    this.byUri.delete(uri);
    this.uriByPath.delete(uriToPath(uri));
  }

  get(uri: string): TextDocument | undefined {
    return this.byUri.get(uri);
  }

  byPath(path: string): TextDocument | undefined {
    const uri = this.uriByPath.get(path);
    return uri ? this.byUri.get(uri) : undefined;
  }

  all(): TextDocument[] {
    return [...this.byUri.values()];
  }

  /** Open buffer first, else the file on disk (guarded: see readInputFile); null when neither exists. */
  readonly readFile: FileReader = (path, within) => {
    const doc = this.byPath(path);
    if (!doc) return readInputFile(path, within);
    return outsideRoot(path, within) ?? doc.getText();
  };
}
