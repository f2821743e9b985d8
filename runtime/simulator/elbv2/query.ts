// The AWS query protocol's request side: `Action=X&Version=2015-12-01&A.member.1.B=c` form bodies
// turned into nested objects (`{A: [{B: "c"}]}`). Values stay strings; operations convert.

export type QueryValue = string | QueryObject | QueryValue[];
export interface QueryObject {
  [key: string]: QueryValue;
}

export function parseQuery(body: string): { action: string; version: string; params: QueryObject } {
  const form = new URLSearchParams(body);
  const root: QueryObject = {};
  let action = "";
  let version = "";
  for (const [key, value] of form) {
    if (key === "Action") action = value;
    else if (key === "Version") version = value;
    else setPath(root, key.split("."), value);
  }
  return { action, version, params: finish(root) as QueryObject };
}

// Lists arrive as `X.member.N`; build them as objects keyed by index, then turn into arrays.
const LIST = Symbol("list");

function setPath(node: any, parts: string[], value: string): void {
  let cur = node;
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i];
    const last = i === parts.length - 1;
    if (part === "member" || part === "entry") {
      cur[LIST] = true;
      continue;
    }
    if (part === "__proto__" || part === "constructor" || part === "prototype") part = `_${part}`;
    if (last) cur[part] = value;
    else {
      if (typeof cur[part] !== "object" || cur[part] === null) cur[part] = {};
      cur = cur[part];
    }
  }
}

function finish(node: any): QueryValue {
  if (typeof node !== "object" || node === null) return node;
  if (node[LIST]) {
    return Object.keys(node)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => finish(node[k]));
  }
  const out: QueryObject = {};
  for (const k of Object.keys(node)) out[k] = finish(node[k]);
  return out;
}

/** A list parameter: missing or empty (`Names=`) gives []. */
export function list(v: QueryValue | undefined): any[] {
  if (v === undefined || v === "") return [];
  return Array.isArray(v) ? v : [v];
}
