// Template expansion: the graph holds final query strings, per variant, with the query's own
// braces untouched; problems point at the exact column inside the query.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile } from "../../compiler/compile.ts";
import { canaryApp, TG_CANARY, TG_PRIMARY } from "../../compiler/rules/fixtures.ts";
import { memoryReader } from "../helpers/memory-files.ts";

const analysis = (metric: string, before = "") => `      - name: ECS_CANARY_ROLLOUT
        with:
          scale: 30
      - name: ECS_TRAFFIC_ROUTING
        with:
          canary: 20
${before}      - name: ANALYSIS
        with:
          duration: 10m
          metrics:
${metric}      - name: ECS_PRIMARY_ROLLOUT
      - name: ECS_TRAFFIC_ROUTING
        with:
          primary: 100
      - name: ECS_CANARY_CLEAN
`;

const metric = (query: string, extra = "") => `            - provider: prom
              query: '${query}'
              interval: 1m
${extra}              expected:
                max: 1
`;

function build(files: Record<string, string>) {
  return compile({ appPath: "app/app.pipecd.yaml", readFile: memoryReader(files) });
}

const analysisNode = (r: ReturnType<typeof build>) => r.graph!.nodes.find((n) => n.stage === "ANALYSIS")!;

test("THRESHOLD mid-canary is expanded for the canary, with its target group", () => {
  const r = build(canaryApp(analysis(metric('sum(rate(http_requests_total{code=~"5..",tg="<< .Variant.TargetGroup >>",v="<< .Variant.Name >>"}[1m]))'))));
  assert.deepEqual(r.diagnostics, []);
  const m = (analysisNode(r).params as any).metrics[0];
  assert.deepEqual(Object.keys(m.queries), ["canary"]);
  assert.equal(m.queries.canary, `sum(rate(http_requests_total{code=~"5..",tg="${TG_CANARY.split(":").pop()}",v="canary"}[1m]))`);
});

test("CANARY_PRIMARY is expanded once per side with each side's args", () => {
  const r = build(
    canaryApp(
      analysis(
        metric("avg:latency{service:<< .App.Name >>,role:<< .Variant.Args.role >>}", "              strategy: CANARY_PRIMARY\n              canaryArgs:\n                role: green\n              primaryArgs:\n                role: blue\n"),
      ),
    ),
  );
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  assert.deepEqual(errors, []);
  const m = (analysisNode(r).params as any).metrics[0];
  assert.equal(m.queries.canary, "avg:latency{service:web,role:green}");
  assert.equal(m.queries.primary, "avg:latency{service:web,role:blue}");
  assert.ok(TG_PRIMARY);
});

test("THRESHOLD after the primary rollout and clean judges the primary", () => {
  const stages = `      - name: ECS_SYNC
      - name: ANALYSIS
        with:
          duration: 5m
          metrics:
${metric("sum:errors{variant:<< .Variant.Name >>}")}`;
  const r = build(canaryApp(stages));
  const m = (analysisNode(r).params as any).metrics[0];
  assert.deepEqual(m.queries, { primary: "sum:errors{variant:primary}" });
});

test("unknown variables are reported at the exact column inside the query", () => {
  const r = build(canaryApp(analysis(metric("sum:errors{env:<< .App.Labels.env >>}"))));
  const d = r.diagnostics.find((x) => x.code === "template-unknown-variable")!;
  assert.ok(d, JSON.stringify(r.diagnostics));
  // Line 30: `              query: 'sum:errors{env:<< .App.Labels.env >>}'`
  assert.equal(d.line, 30);
  assert.equal(d.column, "              query: 'sum:errors{env:".length + 1);
  assert.equal(d.endColumn - d.column, "<< .App.Labels.env >>".length);
  assert.match(d.message, /no label "env"/);
  assert.equal(r.graph, null);
});

test("legacy {{ }} is expanded, warned about, and offers the rewrite as a fix", () => {
  const r = build(canaryApp(analysis(metric("sum:errors{variant:{{ .Variant.Name }}}"))));
  const d = r.diagnostics.find((x) => x.code === "template-legacy-syntax")!;
  assert.equal(d.severity, "warning");
  assert.equal(d.fix?.edits[0].newText, "<< .Variant.Name >>");
  assert.equal((analysisNode(r).params as any).metrics[0].queries.canary, "sum:errors{variant:canary}");
});

test("prototype properties are never reachable from templates", () => {
  const r = build(canaryApp(analysis(metric("x{<< .App.constructor >>,<< .App.Labels.__proto__ >>}"))));
  const codes = r.diagnostics.filter((d) => d.code === "template-unknown-variable");
  assert.equal(codes.length, 2, JSON.stringify(r.diagnostics));
});

test("block scalars: positions still land on the expression", () => {
  const block = `            - provider: prom
              query: |
                sum(rate(errors{v="<< .Varient.Name >>"}[1m]))
              interval: 1m
              expected:
                max: 1
`;
  const r = build(canaryApp(analysis(block)));
  const d = r.diagnostics.find((x) => x.code === "template-unknown-variable")!;
  assert.equal(d.line, 31);
  assert.equal(d.column, '                sum(rate(errors{v="'.length + 1);
});

test("analysis templates from .pipe/analysis-template.yaml supply the query and appArgs", () => {
  const files = canaryApp(
    analysis(`            - template:
                name: http_error_rate
                appArgs:
                  job: web
`),
  );
  const withTemplate = {
    ...files,
    "../.pipe/analysis-template.yaml": `apiVersion: pipecd.dev/v1beta1
kind: AnalysisTemplate
spec:
  metrics:
    http_error_rate:
      provider: prom
      interval: 1m
      query: sum(rate(errors{job="<< .AppCustomArgs.job >>",v="<< .Variant.Name >>"}[5m]))
      expected:
        max: 0.01
`,
  };
  const byPath = new Map(Object.entries(withTemplate).map(([p, t]) => [p.startsWith("../") ? p.slice(3) : `app/${p}`, t]));
  const r = compile({ appPath: "app/app.pipecd.yaml", readFile: (p) => byPath.get(p) ?? null });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === "error"), []);
  assert.equal((analysisNode(r).params as any).metrics[0].queries.canary, 'sum(rate(errors{job="web",v="canary"}[5m]))');
});
