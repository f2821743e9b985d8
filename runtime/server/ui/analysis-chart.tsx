/** @jsxImportSource hono/jsx */
// One chart per ANALYSIS check, the largest evidence on the page: each sample's value over the
// analysis window, the expected min/max band, and each verdict (shape and word, not colour
// alone), with the samples listed below for screen readers and small screens.
import type { SampleRecord } from "../../analysis/types.ts";
import { num, shortDuration } from "./format.ts";
import { verdictLabel, type AnalysisView, type CheckView } from "./view-model.ts";

// Drawn at 460×230 and scaled to the column (up to the stylesheet's .chart max-width).
const W = 460;
const H = 230;
const L = 58;
const R = 14;
const T = 12;
const B = 28;
const FONT = 13;

export interface AxisLabel {
  y: number;
  text: string;
  threshold: boolean;
}

/**
 * The y-axis labels that fit: thresholds first, then the bottom and the top of the scale; a label
 * closer than a line height to one already placed is left out (its value is in the caption).
 */
export function yAxisLabels(candidates: AxisLabel[], lineHeight = FONT + 2): AxisLabel[] {
  const kept: AxisLabel[] = [];
  for (const c of candidates) if (!kept.some((k) => Math.abs(k.y - c.y) < lineHeight || k.text === c.text)) kept.push(c);
  return kept;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The value a sample is judged on (THRESHOLD's mean), else the mean of its first variant. */
function sampleValue(s: SampleRecord, key?: string): number | null {
  if (!key) {
    const v = s.detail?.value;
    if (typeof v === "number" && Number.isFinite(v)) return v;
    key = s.variants[0];
  }
  const xs = (s.values as Record<string, number[] | undefined>)[key!];
  return xs ? mean(xs.filter((x) => Number.isFinite(x))) : null;
}

const COLORS: Record<string, string> = { pass: "#15803d", fail: "#b91c1c", nodata: "#6b7280", error: "#b45309" };

function Marker(p: { x: number; y: number; verdict: string }) {
  const c = COLORS[p.verdict] ?? "#111827";
  if (p.verdict === "fail") return <path d={`M${p.x - 6},${p.y - 6}L${p.x + 6},${p.y + 6}M${p.x + 6},${p.y - 6}L${p.x - 6},${p.y + 6}`} stroke={c} stroke-width="3.5" />;
  if (p.verdict === "nodata") return <circle cx={p.x} cy={p.y} r="6" fill="#fff" stroke={c} stroke-width="2" />;
  if (p.verdict === "error") return <path d={`M${p.x},${p.y - 7}L${p.x + 7},${p.y + 6}L${p.x - 7},${p.y + 6}z`} fill={c} />;
  return <circle cx={p.x} cy={p.y} r="6" fill={c} />;
}

export function CheckChart(p: { check: CheckView; durationMs: number }) {
  const c = p.check;
  const first = c.samples[0];
  const mainKey = first ? (typeof first.detail?.value === "number" ? undefined : first.variants[0]) : undefined;
  const otherKeys = first ? Object.keys(first.values).filter((k) => k !== (mainKey ?? first.variants[0])) : [];
  const main = c.samples.map((s) => ({ s, y: sampleValue(s, mainKey) }));
  const others = otherKeys.map((k) => ({ key: k, pts: c.samples.map((s) => ({ s, y: sampleValue(s, k) })) }));
  const all = [...main.map((m) => m.y), ...others.flatMap((o) => o.pts.map((x) => x.y))].filter((v): v is number => v !== null);
  if (c.expected?.min !== undefined) all.push(c.expected.min);
  if (c.expected?.max !== undefined) all.push(c.expected.max);
  let lo = Math.min(0, ...all);
  let hi = Math.max(...all, 0);
  if (hi === lo) hi = lo + 1;
  hi += (hi - lo) * 0.15;
  if (lo < 0) lo -= (hi - lo) * 0.05;
  const maxX = Math.max(p.durationMs, ...c.samples.map((s) => s.at), 1);
  const px = (at: number) => L + (at / maxX) * (W - L - R);
  const py = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const band = c.expected && (c.expected.min !== undefined || c.expected.max !== undefined) ? { top: py(c.expected.max ?? hi), bottom: py(c.expected.min ?? lo) } : null;
  const bandText = c.expected ? [c.expected.min !== undefined ? `min ${num(c.expected.min)}` : "", c.expected.max !== undefined ? `max ${num(c.expected.max)}` : ""].filter(Boolean).join(", ") : "";
  const line = (pts: { s: SampleRecord; y: number | null }[]) =>
    pts
      .filter((x) => x.y !== null)
      .map((x, i) => `${i ? "L" : "M"}${px(x.s.at).toFixed(1)},${py(x.y!).toFixed(1)}`)
      .join("");
  const labels = yAxisLabels([
    ...(c.expected?.max !== undefined ? [{ y: py(c.expected.max), text: num(c.expected.max), threshold: true }] : []),
    ...(c.expected?.min !== undefined ? [{ y: py(c.expected.min), text: num(c.expected.min), threshold: true }] : []),
    { y: py(lo), text: num(lo), threshold: false },
    { y: py(hi), text: num(hi), threshold: false },
  ]);
  const fails = c.samples.filter((s) => s.verdict === "fail").length;
  const label = `${c.label}: ${c.samples.length} sample${c.samples.length === 1 ? "" : "s"}, ${fails} failed (limit ${c.failureLimit})${bandText ? `, expected ${bandText}` : ""}`;
  return (
    <figure class="chart" data-check={`${c.kind}[${c.index}]`} data-result={c.result} style="margin:0">
      <figcaption>
        <strong class="mono">{c.label}</strong> <span class={`badge r-${c.result}`}>{c.result}</span>
        <div class="muted" style="font-size:.85rem">
          {bandText ? `expected ${bandText}; ` : ""}failure limit {c.failureLimit}
        </div>
      </figcaption>
      {c.samples.length === 0 ? null : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
          <rect x={L} y={T} width={W - L - R} height={H - T - B} fill="#fff" stroke="#d1d5db" />
          {band ? <rect class="band" x={L} y={band.top} width={W - L - R} height={Math.max(0, band.bottom - band.top)} fill="#dcfce7" stroke="#15803d" stroke-dasharray="4 3" /> : null}
          {labels.map((a) => (
            <>
              <path d={`M${L - 5},${a.y.toFixed(1)}H${L}`} stroke="#6b7280" />
              <text class="y-label" x={L - 8} y={(a.y + FONT * 0.35).toFixed(1)} text-anchor="end" font-size={FONT} fill={a.threshold ? "#166534" : "#374151"} font-weight={a.threshold ? "700" : undefined}>
                {a.text}
              </text>
            </>
          ))}
          <text class="x-label" x={L} y={H - B + FONT + 6} font-size={FONT} fill="#374151">
            0
          </text>
          <text class="x-label" x={W - R} y={H - B + FONT + 6} text-anchor="end" font-size={FONT} fill="#374151">
            {shortDuration(maxX)}
          </text>
          {others.map((o) => (
            <path d={line(o.pts)} fill="none" stroke="#6b7280" stroke-width="1.5" stroke-dasharray="3 3" />
          ))}
          <path d={line(main)} fill="none" stroke="#1e3a8a" stroke-width="2.5" />
          {main.map((m) => (
            <g data-sample={String(m.s.sample)} data-verdict={m.s.verdict}>
              <title>{`sample ${m.s.sample} at ${shortDuration(m.s.at)}: ${verdictLabel[m.s.verdict]}: ${m.s.reason}`}</title>
              <Marker x={px(m.s.at)} y={m.y === null ? H - B - 6 : py(m.y)} verdict={m.s.verdict} />
            </g>
          ))}
        </svg>
      )}
      {others.length ? <p class="muted" style="font-size:.8rem;margin:2px 0">solid: {mainKey ?? first?.variants[0]}; dashed: {otherKeys.join(", ")}</p> : null}
      {c.samples.length === 0 ? (
        <p class="muted">{c.result === "pending" ? "Not started yet." : c.result === "running" ? "Waiting for the first sample (after delay + interval)." : "No samples."}</p>
      ) : (
        <ol>
          {c.samples.map((s) => (
            <li>
              <span class={`badge v-${s.verdict}`}>{verdictLabel[s.verdict]}</span> #{s.sample} at {shortDuration(s.at)}: {s.reason}
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
}

export function AnalysisCharts(p: { analyses: AnalysisView[] }) {
  return (
    <div>
      {p.analyses.map((a) => (
        <section aria-label={`Analysis ${a.label}`} data-analysis={a.nodeId}>
          <h3>
            {a.label} <span class="muted">({shortDuration(a.durationMs)} window)</span>
          </h3>
          {a.checks.length === 0 ? (
            <p class="muted">No checks.</p>
          ) : (
            <div class="charts">
              {a.checks.map((c) => (
                <CheckChart check={c} durationMs={a.durationMs} />
              ))}
            </div>
          )}
        </section>
      ))}
    </div>
  );
}
