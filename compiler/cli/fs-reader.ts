// The CLI's file access: a reader for compile() and discovery of app files in folders.
import { readdirSync, readFileSync, statSync, type Dirent, type Stats } from "node:fs";
import type { FileReader } from "../compile.ts";

export const fsReader: FileReader = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

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
