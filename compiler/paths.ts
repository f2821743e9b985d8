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
