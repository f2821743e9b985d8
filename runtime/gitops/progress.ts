// What the GitOps agent has handled, kept in the store so a restart neither loses nor repeats a
// commit: per repository the last commit whose changes were all handled, per app the last
// commit that touched it (and what came of it). Keys: `repo:<repoId>`, `app:<repoId>:<path>`.
import type { Diagnostic } from "../../compiler/diagnostics.ts";
import type { Store } from "../store/store.ts";

export interface CommitRef {
  hash: string;
  subject: string;
  author: string;
  at: number;
}

export interface RepoProgress {
  /** Every app touched up to this commit has been handled. */
  handled: string;
}

export interface AppProgress {
  name: string | null;
  /** The last commit that touched the app (deployed, or refused with diagnostics). */
  commit: CommitRef;
  /** The deployment that commit started (null: it did not compile, or nothing to deploy). */
  deploymentId: string | null;
  /** Repository paths the app read at that commit: changing one redeploys it. */
  files: string[];
  /** Errors that kept the commit from deploying. */
  diagnostics: Diagnostic[];
}

type GitopsStore = Pick<Store, "getGitopsState" | "putGitopsState" | "listGitopsState">;

const parse = <T>(text: string | null): T | null => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
};

export class Progress {
  constructor(private readonly store: GitopsStore) {}

  async repo(repoId: string): Promise<RepoProgress | null> {
    return parse<RepoProgress>(await this.store.getGitopsState(`repo:${repoId}`));
  }

  async setRepo(repoId: string, p: RepoProgress): Promise<void> {
    await this.store.putGitopsState(`repo:${repoId}`, JSON.stringify(p), Date.now());
  }

  async app(repoId: string, path: string): Promise<AppProgress | null> {
    return parse<AppProgress>(await this.store.getGitopsState(`app:${repoId}:${path}`));
  }

  async setApp(repoId: string, path: string, p: AppProgress): Promise<void> {
    await this.store.putGitopsState(`app:${repoId}:${path}`, JSON.stringify(p), Date.now());
  }

  /** Every app recorded for the repository, by path. */
  async apps(repoId: string): Promise<Map<string, AppProgress>> {
    const prefix = `app:${repoId}:`;
    const out = new Map<string, AppProgress>();
    for (const { key, value } of await this.store.listGitopsState(prefix)) {
      const p = parse<AppProgress>(value);
      if (p) out.set(key.slice(prefix.length), p);
    }
    return out;
  }
}
