// Reads the runtime config (`--config runtime.yaml`) into what the runtime needs: platform and
// analysis providers, notifications, the server address, its token and the approver tokens,
// the store path. Secrets are read from the files the config names, relative to its folder.
import { dirname, resolve } from "node:path";
import { analysisEntries, loadRuntimeConfig, platformEntries, type RuntimeConfig } from "../../compiler/runtime-config.ts";
import { readInputFile } from "../../compiler/cli/fs-reader.ts";
import type { Diagnostic } from "../../compiler/diagnostics.ts";
import type { RuntimeSpec } from "../../compiler/validate/generated/types/runtime.ts";
import type { PlatformProvider } from "../aws/clients.ts";
import type { AnalysisProviderSpec } from "../analysis/providers/registry.ts";
import type { NotificationsConfig } from "../notifications/notifier.ts";
import { loadApproverTokens, type ApproverTokens } from "../approvals/tokens.ts";
import { SecretKeyring } from "../secrets/keyring.ts";
import { parseDuration } from "../../compiler/resolve/duration.ts";

export interface RuntimeSettings {
  providers: PlatformProvider[];
  analysisProviders: AnalysisProviderSpec[];
  notifications: NotificationsConfig | undefined;
  /** Folder relative paths in the config are resolved from. */
  baseDir: string;
  address: { hostname: string; port: number };
  /** server.allowedHosts: Host names the API answers for besides loopback ones. */
  allowedHosts: string[];
  /** server.tokenFile and server.approvers.tokensFile, absolute; read by serverSecrets() (serve only). */
  tokenFile: string | null;
  approversFile: string | null;
  storePath: string | null;
  /** store.type postgres: the URL file (absolute; read by openRuntime, never logged) and pool size. */
  postgres: PostgresSettings | null;
  /** store.leaseTtl in ms (null: the default, 15 s): see executor/ownership.ts. */
  leaseTtlMs: number | null;
  /** The validated config as written (deploy's compile checks provider names against it). */
  raw: RuntimeConfig | null;
  /** What loading the config found short of an error (YAML warnings), for the command to show. */
  warnings: Diagnostic[];
  /** secretManagement's private key, read from its file (never logged). */
  secrets: SecretKeyring | null;
  /** secretManagement's public key file, for `kanaria encrypt --config`. */
  publicKeyFile: string | null;
  /** spec.repositories and spec.git (GitOps); null when no repository is watched. */
  gitops: GitopsSettings | null;
}

export interface GitopsSettings {
  repositories: Array<{ repoId: string; remote: string; branch: string; apps: string[] | null }>;
  /** Absolute paths; read by gitopsSecrets() (serve only). */
  sshKeyFile: string | null;
  httpsTokenFile: string | null;
  username: string | null;
  webhookSecretFile: string | null;
  pollIntervalMs: number;
  driftIntervalMs: number;
}

export const DEFAULT_POLL_INTERVAL = "1m";

function gitopsSettings(spec: RuntimeSpec, rel: (p: string | undefined) => string | undefined, path: string, source: RuntimeConfig["source"]): GitopsSettings | null {
  const repos = spec.repositories ?? [];
  const git = spec.git ?? {};
  const interval = (key: "pollInterval" | "driftInterval") => {
    const ms = parseDuration(git[key] ?? DEFAULT_POLL_INTERVAL) ?? 0;
    if (ms > 0) return ms;
    const at = source?.rangeOf(["spec", "git", key]);
    throw new ConfigError(`${path}:${at?.line ?? 1}:${at?.column ?? 1} error schema spec.git.${key} must be above 0 (for example 1m).`);
  };
  const pollIntervalMs = interval("pollInterval");
  const driftIntervalMs = interval("driftInterval");
  // A local path is a remote too; relative ones are relative to the config, like every other path.
  const remoteOf = (r: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(r) || /^[^/]+@[^/:]+:/.test(r) || r.startsWith("/") ? r : resolve(dirname(resolve(path)), r));
  if (!repos.length) return null;
  return {
    repositories: repos.map((r) => ({ repoId: r.repoId, remote: remoteOf(r.remote), branch: r.branch, apps: r.apps ?? null })),
    sshKeyFile: rel(git.sshKeyFile) ?? null,
    httpsTokenFile: rel(git.httpsTokenFile) ?? null,
    username: git.username ?? null,
    webhookSecretFile: rel(git.webhookSecretFile) ?? null,
    pollIntervalMs,
    driftIntervalMs,
  };
}

/** The GitOps secrets (`kanaria serve` only): the HTTPS token and the webhook secret, read from their files. */
export function gitopsSecrets(g: GitopsSettings): { httpsToken: string | null; webhookSecret: string | null } {
  // ssh reads the key itself; a missing one would only show as a failed fetch, later.
  if (g.sshKeyFile && readInputFile(g.sshKeyFile) === null) throw new ConfigError(`git.sshKeyFile: ${g.sshKeyFile} does not exist. Give the path of the deploy key's private half (relative to the runtime config).`);
  return {
    httpsToken: g.httpsTokenFile ? readToken(g.httpsTokenFile) : null,
    webhookSecret: g.webhookSecretFile ? readToken(g.webhookSecretFile) : null,
  };
}

export class ConfigError extends Error {}

export interface PostgresSettings {
  urlFile: string;
  maxConnections?: number;
}

export function parseAddress(text: string | undefined): { hostname: string; port: number } {
  if (!text) return { hostname: "127.0.0.1", port: 8080 };
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d+)$/.exec(text);
  if (!m) throw new ConfigError(`server.address "${text}" is not host:port (for example 127.0.0.1:8080).`);
  return { hostname: m[1] ? m[1].replace(/^\[|\]$/g, "") : "127.0.0.1", port: Number(m[2]) };
}

