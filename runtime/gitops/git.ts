// A local mirror of one branch of a remote repository, through the real `git` program (run by
// the platform adapter, never a shell). The mirror is a bare repository under the data
// directory: fetch updates the branch, and files are read at a commit straight from the object
// database (`cat-file --batch`), so no work tree is ever checked out.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../platform/spawn.ts";

export interface GitAuth {
  /** Private key for ssh remotes. */
  sshKeyFile?: string;
  /** Token for https remotes, sent as HTTP basic auth with `username`. */
  httpsToken?: string;
  username?: string;
}

export interface CommitInfo {
  hash: string;
  subject: string;
  /** "Name <email>" */
  author: string;
  /** The whole commit message (commitMatcher looks at it). */
  message: string;
  /** Commit time, epoch ms. */
  at: number;
}

/** One entry of a commit's tree. */
export interface TreeEntry {
  /** Path from the repository root. */
  path: string;
  /** The blob's object id: the same id is the same content, in any commit. */
  oid: string;
  size: number;
  /** A symbolic link (mode 120000) or a submodule: never read as a file. */
  special: boolean;
}

export class GitError extends Error {}

const decoder = new TextDecoder();

/** Environment that authenticates git without a prompt, and never puts a secret in its arguments. */
export function gitEnvironment(auth: GitAuth): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  if (auth.sshKeyFile) {
    const quoted = `'${auth.sshKeyFile.replaceAll("'", "'\\''")}'`;
    env.GIT_SSH_COMMAND = `ssh -i ${quoted} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o BatchMode=yes`;
  }
  if (auth.httpsToken) {
    const basic = btoa(`${auth.username ?? "x-access-token"}:${auth.httpsToken}`);
    env.GIT_CONFIG_COUNT = "1";
    env.GIT_CONFIG_KEY_0 = "http.extraHeader";
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
  }
  return env;
}

export class GitMirror {
  private readonly env: Record<string, string>;

  constructor(
    readonly dir: string,
    readonly remote: string,
    readonly branch: string,
    auth: GitAuth = {},
  ) {
    this.env = gitEnvironment(auth);
  }

  private async git(args: string[], input?: string): Promise<Uint8Array> {
    const r = await runProcess("git", ["-C", this.dir, ...args], { env: this.env, ...(input !== undefined ? { input } : {}) });
    if (r.code !== 0) throw new GitError(`git ${args[0]} failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
    return r.stdout;
  }

  private async text(args: string[]): Promise<string> {
    return decoder.decode(await this.git(args));
  }

  private ready = false;

  /** Creates the bare mirror on first use; the remote URL follows the config on every start. */
  async ensure(): Promise<void> {
    if (this.ready) return;
    if (!existsSync(join(this.dir, "HEAD"))) {
      mkdirSync(this.dir, { recursive: true });
      await this.git(["init", "--bare", "--quiet"]);
    }
    await this.git(["config", "remote.origin.url", this.remote]);
    // Nobody reads forced-update notes in a mirror; computing them costs a walk per fetch.
    await this.git(["config", "fetch.showForcedUpdates", "false"]);
    this.ready = true;
  }

  /** Fetches the branch; returns its head commit. */
  async fetch(): Promise<string> {
    await this.git(["fetch", "--quiet", "--no-tags", "--force", "--no-write-fetch-head", "origin", `+refs/heads/${this.branch}:refs/heads/${this.branch}`]);
    return this.head() as Promise<string>;
  }

  /** The branch's head in the mirror (null before the first fetch). */
  async head(): Promise<string | null> {
    try {
      return (await this.text(["rev-parse", "--verify", "--quiet", `refs/heads/${this.branch}^{commit}`])).trim() || null;
    } catch {
      return null;
    }
  }

  /** Whether the commit is in the mirror (a force push may have dropped an old one). */
  async has(commit: string): Promise<boolean> {
    try {
      await this.git(["cat-file", "-e", `${commit}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  /** Files changed between two commits, repository-relative; null when `from` is not in the mirror (a force push dropped it). */
  async changedFiles(from: string, to: string): Promise<string[] | null> {
    try {
      const out = await this.text(["diff", "--name-only", "--no-renames", "-z", from, to]);
      return out.split("\0").filter(Boolean);
    } catch (e) {
      if (await this.has(from)) throw e;
      return null;
    }
  }

  /** Every file of the commit's tree. */
  async listFiles(commit: string): Promise<TreeEntry[]> {
    const out = await this.text(["ls-tree", "-r", "-l", "-z", commit]);
    return out
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf("\t");
        const [mode, type, oid, size] = line.slice(0, tab).split(/\s+/);
        return { path: line.slice(tab + 1), oid, size: Number(size) || 0, special: type !== "blob" || mode === "120000" };
      });
  }

  /** Texts of files at a commit, by path; a path that is not there maps to null. One git call. */
  async readFiles(commit: string, paths: string[]): Promise<Map<string, string | null>> {
    const result = new Map<string, string | null>();
    if (!paths.length) return result;
    const out = await this.git(["cat-file", "--batch"], paths.map((p) => `${commit}:${p}\n`).join(""));
    let at = 0;
    for (const path of paths) {
      const nl = out.indexOf(10, at);
      const header = decoder.decode(out.subarray(at, nl));
      at = nl + 1;
      const m = /^\S+ (\S+) (\d+)$/.exec(header);
      if (!m) {
        result.set(path, null); // "<object> missing"
        continue;
      }
      const size = Number(m[2]);
      result.set(path, m[1] === "blob" ? decoder.decode(out.subarray(at, at + size)) : null);
      at += size + 1;
    }
    return result;
  }

  async commitInfo(commit: string): Promise<CommitInfo> {
    return parseCommitInfo(await this.text(["show", "-s", COMMIT_FORMAT, commit]));
  }
}

const COMMIT_FORMAT = "--format=%H%x00%s%x00%an <%ae>%x00%ct%x00%B";

function parseCommitInfo(out: string): CommitInfo {
  const [hash, subject, author, ct, message] = out.split("\0");
  return { hash, subject, author, at: Number(ct) * 1000, message: (message ?? "").trim() };
}

/**
 * The HEAD commit of the work tree holding `dir`, when the given paths (relative to `dir`) have
 * no uncommitted change: what `kanaria deploy` deploys is then exactly that commit. null outside
 * a repository, with changes, or without git.
 */
export async function workTreeCommit(dir: string, paths: string[]): Promise<{ top: string; commit: CommitInfo } | null> {
  const git = async (args: string[]) => {
    const r = await runProcess("git", ["-C", dir, ...args], { env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } });
    return r.code === 0 ? decoder.decode(r.stdout) : null;
  };
  try {
    const top = (await git(["rev-parse", "--show-toplevel"]))?.trim();
    if (!top) return null;
    const status = await git(["status", "--porcelain", "--", ...paths]);
    if (status === null || status.trim()) return null;
    const out = await git(["show", "-s", COMMIT_FORMAT, "HEAD"]);
    return out ? { top, commit: parseCommitInfo(out) } : null;
  } catch {
    return null;
  }
}
