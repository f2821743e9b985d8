// Several `kanaria serve` replicas on one store, and the simulator in a process of its own, for
// the failover and fencing tests and the replica benchmark. Every process is a real child process
// (kill -9, SIGSTOP and SIGCONT reach it as they would in a container); each replica tags its AWS
// requests with its name (the SDK's app id, AWS_SDK_UA_APP_ID), so the simulator's request log
// (GET /_sim/requests) tells which replica called.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { Scenario } from "../../runtime/simulator/index.ts";
import type { SimRequest } from "../../runtime/simulator/state.ts";
import { freePort } from "./net.ts";
import { PATIENCE_MS, until } from "./until.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BUN = join(ROOT, "node_modules/.bin/bun");
const CLI = join(ROOT, "bin/kanaria.ts");
const AWS_ENV = { AWS_ACCESS_KEY_ID: "sim", AWS_SECRET_ACCESS_KEY: "sim", AWS_REGION: "us-east-1" };

export interface Proc {
  readonly pid: number;
  output(): string;
  /** Resolves when the process has exited (code or signal). */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  signal(sig: "SIGKILL" | "SIGSTOP" | "SIGCONT" | "SIGTERM"): void;
  /** SIGTERM (after SIGCONT), SIGKILL if it is still there after a while; waits for the exit. */
  stop(): Promise<void>;
}

