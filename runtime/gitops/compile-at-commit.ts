// Compiles an app from the files of one commit. compile() reads files synchronously through an
// injected reader, and git answers asynchronously, so the files are loaded in rounds: compile
// with what is loaded, load every file it asked for that the commit's tree has (one
// `git cat-file --batch` call), compile again, until it asks for nothing new (two or three
// rounds: the app file, then the files it names). A file the tree lacks is missing at once.
import { compile, type CompileResult, type FileReader } from "../../compiler/compile.ts";
import { MAX_INPUT_FILE_BYTES } from "../../compiler/cli/fs-reader.ts";
import { ancestors, dirname, joinPath, normalize } from "../../compiler/paths.ts";
import type { RuntimeConfig } from "../../compiler/runtime-config.ts";
import type { GitMirror, TreeEntry } from "./git.ts";

export interface CommitTree {
  commit: string;
  entries: Map<string, TreeEntry>;
}

export async function readTree(mirror: GitMirror, commit: string): Promise<CommitTree> {
  return { commit, entries: new Map((await mirror.listFiles(commit)).map((e) => [e.path, e])) };
}

/**
 * File texts by blob id, shared by every commit: a file unchanged between two commits is read
 * from git once. Bounded: cleared when it grows past MAX_CACHED blobs.
 */
export class BlobCache {
  private readonly texts = new Map<string, string | null>();
  static readonly MAX_CACHED = 20_000;

  /** Texts of the paths at the tree's commit (null: not in it); one git call for those not cached. */
  async read(mirror: GitMirror, tree: CommitTree, paths: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const missing: string[] = [];
    for (const p of paths) {
      const e = tree.entries.get(p);
      if (!e) out.set(p, null);
      else if (this.texts.has(e.oid)) out.set(p, this.texts.get(e.oid)!);
      else missing.push(p);
    }
    if (missing.length) {
      if (this.texts.size + missing.length > BlobCache.MAX_CACHED) this.texts.clear();
      for (const [p, text] of await mirror.readFiles(tree.commit, missing)) {
        this.texts.set(tree.entries.get(p)!.oid, text);
        out.set(p, text);
      }
    }
    return out;
  }
}

/** Files next to the app file are what it names nearly always: read them with it, in the first round. */
const MAX_NEIGHBOURS = 32;

export interface CommitCompile {
  result: CompileResult;
  /** Repository paths of every file the app read (what a later commit must touch to redeploy it). */
  files: string[];
}

const MAX_ROUNDS = 6;

export async function compileAtCommit(
  mirror: GitMirror,
  tree: CommitTree,
  appPath: string,
  o: { config?: RuntimeConfig | null; forceQuickSync?: boolean; blobs?: BlobCache } = {},
): Promise<CommitCompile> {
  const blobs = o.blobs ?? new BlobCache();
  const loaded = new Map<string, string | null>();
  const dir = dirname(appPath);
  const prefix = dir === "." ? "" : `${dir}/`;
  const neighbours = [...tree.entries.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/")).slice(0, MAX_NEIGHBOURS);
  // The app file, its neighbours and the analysis templates PipeCD looks for above it go in the first round.
  let wanted = new Set<string>([appPath, ...neighbours, ...ancestors(dir).map((d) => joinPath(d, ".pipe/analysis-template.yaml"))]);
  let result: CompileResult | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const toLoad = [...wanted].filter((p) => !loaded.has(p) && tree.entries.has(p) && !tree.entries.get(p)!.special && tree.entries.get(p)!.size <= MAX_INPUT_FILE_BYTES);
    if (toLoad.length) for (const [p, text] of await blobs.read(mirror, tree, toLoad)) loaded.set(p, text);
    wanted = new Set();
    const reader: FileReader = (path) => {
      const p = normalize(path);
      const entry = tree.entries.get(p);
      if (!entry) return null;
      if (entry.special) return { unreadable: `${p} is a symbolic link or submodule in the commit: Kanaria reads only regular files.` };
      if (entry.size > MAX_INPUT_FILE_BYTES) return { unreadable: `${p} is larger than ${MAX_INPUT_FILE_BYTES} bytes.` };
      const text = loaded.get(p);
      if (text === undefined) {
        wanted.add(p);
        return null;
      }
      return text;
    };
    result = compile({ appPath, readFile: reader, root: ".", config: o.config ?? null, forceQuickSync: o.forceQuickSync });
    if (!wanted.size) break;
  }
  const files = [...result!.files.keys()].map(normalize);
  return { result: result!, files };
}
