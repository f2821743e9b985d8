// Finds template expressions in a query string. Kanaria's syntax is `<< .Path.To.Value >>`
// (it never collides with the braces of Datadog or PromQL queries); PipeCD's `{{ .Path }}` is
// recognised too so it can be reported and rewritten.

export interface TemplateExpr {
  /** Path segments without the leading dot: ["Variant", "Name"]. */
  path: string[];
  /** Offsets of the whole expression (`<< ... >>`) inside the query string. */
  start: number;
  end: number;
  /** The expression text exactly as written. */
  text: string;
  legacy: boolean;
}

export interface TemplateProblem {
  start: number;
  end: number;
  message: string;
}

export interface ScanResult {
  exprs: TemplateExpr[];
  problems: TemplateProblem[];
}

const PATH = /^\s*\.([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*$/;
const LEGACY = /\{\{\s*(\.[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;

/** An expression as quoted in a message: long ones cut, so a message stays a line long. */
export function shownExpr(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Linear in the query's length, whatever it holds (40,000 unclosed `<<` included). */
export function scanTemplate(query: string): ScanResult {
  const exprs: TemplateExpr[] = [];
  const problems: TemplateProblem[] = [];
  let i = 0;
  // The first ">>" at or after the current "<<" (-1: none left). Found once and reused until the
  // scan passes it, so a run of unclosed "<<" never searches the rest of the query again each.
  let close = -2;
  while (i < query.length) {
    const open = query.indexOf("<<", i);
    if (open < 0) break;
    if (close !== -1 && close < open + 2) close = query.indexOf(">>", open + 2);
    const nextOpen = close < 0 ? -1 : query.indexOf("<<", open + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      problems.push({ start: open, end: open + 2, message: 'Unclosed template expression: "<<" has no matching ">>". Close it, e.g. << .Variant.Name >>.' });
      i = open + 2;
      continue;
    }
    const inner = query.slice(open + 2, close);
    const m = PATH.exec(inner);
    if (!m) {
      problems.push({
        start: open,
        end: close + 2,
        message: `Invalid template expression "${shownExpr(query.slice(open, close + 2))}": only variable paths are allowed, e.g. << .Variant.Name >> or << .App.Labels.env >>.`,
      });
    } else {
      exprs.push({ path: m[1].split("."), start: open, end: close + 2, text: query.slice(open, close + 2), legacy: false });
    }
    i = close + 2;
  }
  for (const m of query.matchAll(LEGACY)) {
    exprs.push({ path: m[1].slice(1).split("."), start: m.index!, end: m.index! + m[0].length, text: m[0], legacy: true });
  }
  exprs.sort((a, b) => a.start - b.start);
  return { exprs, problems };
}
