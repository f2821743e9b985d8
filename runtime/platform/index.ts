// The one place that knows whether we run on Bun or Deno. Everything else uses web-standard
// APIs (fetch, Request/Response, URL, crypto) and calls these helpers for the rest.

declare const Deno: any;

export const runtimeName: "bun" | "deno" | "node" =
  typeof (globalThis as any).Bun !== "undefined" ? "bun" : typeof (globalThis as any).Deno !== "undefined" ? "deno" : "node";

export interface ServeOptions {
  /** Default 127.0.0.1: nothing listens on other interfaces unless asked. */
  hostname?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  hostname: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export type FetchHandler = (req: Request) => Response | Promise<Response>;

export async function serve(handler: FetchHandler, options: ServeOptions = {}): Promise<RunningServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (runtimeName === "bun") {
    const server = (globalThis as any).Bun.serve({ hostname, port, fetch: handler, idleTimeout: 0 });
    return {
      hostname,
      port: server.port,
      url: `http://${hostname}:${server.port}`,
      close: async () => {
        server.stop(true);
      },
    };
  }
  if (runtimeName === "deno") {
    const ready = Promise.withResolvers<number>();
    const server = Deno.serve({ hostname, port, onListen: (addr: { port: number }) => ready.resolve(addr.port) }, handler);
    const actual = await ready.promise;
    return {
      hostname,
      port: actual,
      url: `http://${hostname}:${actual}`,
      close: async () => {
        await server.shutdown();
      },
    };
  }
  throw new Error("Kanaria runs on Bun or Deno; start it with `bun` or `deno run -A`.");
}

/** Command-line arguments, without the runtime and script path. */
export function argv(): string[] {
  if (runtimeName === "deno") return [...Deno.args];
  return (globalThis as any).process.argv.slice(2);
}

export function env(name: string): string | undefined {
  if (runtimeName === "deno") return Deno.env.get(name);
  return (globalThis as any).process.env[name];
}

export function exit(code: number): never {
  if (runtimeName === "deno") Deno.exit(code);
  (globalThis as any).process.exit(code);
  throw new Error("unreachable");
}

/** Sets the exit status and lets pending output drain (process.exit can cut piped stdout). */
export function setExitCode(code: number): void {
  if (runtimeName === "deno") Deno.exitCode = code;
  else (globalThis as any).process.exitCode = code;
}
