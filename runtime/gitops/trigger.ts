// When a commit deploys an app: PipeCD's `trigger` and `commitMatcher` semantics, pure.
// A commit range touches an app when a changed file, not matched by `onCommit.ignores`, lies
// in the app's folder, matches `onCommit.paths`, or is a file the app names (servicedef,
// taskdef, analysis templates, attachment and secret targets: Kanaria knows them from the last
// compile, PipeCD does not). Patterns are relative to the repository root: `*` any name part,
// `**` any number of folders, `?` one character; a pattern naming a folder matches everything
// below it.
import { dirname } from "../../compiler/paths.ts";
import { parseDuration } from "../../compiler/resolve/duration.ts";

export interface TriggerSettings {
  onCommit?: { disabled?: boolean; paths?: string[]; ignores?: string[] };
  onCommand?: { disabled?: boolean };
  onOutOfSync?: { disabled?: boolean; minWindow?: string };
}

export interface CommitMatcher {
  quickSync?: string;
  pipeline?: string;
}

const patternCache = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (re) return re;
  const p = pattern.replace(/^\.?\/+/, "").replace(/\/+$/, "");
  let src = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "*" && p[i + 1] === "*") {
      src += ".*";
      i++;
      if (p[i + 1] === "/") i++;
    } else if (c === "*") src += "[^/]*";
    else if (c === "?") src += "[^/]";
    else src += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  re = new RegExp(`^${src}(?:/.*)?$`);
  patternCache.set(pattern, re);
  return re;
}

export const matchesAny = (path: string, patterns: readonly string[]): boolean => patterns.some((p) => patternRegExp(p).test(path));

/**
 * Whether the changed files touch the app whose file is `appPath`. `named`: repository paths of
 * the files the app's last compile read.
 */
export function touchesApp(appPath: string, named: readonly string[], trigger: TriggerSettings | undefined, changed: readonly string[]): boolean {
  const dir = dirname(appPath);
  const prefix = dir === "." ? "" : `${dir}/`;
  const ignores = trigger?.onCommit?.ignores ?? [];
  const paths = trigger?.onCommit?.paths ?? [];
  const namedSet = new Set(named);
  return changed.some((f) => {
    if (ignores.length && matchesAny(f, ignores)) return false;
    return f.startsWith(prefix) || namedSet.has(f) || (paths.length > 0 && matchesAny(f, paths));
  });
}

export const onCommitDisabled = (t: TriggerSettings | undefined): boolean => t?.onCommit?.disabled === true;
export const onCommandDisabled = (t: TriggerSettings | undefined): boolean => t?.onCommand?.disabled === true;

/** PipeCD: drift redeploys only when asked (`onOutOfSync.disabled: false`), after minWindow (default 5m). */
export function outOfSyncRedeploy(t: TriggerSettings | undefined): { minWindowMs: number } | null {
  if (t?.onOutOfSync?.disabled !== false) return null;
  const DEFAULT_MS = 5 * 60_000;
  return { minWindowMs: t.onOutOfSync.minWindow ? (parseDuration(t.onOutOfSync.minWindow) ?? DEFAULT_MS) : DEFAULT_MS };
}

/**
 * PipeCD's commitMatcher: a commit message matching `quickSync` forces a quick sync; one
 * matching `pipeline` forces the pipeline (the pipeline is what Kanaria runs anyway). An invalid
 * regular expression matches nothing.
 */
export function forcesQuickSync(matcher: CommitMatcher | undefined, message: string): boolean {
  if (!matcher?.quickSync) return false;
  const test = (src: string | undefined) => {
    try {
      return !!src && new RegExp(src).test(message);
    } catch {
      return false;
    }
  };
  return test(matcher.quickSync) && !test(matcher.pipeline);
}
