// A minimal LSP client for the tests and the benchmark: spawns a server, frames JSON-RPC with
// Content-Length headers, matches responses to requests, records notifications, and answers the
// few server-to-client requests servers make (configuration, registration, progress).
import { spawn, type ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import { PATIENCE_MS } from "../helpers/until.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const isDeno = typeof (globalThis as any).Deno !== "undefined";

export interface Notification {
  method: string;
  params: any;
  at: number;
}

export const uri = (path: string) => pathToFileURL(path).href;

/** How to start `kanaria lsp --stdio` on the runtime that runs the caller. */
export function kanariaCommand(): { cmd: string; args: string[] } {
  return isDeno
    ? { cmd: `${ROOT}node_modules/.bin/deno`, args: ["run", "--allow-all", "--no-check", `${ROOT}bin/kanaria.ts`, "lsp", "--stdio"] }
    : { cmd: `${ROOT}node_modules/.bin/bun`, args: [`${ROOT}bin/kanaria.ts`, "lsp", "--stdio"] };
}

export class LspClient {
  readonly notifications: Notification[] = [];
  readonly stderr: string[] = [];
  private buffer = new Uint8Array(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; method: string }>();
  private waiters: { test: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];
  private readonly exited: Promise<number | null>;
  /** Answer to `workspace/configuration` items (by section). */
  configuration: Record<string, unknown> = {};
  readonly child: ChildProcess;

  constructor(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
    this.child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, stdio: ["pipe", "pipe", "pipe"], env: options.env ?? { ...process.env, NO_COLOR: "1" } });
    this.child.stdout!.on("data", (chunk: Uint8Array) => this.onData(chunk));
    this.child.stderr!.on("data", (chunk: Uint8Array) => this.stderr.push(new TextDecoder().decode(chunk)));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    this.exited.then(() => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited during ${p.method}: ${this.stderr.join("")}`));
      this.pending.clear();
    });
  }

  static kanaria(options: { cwd?: string } = {}): LspClient {
    const { cmd, args } = kanariaCommand();
    return new LspClient(cmd, args, options);
  }

  private onData(chunk: Uint8Array): void {
    const merged = new Uint8Array(this.buffer.length + chunk.length);
    merged.set(this.buffer);
    merged.set(chunk, this.buffer.length);
    this.buffer = merged;
    for (;;) {
      const headerEnd = indexOfCrlfCrlf(this.buffer);
      if (headerEnd < 0) return;
      const header = new TextDecoder().decode(this.buffer.subarray(0, headerEnd));
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) throw new Error(`bad header: ${header}`);
      const len = Number(m[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + len) return;
      const body = new TextDecoder().decode(this.buffer.subarray(start, start + len));
      this.buffer = this.buffer.slice(start + len);
      this.dispatch(JSON.parse(body));
    }
  }

  private dispatch(msg: any): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      // A request from the server.
      let result: unknown = null;
      if (msg.method === "workspace/configuration") result = (msg.params?.items ?? []).map((i: { section?: string }) => (i.section ? (this.configuration[i.section] ?? null) : this.configuration));
      this.send({ jsonrpc: "2.0", id: msg.id, result });
      return;
    }
    const n: Notification = { method: msg.method, params: msg.params, at: performance.now() };
    this.notifications.push(n);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(n)) return true;
      w.resolve(n);
      return false;
    });
  }

  private send(msg: unknown): void {
    const body = new TextEncoder().encode(JSON.stringify(msg));
    const head = new TextEncoder().encode(`Content-Length: ${body.length}\r\n\r\n`);
    const out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    this.child.stdin!.write(out);
  }

  request<T = any>(method: string, params: unknown, timeoutMs = PATIENCE_MS): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms; stderr: ${this.stderr.join("")}`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The first notification (already received or future) that passes `test`. */
  waitFor(test: (n: Notification) => boolean, timeoutMs = PATIENCE_MS, since = 0): Promise<Notification> {
    const seen = this.notifications.slice(since).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching notification within ${timeoutMs} ms; got: ${this.notifications.map((x) => `${x.method} ${x.params?.uri ?? ""} v${x.params?.version ?? ""}`).join(", ")}; stderr: ${this.stderr.join("")}`));
      }, timeoutMs);
      const done = (n: Notification) => {
        clearTimeout(timer);
        resolve(n);
      };
      this.waiters.push({ test, resolve: done });
    });
  }

  /** Diagnostics published for `uri` (optionally: for exactly `version`), received after index `since`. */
  diagnostics(uriValue: string, version?: number, since = 0, timeoutMs = PATIENCE_MS): Promise<any> {
    return this.waitFor((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uriValue && (version === undefined || n.params.version === version), timeoutMs, since).then((n) => n.params);
  }

  async initialize(params: Record<string, unknown> = {}): Promise<any> {
    const result = await this.request("initialize", {
      processId: null,
      rootUri: uri(ROOT),
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ["markdown", "plaintext"] }, completion: { completionItem: { snippetSupport: true } } }, workspace: { configuration: true } },
      ...params,
    });
    this.notify("initialized", {});
    return result;
  }

  open(path: string, text: string, version = 1, languageId = "yaml"): string {
    const u = uri(path);
    this.notify("textDocument/didOpen", { textDocument: { uri: u, languageId, version, text } });
    return u;
  }

  /** Replaces the whole text (a full-document change). */
  change(u: string, version: number, text: string): void {
    this.notify("textDocument/didChange", { textDocument: { uri: u, version }, contentChanges: [{ text }] });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    try {
      await this.request("shutdown", null, 5000);
      this.notify("exit", null);
    } catch {
      this.child.kill();
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

function indexOfCrlfCrlf(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}
