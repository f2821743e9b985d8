// Parser for the Datadog metric query language subset the simulator answers:
//
//   query      := expr (',' expr)*
//   expr       := term (('+' | '-') term)*
//   term       := factor (('*' | '/') factor)*
//   factor     := number | '-' factor | '(' expr ')' | fn '(' expr ')' | metric
//   metric     := [aggr ':'] name '{' filters '}' [by '{' keys '}'] ('.' modifier '(' args ')')*
//   aggr       := avg | sum | min | max
//   filters    := '*' | filter (',' filter)*        filter := ['!'] key ':' value   (value may use '*')
//   modifier   := as_count() | as_rate() | rollup(method[, seconds]) | fill(...)  (fill is accepted, ignored)
//   fn         := abs | default_zero

import { Scanner } from "./scanner.ts";
export type DdNode =
  | { kind: "num"; value: number }
  | { kind: "neg"; arg: DdNode }
  | { kind: "bin"; op: "+" | "-" | "*" | "/"; left: DdNode; right: DdNode }
  | { kind: "fn"; name: string; arg: DdNode }
  | DdMetric;

export interface DdFilter {
  key: string;
  value: string;
  negate: boolean;
}

export interface DdMetric {
  kind: "metric";
  aggr: "avg" | "sum" | "min" | "max";
  metric: string;
  filters: DdFilter[];
  groupBy: string[];
  asCount: boolean;
  asRate: boolean;
  rollup?: { method: "sum" | "avg" | "min" | "max" | "count"; seconds?: number };
  /** The metric part of the source text, for `expression` / `scope` in responses. */
  text: string;
  scope: string;
}

export class QueryError extends Error {}

const AGGREGATORS = ["avg", "sum", "min", "max"];
const FUNCTIONS = ["abs", "default_zero"];

export function parseDatadogQuery(source: string): DdNode[] {
  const p = new Parser(source);
  const out = [p.expr()];
  p.ws();
  while (p.peek() === ",") {
    p.pos++;
    out.push(p.expr());
    p.ws();
  }
  if (p.pos < source.length) throw new QueryError(`unexpected '${source[p.pos]}' at column ${p.pos + 1}`);
  return out;
}

class Parser extends Scanner {
  constructor(src: string) {
    super(src, /^[A-Za-z_][A-Za-z0-9_.]*/, (m) => new QueryError(m));
  }

  expr(): DdNode {
    let left = this.term();
    for (;;) {
      const c = this.peek();
      if (c !== "+" && c !== "-") return left;
      this.pos++;
      left = { kind: "bin", op: c, left, right: this.term() };
    }
  }
  term(): DdNode {
    let left = this.factor();
    for (;;) {
      const c = this.peek();
      if (c !== "*" && c !== "/") return left;
      this.pos++;
      left = { kind: "bin", op: c, left, right: this.factor() };
    }
  }
  factor(): DdNode {
    const c = this.peek();
    if (c === "-") {
      this.pos++;
      return { kind: "neg", arg: this.factor() };
    }
    if (c === "(") {
      this.pos++;
      const e = this.expr();
      this.expect(")");
      return e;
    }
    const num = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { kind: "num", value: Number(num[0]) };
    }
    const start = this.pos;
    const name = this.ident();
    if (FUNCTIONS.includes(name) && this.peek() === "(") {
      this.pos++;
      const arg = this.expr();
      this.expect(")");
      return { kind: "fn", name, arg };
    }
    return this.metric(start, name);
  }

  metric(start: number, first: string): DdMetric {
    let aggr: DdMetric["aggr"] = "avg";
    let metric = first;
    if (this.peek() === ":") {
      if (!AGGREGATORS.includes(first)) throw new QueryError(`unknown aggregator '${first}'`);
      aggr = first as DdMetric["aggr"];
      this.pos++;
      metric = this.ident();
    }
    this.expect("{");
    const close = this.src.indexOf("}", this.pos);
    if (close < 0) throw new QueryError("missing '}'");
    const scope = this.src.slice(this.pos, close).trim();
    this.pos = close + 1;
    const filters: DdFilter[] = [];
    if (scope !== "*" && scope !== "") {
      for (const part of scope.split(",")) {
        let t = part.trim();
        const negate = t.startsWith("!");
        if (negate) t = t.slice(1);
        const colon = t.indexOf(":");
        filters.push(colon < 0 ? { key: t, value: "*", negate } : { key: t.slice(0, colon), value: t.slice(colon + 1), negate });
      }
    }
    const groupBy: string[] = [];
    const rest = this.src.slice(this.pos);
    const by = /^\s*by\s*\{([^}]*)\}/.exec(rest);
    if (by) {
      this.pos += by[0].length;
      groupBy.push(...by[1].split(",").map((k) => k.trim()).filter(Boolean));
    }
    const node: DdMetric = { kind: "metric", aggr, metric, filters, groupBy, asCount: false, asRate: false, text: "", scope: scope || "*" };
    while (this.src[this.pos] === ".") {
      this.pos++;
      const mod = this.ident();
      this.expect("(");
      const close2 = this.src.indexOf(")", this.pos);
      if (close2 < 0) throw new QueryError("missing ')'");
      const args = this.src.slice(this.pos, close2).split(",").map((a) => a.trim()).filter(Boolean);
      this.pos = close2 + 1;
      if (mod === "as_count") node.asCount = true;
      else if (mod === "as_rate") node.asRate = true;
      else if (mod === "rollup") {
        const method = args[0] ?? "avg";
        if (!["sum", "avg", "min", "max", "count"].includes(method)) throw new QueryError(`unknown rollup method '${method}'`);
        const seconds = args[1] !== undefined ? Number(args[1]) : undefined;
        if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) throw new QueryError("rollup interval must be a positive integer");
        node.rollup = { method: method as NonNullable<DdMetric["rollup"]>["method"], seconds };
      } else if (mod === "fill") {
        // accepted for compatibility; the simulator never fills gaps
      } else throw new QueryError(`unsupported modifier '.${mod}()'`);
    }
    node.text = this.src.slice(start, this.pos).trim();
    return node;
  }
}

/** Datadog-style tag value match: `*` wildcards, case-insensitive. */
export function tagMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === "*") return true;
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(value);
}
