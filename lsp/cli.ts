// `kanaria lsp --stdio`: the language server over stdin/stdout (the only transport editors
// need). Resolves when the client closes the connection; the `exit` notification ends the
// process from inside vscode-languageserver, as the protocol asks.
import { exit } from "../runtime/platform/index.ts";
import { LatestVersions, startServer } from "./server.ts";

const HELP = `Usage: kanaria lsp --stdio

Language server for app.pipecd.yaml (and *.pipecd.yaml), their service/task definition
files and the runtime config: diagnostics as you type, hover, completion, go to definition,
outline, quick fixes. Speaks LSP over stdin/stdout.

Initialization options:
  configPath   runtime config (provider names); default: nearest .kanaria/runtime.yaml
`;

export async function lspCommand(args: string[]): Promise<number> {
  const proc = (globalThis as any).process;
  if (args.includes("--help") || args.includes("-h")) {
    proc.stdout.write(HELP);
    return 0;
  }
  const unknown = args.filter((a) => a !== "--stdio" && !a.startsWith("--clientProcessId"));
  if (unknown.length) {
    proc.stderr.write(`kanaria lsp: unknown option ${unknown[0]} (only --stdio is supported)\n\n${HELP}`);
    return 2;
  }
  const { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } = await import("vscode-languageserver/node");
  const versions = new LatestVersions();
  const reader = versions.wrap(new StreamMessageReader(proc.stdin));
  const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(proc.stdout));
  let shutdown = false;
  startServer(connection, { versions });
  connection.onShutdown(() => {
    shutdown = true;
  });
  return new Promise<number>((resolve) => {
    reader.onClose(() => {
      const code = shutdown ? 0 : 1;
      resolve(code);
      // Timers (the client-process watchdog) would keep the process alive: end it.
      setTimeout(() => exit(code), 0);
    });
    connection.listen();
  });
}
