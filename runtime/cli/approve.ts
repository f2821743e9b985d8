// `kanaria approve ID --server URL --token-file F`: approves the WAIT_APPROVAL stage deployment
// ID is waiting at, as the approver the token belongs to. Exit 0 approved (or already counted),
// 1 refused / not waiting / unreachable, 2 usage error.
import { readToken } from "./config.ts";
import { env } from "../platform/index.ts";
import { flagString as str, parseArgs, UsageError } from "../../compiler/cli/args.ts";

const USAGE = `Usage: kanaria approve ID --server URL [--token-file FILE]

Approves the WAIT_APPROVAL stage that deployment ID is waiting at.

Options:
  --server URL        the \`kanaria serve\` to talk to (default: $KANARIA_SERVER)
  --token-file FILE   file holding your approver token (default: $KANARIA_APPROVER_TOKEN)
  --node ID           only approve if the deployment waits at this node
  -h, --help          this help

Exit status: 0 approved, 1 refused or not waiting, 2 usage error.`;

export interface ApproveIo {
  out(line: string): void;
  err(line: string): void;
  fetch?: typeof fetch;
}

const defaultIo: ApproveIo = { out: (s) => console.log(s), err: (s) => console.error(s) };

export async function approveCommand(args: string[], io: ApproveIo = defaultIo): Promise<number> {
  let id: string;
  let server: string;
  let token: string;
  let node: string | undefined;
  try {
    const p = parseArgs(args, { booleans: ["help"], values: ["server", "token-file", "node"] });
    if (p.flags.has("help")) {
      io.out(USAGE);
      return 0;
    }
    if (p.positionals.length !== 1) throw new UsageError(p.positionals.length ? "give exactly one deployment ID" : "missing the deployment ID");
    id = p.positionals[0];
    const s = str(p, "server") ?? env("KANARIA_SERVER");
    if (!s) throw new UsageError("missing --server URL");
    server = s.replace(/\/+$/, "");
    const file = str(p, "token-file");
    if (file) {
      try {
        token = readToken(file);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else token = env("KANARIA_APPROVER_TOKEN")?.trim() ?? "";
    if (!token) throw new UsageError("no approver token: give --token-file FILE or set KANARIA_APPROVER_TOKEN");
    node = str(p, "node");
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kanaria approve: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const url = `${server}/api/deployments/${encodeURIComponent(id)}/approve${node ? `?node=${encodeURIComponent(node)}` : ""}`;
  let res: Response;
  try {
    res = await (io.fetch ?? fetch)(url, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    io.err(`kanaria approve: cannot reach ${server}: ${(e as Error).message}`);
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, any>;
  if (res.ok) {
    io.out(`${body.message ?? "Approved."}${body.complete ? ` ${body.nodeId} can proceed.` : ""}`);
    return 0;
  }
  io.err(`kanaria approve: ${res.status} ${body.message ?? res.statusText}`);
  return 1;
}
