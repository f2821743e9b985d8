/** @jsxImportSource hono/jsx */
// How the page names versions and slash-separated names: the same kind of thing on both sides of
// an arrow (image, then the task definition revision where known), and names that wrap only at
// their slashes on a narrow screen.
import type { Version, Versions } from "./view-model.ts";

/** `nginx:1.27 (web:2)`, `nginx:1.27`, `unknown image (web:1)`, or `?`. */
export function versionText(v: Version): string {
  if (!v.image && !v.revision) return "?";
  return `${v.image ?? "unknown image"}${v.revision ? ` (${v.revision})` : ""}`;
}

export const versionsText = (v: Versions): string => `${versionText(v.old)} → ${versionText(v.new)}`;

function Side(p: { v: Version; unknown: string }) {
  const v = p.v;
  return (
    <span class="version" data-image={v.imageFull ?? undefined} data-revision={v.revisionFull ?? undefined}>
      <span title={v.imageFull ?? p.unknown}>{v.image ?? (v.revision ? "unknown image" : "?")}</span>
      {v.revision ? (
        <span class="muted" title={v.revisionFull ?? ""}>
          {" "}
          ({v.revision})
        </span>
      ) : null}
    </span>
  );
}

export function VersionChange(p: { v: Versions }) {
  return (
    <span class="mono version-change">
      <Side v={p.v.old} unknown="unknown: no earlier deployment of this service registered it" />
      <span aria-hidden="true"> → </span>
      <span class="sr-only"> to </span>
      <Side v={p.v.new} unknown="" />
    </span>
  );
}

/** `simulator/demo/web` with a line-break opportunity after each slash (and nowhere else). */
export function SlashName(p: { text: string }) {
  const parts = p.text.split("/");
  return (
    <span class="slash-name" data-slash-name={p.text}>
      {parts.map((s, i) => (i < parts.length - 1 ? <>{`${s}/`}<wbr /></> : s))}
    </span>
  );
}