/** A file's text through the compiler's guarded reader (regular files of at most 1 MiB: never /dev/zero or a FIFO). */
function readGuarded(path: string, what: string): string {
  const t = readInputFile(path);
  if (t === null) throw new ConfigError(`Cannot read the ${what} ${path}: no such file.`);
  if (typeof t !== "string") throw new ConfigError(`Cannot read the ${what}: ${t.unreadable}`);
  return t;
}

/** How to make a token file, as said when one is missing. */
export const makeTokenHint = (path: string, line = "$t") =>
  `Make one: mkdir -p ${dirname(path)} && t=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))') && echo "${line}" > ${path}`;

export function readToken(path: string): string {
  if (readInputFile(path) === null) throw new ConfigError(`Cannot read the token file ${path}: no such file. ${makeTokenHint(path)}`);
  const t = readGuarded(path, "token file").trim();
  if (!t) throw new ConfigError(`The token file ${path} is empty; put a long random string in it.`);
  // An HTTP header cannot carry it otherwise (and a YAML file passed by mistake is not a token).
  if (/\s/.test(t)) throw new ConfigError(`The token file ${path} must hold one token on one line, without spaces.`);
  return t;
}

export function loadSettings(path: string | undefined): RuntimeSettings {
  if (!path) {
    return {
      providers: [],
      analysisProviders: [],
      notifications: undefined,
      baseDir: resolve("."),
      address: parseAddress(undefined),
      allowedHosts: [],
      tokenFile: null,
      approversFile: null,
      storePath: null,
      postgres: null,
      leaseTtlMs: null,
      raw: null,
      warnings: [],
      secrets: null,
      publicKeyFile: null,
      gitops: null,
    };
  }
  const text = readGuarded(path, "runtime config");
  const { config, diagnostics } = loadRuntimeConfig(path, text);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (!config || errors.length) {
    throw new ConfigError(errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`).join("\n") || `Invalid runtime config ${path}`);
  }
  const base = dirname(resolve(path));
  const rel = (p: string | undefined) => (p ? resolve(base, p) : undefined);
  const spec: RuntimeSpec & Record<string, any> = config.spec ?? {};
  // Both shapes: spec.platformProviders and the ecs plugin's deployTargets (PipeCD v1).
  const providers: PlatformProvider[] = platformEntries(config).map((p) => {
    const callTimeoutMs = p.config?.callTimeout !== undefined ? parseDuration(p.config.callTimeout) : null;
    if (callTimeoutMs !== null && !(callTimeoutMs > 0)) {
      throw new ConfigError(`${path}: platform provider "${p.name}": callTimeout must be above 0 (for example 30s).`);
    }
    return {
      name: p.name,
      region: p.config?.region,
      ...(p.config?.profile ? { profile: p.config.profile } : {}),
      ...(p.config?.credentialsFile ? { credentialsFile: rel(p.config.credentialsFile) } : {}),
      ...(p.config?.endpoints ? { endpoints: p.config.endpoints } : {}),
      ...(callTimeoutMs ? { callTimeoutMs } : {}),
    };
  });
  const tokenFile = rel(spec.server?.tokenFile) ?? null;
  const keyPair = spec.secretManagement?.config;
  const privateKeyFile = rel(keyPair?.privateKeyFile);
  const secrets = privateKeyFile ? new SecretKeyring(privateKeyFile, () => readGuarded(privateKeyFile, "secretManagement private key file")) : null;
  return {
    providers,
    analysisProviders: analysisEntries(config).map(({ provider: a }) => ({ name: a.name, type: a.type, config: a.config as Record<string, any> })),
    notifications: spec.notifications as NotificationsConfig | undefined,
    baseDir: base,
    address: parseAddress(spec.server?.address),
    allowedHosts: spec.server?.allowedHosts ?? [],
    tokenFile,
    approversFile: rel(spec.server?.approvers?.tokensFile) ?? null,
    storePath: rel(spec.store?.path) ?? null,
    postgres:
      spec.store?.type === "postgres" && spec.store.config
        ? { urlFile: rel(spec.store.config.urlFile)!, ...(spec.store.config.maxConnections ? { maxConnections: spec.store.config.maxConnections } : {}) }
        : null,
    leaseTtlMs: leaseTtlOf(spec.store?.leaseTtl, path),
    raw: config,
    warnings: diagnostics,
    secrets,
    publicKeyFile: rel(keyPair?.publicKeyFile) ?? null,
    gitops: gitopsSettings(spec, rel, path, config.source),
  };
}

/**
 * The server's secrets (`kanaria serve` only: `deploy` and `compile` never need them, so a
 * missing token file does not stop them). Throws ConfigError saying how to make a missing file.
 */
export function serverSecrets(s: RuntimeSettings): { token: string | null; approverTokens: ApproverTokens | null } {
  const token = s.tokenFile ? readToken(s.tokenFile) : null;
  const file = s.approversFile;
  if (!file) return { token, approverTokens: null };
  if (readInputFile(file) === null) {
    throw new ConfigError(`server.approvers.tokensFile: ${file} does not exist. It maps approver tokens to names ("<token>: alice", a line each). ${makeTokenHint(file, "$t: alice")}`);
  }
  try {
    return { token, approverTokens: loadApproverTokens(file) };
  } catch (e) {
    throw new ConfigError(`server.approvers.tokensFile: ${(e as Error).message}`);
  }
}

/** store.leaseTtl: at least a second (renewals go out every third of it). */
function leaseTtlOf(text: string | undefined, path: string): number | null {
  if (text === undefined) return null;
  const ms = parseDuration(text);
  if (ms === null || !(ms >= 1000)) throw new ConfigError(`${path}: store.leaseTtl must be at least 1s (for example 15s); it is ${text}.`);
  return ms;
}
