// POSIX-style path helpers for the paths the compiler sees. Pure string functions: the compiler
// never touches the file system itself (callers inject a reader).
export function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return p.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith("/")) return normalize(rel);
  return normalize(dir === "." ? rel : `${dir}/${rel}`);
}

export function normalize(p: string): string {
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length && out[out.length - 1] !== "..") out.pop();
    else if (seg === ".." && abs) continue;
    else out.push(seg);
  }
  const s = out.join("/");
  return abs ? `/${s}` : s || ".";
}

/**
 * Where a file an app names (`serviceDefinitionFile`, `taskDefinitionFile`) lives. PipeCD joins
 * the app folder and the reference (Go's filepath.Join), so a leading `/` is relative to the app
 * folder too, never the file system's root.
 */
export function referencePath(appDir: string, ref: string): string {
  return normalize(appDir === "." ? ref.replace(/^\/+/, "") || "." : `${appDir}/${ref}`);
}

/**
 * True when `path` is `root` or below it. Both are absolute, or both relative to the same
 * (unknown) folder: then they are placed under a stand-in folder deep enough for every `..`.
 */
export function isWithin(path: string, root: string): boolean {
  if (path.startsWith("/") !== root.startsWith("/")) return false;
  let p = normalize(path);
  let r = normalize(root);
  if (!p.startsWith("/")) {
    const ups = (s: string) => s.split("/").filter((x) => x === "..").length;
    const base = Array.from({ length: Math.max(ups(p), ups(r)) }, (_, i) => `\u0000${i}`).join("/");
    p = normalize(`/${base}/${p}`);
    r = normalize(`/${base}/${r}`);
  }
  return r === "/" || p === r || p.startsWith(`${r}/`);
}

/** The directory and its ancestors, nearest first. */
export function ancestors(dir: string): string[] {
  const out = [dir];
  let cur = dir;
  while (cur !== "." && cur !== "/") {
    cur = dirname(cur);
    out.push(cur);
  }
  return out;
}

/**
 * The directory and its ancestors up to and including `root`, nearest first. Unlike ancestors(),
 * a relative path climbs past "." (to "..", "../..") while still inside a root above it.
 */
export function ancestorsWithin(dir: string, root: string): string[] {
  const out: string[] = [];
  for (let cur = normalize(dir); isWithin(cur, root); ) {
    out.push(cur);
    if (isWithin(root, cur)) break;
    const up = cur === "." ? ".." : /^(\.\.\/)*\.\.$/.test(cur) ? `${cur}/..` : dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return out;
}