function startProc(args: string[], env: Record<string, string>): Proc {
  const child: ChildProcess = spawn(BUN, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...AWS_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      gone = true;
      resolve({ code, signal });
    });
  });
  // Through process.kill: Deno's ChildProcess.kill takes SIGSTOP/SIGCONT for the end of the child.
  const send = (sig: string) => {
    try {
      if (!gone && child.pid) process.kill(child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  return {
    pid: child.pid as number,
    output: () => out,
    exited,
    signal: send,
    async stop() {
      if (gone) return;
      send("SIGCONT");
      send("SIGTERM");
      const t = setTimeout(() => send("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function waitForLine(p: Proc, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  let done = false;
  void p.exited.then(() => (done = true));
  return until(
    what,
    () => {
      const m = pattern.exec(p.output());
      if (m) return m;
      if (done) throw new Error(`${what}: the process exited first:\n${p.output()}`);
      return null;
    },
    PATIENCE_MS,
    50,
  ).catch((e) => {
    throw new Error(`${e.message}\n${p.output()}`);
  });
}

export interface SimulatorProcess extends Proc {
  url: string;
  /** AWS requests the simulator received (all, or one replica's). */
  requests(caller?: string): Promise<SimRequest[]>;
  /** Target group ARNs by name, read with the real SDK. */
  targetGroupArns(): Promise<Map<string, string>>;
}

/** `kanaria simulate` in its own process, on a free port, with the scenario given. */
export async function startSimulatorProcess(dir: string, scenario: Scenario, timeScale: number): Promise<SimulatorProcess> {
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, JSON.stringify(scenario)); // JSON is YAML
  const port = await freePort();
  const p = startProc(["simulate", "--port", String(port), "--scenario", file, "--time-scale", String(timeScale)], {});
  await waitForLine(p, /kanaria simulator listening on (\S+)/, "the simulator to listen");
  const url = `http://127.0.0.1:${port}`;
  return {
    ...p,
    url,
    async requests(caller) {
      const res = await fetch(`${url}/_sim/requests${caller ? `?caller=${encodeURIComponent(caller)}` : ""}`);
      return ((await res.json()) as { requests: SimRequest[] }).requests;
    },
    async targetGroupArns() {
      const elb = new ElasticLoadBalancingV2Client({ region: "us-east-1", endpoint: url, credentials: { accessKeyId: "sim", secretAccessKey: "sim" } });
      try {
        const out = new Map<string, string>();
        let marker: string | undefined;
        do {
          const r = await elb.send(new DescribeTargetGroupsCommand({ Marker: marker, PageSize: 400 }));
          for (const tg of r.TargetGroups ?? []) out.set(tg.TargetGroupName!, tg.TargetGroupArn!);
          marker = r.NextMarker;
        } while (marker);
        return out;
      } finally {
        elb.destroy();
      }
    },
  };
}

export interface ReplicaStore {
  /** A PostgreSQL URL (written to a urlFile); absent: SQLite under the replica's --data. */
  postgresUrl?: string;
  /** Lease TTL (runtime config store.leaseTtl), e.g. "3s". */
  leaseTtl?: string;
}

export const SERVER_TOKEN = "replica-test-token";

/** runtime.yaml for a replica: the simulator as platform provider `sim`, a server token, the store. */
export function writeReplicaConfig(dir: string, simUrl: string, store: ReplicaStore): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "token"), `${SERVER_TOKEN}\n`, { mode: 0o600 });
  const lines = [
    "apiVersion: kanaria.dev/v1alpha1",
    "kind: Runtime",
    "spec:",
    "  platformProviders:",
    "    - name: sim",
    "      type: ECS",
    "      config:",
    "        region: us-east-1",
    `        endpoints: { ecs: "${simUrl}", elbv2: "${simUrl}" }`,
    "  server:",
    "    tokenFile: token",
  ];
  if (store.postgresUrl || store.leaseTtl) lines.push("  store:");
  if (store.postgresUrl) {
    writeFileSync(join(dir, "postgres-url"), `${store.postgresUrl}\n`, { mode: 0o600 });
    lines.push("    type: postgres", "    config:", "      urlFile: postgres-url");
  }
  if (store.leaseTtl) lines.push(`    leaseTtl: ${store.leaseTtl}`);
  const file = join(dir, "runtime.yaml");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

export interface Replica extends Proc {
  name: string;
  url: string;
}

/** `kanaria serve` with the config, on a free port; resolves once it listens. */
export async function startReplica(name: string, config: string, o: { data?: string; timeScale?: number; env?: Record<string, string> } = {}): Promise<Replica> {
  const port = await freePort();
  const args = ["serve", "--config", config, "--address", `127.0.0.1:${port}`];
  if (o.data) args.push("--data", o.data);
  if (o.timeScale) args.push("--time-scale", String(o.timeScale));
  const p = startProc(args, { AWS_SDK_UA_APP_ID: name, ...(o.env ?? {}) });
  await waitForLine(p, /kanaria serve listening on/, `replica ${name} to listen`);
  return { ...p, name, url: `http://127.0.0.1:${port}` };
}

const auth = { authorization: `Bearer ${SERVER_TOKEN}` };

/** POST /api/deployments on a replica: the new deployment's id. */
export async function submitTo(replica: { url: string }, graph: unknown): Promise<string> {
  const res = await fetch(`${replica.url}/api/deployments`, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: JSON.stringify(graph) });
  const body = (await res.json()) as { id?: string; message?: string };
  // 409 duplicate: an earlier attempt reached a replica that died before it answered.
  if (res.status === 409 && body.id) return String(body.id);
  if (res.status !== 201) throw new Error(`submit to ${replica.url}: ${res.status} ${body.message ?? ""}`);
  return String(body.id);
}

/** submitTo the replica `first` (an index into the list as it is then), else the next ones: a client behind a load balancer. */
export async function submitToAny(replicas: Array<{ url: string }>, first: number, graph: unknown): Promise<string> {
  let last: unknown;
  for (let k = 0; k < replicas.length * 3; k++) {
    try {
      return await submitTo(replicas[(first + k) % replicas.length], graph);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw last;
}

export interface DeploymentView {
  id: string;
  state: string;
  currentNode: string | null;
  error: string | null;
}

export async function deploymentOn(replica: { url: string }, id: string): Promise<DeploymentView> {
  const res = await fetch(`${replica.url}/api/deployments/${id}`);
  if (!res.ok) throw new Error(`GET /api/deployments/${id} on ${replica.url}: ${res.status}`);
  return (await res.json()) as DeploymentView;
}
