// The language server: wires LSP requests to the workspace model and the feature modules.
// Every handler is wrapped: a half-typed document must never take the server down, so errors
// go to the client's log and the request gets an empty answer.
import {
  CodeActionKind,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Message,
  type MessageReader,
} from "vscode-languageserver/node";
import { isAbsolute, resolve } from "node:path";
import { COMPILER_ID } from "../compiler/version.ts";
import { uriToPath } from "./documents.ts";
import { Workspace } from "./workspace.ts";
import { hover } from "./hover.ts";
import { complete } from "./completion.ts";
import { definition } from "./definition.ts";
import { repositoryRoot } from "../compiler/cli/fs-reader.ts";
import { documentSymbols } from "./symbols.ts";
import { codeActions } from "./code-actions.ts";

export interface ServerOptions {
  /** Notified of every incoming message before it is queued (see coalescing in didChange). */
  versions?: LatestVersions;
}

/**
 * The newest version of each document the client has sent, seen as messages arrive (before the
 * connection queues them). A didChange whose version is already superseded only updates the
 * text: the queued newer change will check it, so a burst of edits is checked once.
 */
export class LatestVersions {
  readonly latest = new Map<string, number>();

  wrap(reader: MessageReader): MessageReader {
    const latest = this.latest;
    return {
      onError: reader.onError,
      onClose: reader.onClose,
      onPartialMessage: reader.onPartialMessage,
      dispose: () => reader.dispose(),
      listen: (callback) =>
        reader.listen((message: Message) => {
          const m = message as { method?: string; params?: any };
          if (m.method === "textDocument/didChange" || m.method === "textDocument/didOpen") {
            const td = m.params?.textDocument;
            if (td && typeof td.uri === "string" && typeof td.version === "number") latest.set(td.uri, td.version);
          }
          callback(message);
        }),
    };
  }

  superseded(uri: string, version: number): boolean {
    const v = this.latest.get(uri);
    return v !== undefined && v > version;
  }
}

export function startServer(connection: Connection, options: ServerOptions = {}): Workspace {
  const ws = new Workspace((params) => void connection.sendDiagnostics(params));
  const log = (where: string, e: unknown) => connection.console.error(`kanaria lsp: ${where}: ${(e as Error)?.stack ?? e}`);
  function safe<A extends unknown[], R>(where: string, fallback: R, fn: (...a: A) => R): (...a: A) => R {
    return (...a) => {
      try {
        return fn(...a);
      } catch (e) {
        log(where, e);
        return fallback;
      }
    };
  }

  connection.onInitialize(
    safe("initialize", {} as InitializeResult, (params: InitializeParams): InitializeResult => {
      const opts = (params.initializationOptions ?? {}) as { configPath?: string };
      const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? null;
      const rootPath = root ? uriToPath(root) : (params.rootPath ?? process.cwd());
      if (typeof opts.configPath === "string" && opts.configPath) {
        const p = opts.configPath.startsWith("file:") ? uriToPath(opts.configPath) : opts.configPath;
        ws.configs.explicitPath = isAbsolute(p) ? p : resolve(rootPath, p);
      }
      return {
        capabilities: {
          textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
          hoverProvider: true,
          completionProvider: { triggerCharacters: [".", " ", ":", "<", "-"], resolveProvider: false },
          definitionProvider: true,
          documentSymbolProvider: true,
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        },
        serverInfo: { name: "kanaria", version: COMPILER_ID },
      };
    }),
  );

  connection.onDidOpenTextDocument(
    safe("didOpen", undefined, (p) => {
      const d = p.textDocument;
      ws.docs.open(d.uri, d.languageId, d.version, d.text);
      if (!options.versions?.superseded(d.uri, d.version)) ws.changed(uriToPath(d.uri));
    }),
  );

  connection.onDidChangeTextDocument(
    safe("didChange", undefined, (p) => {
      const { uri, version } = p.textDocument;
      if (!ws.docs.change(uri, version, p.contentChanges)) return;
      if (options.versions?.superseded(uri, version)) return;
      ws.changed(uriToPath(uri));
    }),
  );

  connection.onDidCloseTextDocument(
    safe("didClose", undefined, (p) => {
      const path = uriToPath(p.textDocument.uri);
      ws.docs.close(p.textDocument.uri);
      ws.closed(path);
    }),
  );

  connection.onDidChangeWatchedFiles(
    safe("didChangeWatchedFiles", undefined, (p) => {
      for (const c of p.changes) {
        const path = uriToPath(c.uri);
        if (!ws.docs.byPath(path)) ws.changed(path);
      }
    }),
  );

  const docFor = (uri: string) => {
    const doc = ws.docs.get(uri);
    if (!doc) return null;
    const path = uriToPath(uri);
    return { doc, path, kind: ws.kindOf(path) };
  };

  connection.onHover(
    safe("hover", null, (p) => {
      const d = docFor(p.textDocument.uri);
      if (!d) return null;
      return hover({ text: d.doc.getText(), position: p.position, kind: d.kind, app: d.kind === "app" ? ws.appState(d.path) : undefined });
    }),
  );

  connection.onCompletion(
    safe("completion", null, (p) => {
      const d = docFor(p.textDocument.uri);
      if (!d) return null;
      const app = d.kind === "app" ? ws.appState(d.path) : undefined;
      const config = d.kind === "app" ? ws.configs.load(app?.configPath ?? ws.configs.pathFor(d.path)) : null;
      return complete({ text: d.doc.getText(), position: p.position, kind: d.kind, path: d.path, app, config });
    }),
  );

  connection.onDefinition(
    safe("definition", null, (p) => {
      const d = docFor(p.textDocument.uri);
      if (d?.kind !== "app") return null;
      return definition(d.doc.getText(), p.position, d.path, ws.docs.readFile, repositoryRoot(d.path));
    }),
  );

  connection.onDocumentSymbol(
    safe("documentSymbol", null, (p) => {
      const d = docFor(p.textDocument.uri);
      if (!d) return null;
      return documentSymbols(d.doc, d.kind === "app");
    }),
  );

  connection.onCodeAction(
    safe("codeAction", null, (p) => {
      const d = docFor(p.textDocument.uri);
      if (!d) return null;
      if (d.kind === "app") ws.appState(d.path);
      return codeActions({ uri: p.textDocument.uri, path: d.path, text: d.doc.getText(), range: p.range, context: p.context.diagnostics, known: ws.publisher.get(d.path) });
    }),
  );

  return ws;
}
