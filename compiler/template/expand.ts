// Expands `<< .Path >>` templates. Each expression is evaluated by handlebars (strict mode:
// a missing variable throws; no prototype access) and spliced into the query text, so the
// query's own braces (Datadog `{tag:x}`, PromQL `{job="x"}`) never reach handlebars' parser.
import { createRequire } from "node:module";
import type { TemplateExpr } from "./scan.ts";
import type { TemplateContext } from "./variables.ts";

// Loaded on first use: most apps have no templates, and `kanaria compile` should not pay ~20 ms
// to load a template engine it doesn't need.
let hbs: typeof import("handlebars") | undefined;
const engine = () => (hbs ??= (createRequire(import.meta.url)("handlebars") as typeof import("handlebars")).create());
const cache = new Map<string, HandlebarsTemplateDelegate>();

function segment(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : `[${s}]`;
}

function evaluate(path: readonly string[], ctx: TemplateContext): string {
  const source = `{{${path.map(segment).join(".")}}}`;
  let tpl = cache.get(source);
  if (!tpl) {
    tpl = engine().compile(source, { strict: true, noEscape: true });
    cache.set(source, tpl);
  }
  return tpl(ctx, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}

export function expand(query: string, exprs: readonly TemplateExpr[], ctx: TemplateContext): string {
  let out = "";
  let at = 0;
  for (const e of exprs) {
    out += query.slice(at, e.start) + evaluate(e.path, ctx);
    at = e.end;
  }
  return out + query.slice(at);
}
