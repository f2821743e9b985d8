// Parser for the PromQL subset the simulator answers (see README.md):
//   selectors with label matchers (=, !=, =~, !~) and range durations, rate/increase/irate,
//   *_over_time, sum/avg/min/max/count with by/without, + - * / between vectors and scalars.

import { Scanner } from "./scanner.ts";
export type PromNode =
  | { kind: "num"; value: number }
  | { kind: "neg"; arg: PromNode }
  | { kind: "bin"; op: "+" | "-" | "*" | "/"; left: PromNode; right: PromNode }
  | { kind: "aggr"; op: "sum" | "avg" | "min" | "max" | "count"; by?: string[]; without?: string[]; arg: PromNode }
  | { kind: "func"; name: string; arg: PromSelector }
  | PromSelector;

export interface PromMatcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface PromSelector {
  kind: "selector";
  name: string;
  matchers: PromMatcher[];
  rangeMs?: number;
}

export class PromQLError extends Error {}

const AGGRS = ["sum", "avg", "min", "max", "count"];
const FUNCS = ["rate", "increase", "irate", "avg_over_time", "sum_over_time", "max_over_time", "min_over_time"];

export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 }[m[2]]!;
    total += Number(m[1]) * unit;
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw new PromQLError(`bad duration "${text}"`);
  return total;
}

export function parsePromQL(src: string): PromNode {
  const p = new P(src);
  const node = p.expr(0);
  p.ws();
  if (p.pos < src.length) throw p.fail(`unexpected "${src.slice(p.pos, p.pos + 10)}"`);
  return node;
}

const PREC: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2 };

class P extends Scanner {
  constructor(src: string) {
    super(src, /^[A-Za-z_:][A-Za-z0-9_:]*/, (m) => new PromQLError(m));
  }
  labelList(): string[] {
    this.expect("(");
    const out: string[] = [];
    while (this.peek() !== ")") {
      out.push(this.ident());
      if (this.peek() === ",") this.pos++;
    }
    this.pos++;
    return out;
  }
  expr(minPrec: number): PromNode {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const prec = PREC[op];
      if (prec === undefined || prec < minPrec) return left;
      this.pos++;
      const right = this.expr(prec + 1);
      left = { kind: "bin", op: op as "+", left, right };
    }
  }
  unary(): PromNode {
    if (this.peek() === "-") {
      this.pos++;
      return { kind: "neg", arg: this.unary() };
    }
    return this.primary();
  }
  primary(): PromNode {
    const c = this.peek();
    if (c === "(") {
      this.pos++;
      const e = this.expr(0);
      this.expect(")");
      return e;
    }
    const num = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { kind: "num", value: Number(num[0]) };
    }
    const name = this.ident();
    if (AGGRS.includes(name)) {
      let by: string[] | undefined;
      let without: string[] | undefined;
      const mod = () => {
        const save = this.pos;
        const m = /^\s*(by|without)\b/.exec(this.src.slice(this.pos));
        if (!m) return;
        this.pos += m[0].length;
        if (m[1] === "by") by = this.labelList();
        else without = this.labelList();
        if (this.pos === save) return;
      };
      mod();
      this.expect("(");
      const arg = this.expr(0);
      this.expect(")");
      mod();
      return { kind: "aggr", op: name as "sum", by, without, arg };
    }
    if (FUNCS.includes(name)) {
      this.expect("(");
      const arg = this.primary();
      this.expect(")");
      if (arg.kind !== "selector" || arg.rangeMs === undefined) throw new PromQLError(`${name}() needs a range vector selector like metric[5m]`);
      return { kind: "func", name, arg };
    }
    return this.selector(name);
  }
  selector(name: string): PromSelector {
    const matchers: PromMatcher[] = [];
    if (this.src[this.pos] === "{" || this.peek() === "{") {
      this.expect("{");
      while (this.peek() !== "}") {
        const label = this.ident();
        this.ws();
        const op = /^(=~|!~|!=|=)/.exec(this.src.slice(this.pos));
        if (!op) throw this.fail("expected a matcher operator");
        this.pos += op[0].length;
        this.ws();
        const q = this.src[this.pos];
        if (q !== '"' && q !== "'") throw this.fail("expected a quoted string");
        const end = this.src.indexOf(q, this.pos + 1);
        if (end < 0) throw new PromQLError("unterminated string");
        matchers.push({ label, op: op[0] as PromMatcher["op"], value: this.src.slice(this.pos + 1, end) });
        this.pos = end + 1;
        if (this.peek() === ",") this.pos++;
      }
      this.pos++;
    }
    let rangeMs: number | undefined;
    if (this.peek() === "[") {
      this.pos++;
      const end = this.src.indexOf("]", this.pos);
      if (end < 0) throw new PromQLError("missing ]");
      rangeMs = parseDuration(this.src.slice(this.pos, end).trim());
      this.pos = end + 1;
    }
    return { kind: "selector", name, matchers, rangeMs };
  }
}
