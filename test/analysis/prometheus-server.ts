// A real Prometheus for the provider tests (Debian package `prometheus`: apt-get install -y
// prometheus). Loads fixed OpenMetrics data with `promtool tsdb create-blocks-from openmetrics`,
// starts `prometheus` on a free 127.0.0.1 port with a minimal config (no scraping, basic auth
// from a web config), waits for /-/ready and stops it afterwards.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { freePort } from "../helpers/net.ts";
import { requirement } from "../helpers/requirement.ts";
import { join } from "node:path";
import { env } from "../../runtime/platform/index.ts";
import { tempDir } from "./helpers.ts";

export const PROMETHEUS_USER = "kanaria";
export const PROMETHEUS_PASSWORD = "kanaria-pass";
/** bcrypt (cost 4) of PROMETHEUS_PASSWORD, computed once with Bun.password.hash. */
const PASSWORD_HASH = "$2b$04$oKAi7mY61EVOZXxbHIKzHOvfGiN85SiO7wOZPZPkLFZ2bssTYB1/m";

export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
}

function which(name: string): string | null {
  for (const dir of ["/usr/bin", "/usr/local/bin", "/bin", ...(env("PATH") ?? "").split(":")]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

export function findPrometheus(): PrometheusBinaries | null {
  // PROMETHEUS_BIN / PROMTOOL_BIN override the lookup (a path that does not exist = missing).
  const pick = (override: string | undefined, name: string) => (override !== undefined ? (existsSync(override) ? override : null) : which(name));
  const prometheus = pick(env("PROMETHEUS_BIN"), "prometheus");
  const promtool = pick(env("PROMTOOL_BIN"), "promtool");
  return prometheus && promtool ? { prometheus, promtool } : null;
}

export const MISSING =
  "Prometheus is not installed (/usr/bin/prometheus and /usr/bin/promtool); install it with `apt-get update && apt-get install -y prometheus`";

/**
 * `{skip}` for node:test when the binaries are missing; under CI=true the tests run anyway and
 * fail with the message instead of being skipped.
 */
export function prometheusRequirement(): { skip?: string } {
  return requirement("real-Prometheus tests", findPrometheus() !== null, MISSING);
}


export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** Starts Prometheus over the OpenMetrics text (must end with `# EOF`). */
export async function startPrometheus(openMetrics: string, o: { basicAuth?: boolean } = {}): Promise<RunningPrometheus> {
  const bins = findPrometheus();
  if (!bins) throw new Error(MISSING);
  const dir = tempDir("kanaria-prometheus-");
  const data = join(dir, "data");
  mkdirSync(data);
  writeFileSync(join(dir, "metrics.om"), openMetrics);
  const created = spawnSync(bins.promtool, ["tsdb", "create-blocks-from", "openmetrics", join(dir, "metrics.om"), data], { encoding: "utf8" });
  if (created.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics failed (${created.status}): ${created.stderr || created.stdout}`);
  writeFileSync(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
  const args = [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${data}`,
    "--storage.tsdb.retention.time=100y",
  ];
  if (o.basicAuth) {
    writeFileSync(join(dir, "web.yml"), `basic_auth_users:\n  ${PROMETHEUS_USER}: ${PASSWORD_HASH}\n`);
    args.push(`--web.config.file=${join(dir, "web.yml")}`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(bins.prometheus, [...args, `--web.listen-address=127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (c) => (stderr = (stderr + c.toString()).slice(-4000)));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(url, child, () => stderr, o.basicAuth);
      return { url, stop: () => stop(child) };
    } catch (e) {
      lastError = e;
      await stop(child);
    }
  }
  throw lastError;
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string, auth?: boolean): Promise<void> {
  const headers: Record<string, string> = auth ? { authorization: `Basic ${btoa(`${PROMETHEUS_USER}:${PROMETHEUS_PASSWORD}`)}` } : {};
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(`${url}/-/ready`, { headers });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus did not become ready within 30 s: ${stderr()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** OpenMetrics for `requests_total{variant, code}` every 15 s over [startSec, endSec). */
export function requestsOpenMetrics(startSec: number, endSec: number, errorRates: Record<string, number>, rps = 10): string {
  const lines = ["# HELP requests Requests served.", "# TYPE requests counter"];
  for (const [variant, rate] of Object.entries(errorRates)) {
    for (const code of ["200", "500"]) {
      let total = 0;
      let step = 0;
      for (let t = startSec; t < endSec; t += 15, step++) {
        const n = rps * 15;
        // Deterministic jitter so the series is not flat (Mann-Whitney needs some spread).
        const errors = Math.round(n * rate * (1 + 0.2 * Math.sin(step * 1.7)));
        total += code === "500" ? errors : n - errors;
        lines.push(`requests_total{variant="${variant}",code="${code}"} ${total} ${t}`);
      }
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
