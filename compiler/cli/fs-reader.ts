// File access for the CLI and the language server: the one guarded reader compile() gets (only
// regular files, at most MAX_INPUT_FILE_BYTES, never through a symbolic link out of the
// repository), where an app's repository root is, and discovery of app files in folders.
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Dirent, type Stats } from "node:fs";
import { dirname as osDirname, isAbsolute, join, relative, resolve } from "node:path";
import type { FileReader, Unreadable } from "../compile.ts";
import { isWithin } from "../paths.ts";

/**
 * The largest file Kanaria reads as an app, service/task definition, analysis template or runtime
 * config: real ones are a few KiB; anything near this is a mistake (or /dev/zero by another name),
 * and reading it whole would only cost memory and time.
 */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

const refused = (path: string, why: string): Unreadable => ({ unreadable: `${path} ${why}` });

/** The real path (symbolic links resolved); null when it cannot be resolved. */
function realPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * The refusal for a file that, with every symbolic link resolved, lies outside `within` (also
 * resolved); null when it is inside, or no `within` is given. A file that does not exist (an
 * unsaved editor buffer) counts as inside: there is nothing on disk it could leak.
 */
export function outsideRoot(path: string, within: string | undefined): Unreadable | null {
  if (within === undefined) return null;
  const real = realPath(path);
  if (real === null || isWithin(real, realPath(within) ?? resolve(within))) return null;
  return refused(path, `resolves (through a symbolic link) to a file outside the repository root ${within}: Kanaria reads only files inside the repository.`);
}

/**
 * Reads a file for compile(): null when it does not exist; refused (with the reason, never the
 * content) when it is not a regular file (a folder, FIFO, /dev/zero), larger than
 * MAX_INPUT_FILE_BYTES, or resolves through a symbolic link outside `within`. The type is
 * checked before the file is opened (opening a FIFO would block) and again on the open file.
 */
export const readInputFile: FileReader = (path, within) => {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return null;
  }
  if (!st.isFile()) return refused(path, `is ${kindOf(st)}: Kanaria reads only regular files.`);
  const tooLarge = (size: number) => refused(path, `is ${size > MAX_INPUT_FILE_BYTES ? `larger than ${MAX_INPUT_FILE_BYTES} bytes (1 MiB)` : "too large"}: Kanaria reads files of at most 1 MiB; a service or task definition is a few KiB.`);
  if (st.size > MAX_INPUT_FILE_BYTES) return tooLarge(st.size);
  const outside = outsideRoot(path, within);
  if (outside) return outside;
  let fd: number;
  try {
    // O_NONBLOCK: if the file was swapped for a FIFO since the stat, opening it must not hang.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) return refused(path, `is ${kindOf(fst)}: Kanaria reads only regular files.`);
    // Read at most one byte past the limit: a file that grows while it is read stays bounded.
    const buf = new Uint8Array(Math.min(fst.size, MAX_INPUT_FILE_BYTES) + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got <= 0) break;
      n += got;
    }
    if (n > MAX_INPUT_FILE_BYTES) return tooLarge(n);
    return new TextDecoder().decode(buf.subarray(0, n));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
};

/** The CLI's reader (the same guarded reader; kept under its old name for the CLI modules). */
export const fsReader: FileReader = readInputFile;

/**
 * The repository root an app's references must stay inside: `--root` when given, else the Git
 * top level above the app file (the nearest folder holding `.git`: a folder, or in a worktree or
 * submodule a file pointing at the real one), else the app's own folder. Returned in the same
 * form as `appPath` (absolute, or relative to the working folder), as compile() compares them.
 */
export function repositoryRoot(appPath: string, explicitRoot?: string): string {
  const absApp = resolve(appPath);
  const abs = explicitRoot !== undefined ? resolve(explicitRoot) : (gitTopLevel(osDirname(absApp)) ?? osDirname(absApp));
  if (isAbsolute(appPath)) return abs;
  return relative(resolve("."), abs) || ".";
}

/** Why a `--root DIR` flag cannot be used (null when absent or a folder). */
export function rootFlagError(root: string | undefined): string | null {
  if (root === undefined) return null;
  try {
    if (statSync(root).isDirectory()) return null;
  } catch {
    return `--root ${root}: no such folder`;
  }
  return `--root ${root} is not a folder`;
}

/** The nearest folder at or above `dir` that holds `.git` (a folder, or a `gitdir:` file). */
export function gitTopLevel(dir: string): string | null {
  for (let cur = resolve(dir); ; ) {
    const dotGit = join(cur, ".git");
    if (existsSync(dotGit)) {
      try {
        const st = statSync(dotGit);
        if (st.isDirectory()) return cur;
        if (st.isFile() && st.size < 4096 && readFileSync(dotGit, "utf8").startsWith("gitdir:")) return cur;
      } catch {
        // unreadable .git: keep looking above
      }
    }
    const up = osDirname(cur);
    if (up === cur) return null;
    cur = up;
  }
}

const SKIP_DIRS = new Set(["node_modules", ".git", ".kanaria"]);

/** Expands folders into the `*.pipecd.yaml` files below them (sorted); files pass through. */
export function findApps(paths: string[]): { apps: string[]; missing: string[] } {
  const apps: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      missing.push(dir);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = dir === "." ? e.name : `${dir.replace(/\/$/, "")}/${e.name}`;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.name.endsWith(".pipecd.yaml") || e.name.endsWith(".pipecd.yml")) apps.push(p);
    }
  };
  for (const p of paths) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else apps.push(p);
  }
  return { apps, missing };
}

/** An APP argument: a file, or a folder holding exactly one app file. */
export function resolveAppArg(path: string): { app: string } | { error: string } {
  const { apps, missing } = findApps([path]);
  if (missing.length) return { error: `${path}: no such file or folder` };
  if (apps.length === 0) return { error: `${path}: no *.pipecd.yaml file found` };
  if (apps.length > 1) return { error: `${path} holds ${apps.length} app files (${apps.slice(0, 3).join(", ")}${apps.length > 3 ? ", ..." : ""}); name one` };
  return { app: apps[0] };
}
