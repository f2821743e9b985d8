// A long app.pipecd.yaml (a canary with many ANALYSIS stages) and two ways to break it: the
// file the LSP benchmark edits, and the source parser's differential test cuts up.

/** At least `targetLines` lines (305 for 300): a canary with many ANALYSIS stages, two metrics each. Valid as generated. */
export function generateApp(targetLines = 300): string {
  const head = `# Generated for bench/lsp.bench.ts: a long canary with many analysis stages.
apiVersion: pipecd.dev/v1beta1
kind: ECSApp
spec:
  name: web
  labels:
    env: bench
    team: payments
  input:
    serviceDefinitionFile: servicedef.yaml
    taskDefinitionFile: taskdef.yaml
    targetGroups:
      primary:
        targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef
        containerName: web
        containerPort: 80
      canary:
        targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210
        containerName: web
        containerPort: 80
  pipeline:
    stages:
      - name: ECS_CANARY_ROLLOUT
        with:
          scale: 25
      - name: ECS_TRAFFIC_ROUTING
        with:
          canary: 20
`;
  const tail = `      - name: ECS_PRIMARY_ROLLOUT
      - name: ECS_TRAFFIC_ROUTING
        with:
          primary: 100
      - name: ECS_CANARY_CLEAN
`;
  const analysis = (i: number) => `      - name: ANALYSIS
        id: analysis-${i}
        with:
          duration: 5m
          metrics:
            - provider: datadog
              strategy: THRESHOLD
              interval: 1m
              failureLimit: 1
              query: sum:aws.applicationelb.httpcode_target_5xx{targetgroup:<< .Variant.TargetGroup >>}.as_count()
              expected:
                max: ${i + 1}
            - provider: datadog
              strategy: CANARY_PRIMARY
              deviation: HIGH
              interval: 1m
              query: avg:trace.http.request.duration{service:<< .App.Name >>,version:<< .Variant.Name >>}
`;
  let body = "";
  let i = 0;
  const count = (s: string) => s.split("\n").length - 1;
  while (count(head + body + tail) < targetLines) body += analysis(i++);
  return head + body + tail;
}

/** Schema mistakes both servers can see (enum, unknown key, pattern) in the middle of the file. */
export function schemaInvalid(app: string): string {
  const lines = app.split("\n");
  const mid = lines.findIndex((l, i) => i > lines.length / 2 && l.includes("strategy: THRESHOLD"));
  lines[mid] = lines[mid].replace("THRESHOLD", "THRESHOLDS");
  lines[mid + 1] = lines[mid + 1].replace("interval:", "intervall:");
  const d = lines.findIndex((l, i) => i > mid && l.includes("duration: 5m"));
  lines[d] = lines[d].replace("5m", "5 minutes");
  return lines.join("\n");
}

/** Mistakes only the compiler's lint sees: valid against the schema, wrong as a deployment. */
export function lintInvalid(app: string): string {
  return app
    .replace("scale: 25", "scale: 250")
    .replace("provider: datadog", "provider: datadgo")
    .replace("<< .App.Name >>", "<< .App.Nmae >>")
    .replace(/      - name: ECS_CANARY_CLEAN\n$/, "");
}

/**
 * `count` versions as typing produces them: each one new, each changing one threshold in a
 * different stage, alternately valid (`max: 101`) and not (`max: x1`, a schema error).
 */
export function typingVersions(app: string, count: number): string[] {
  const stages = app.split(/(?=      - name: )/);
  const analysis = stages.map((s, i) => (s.includes("max: ") ? i : -1)).filter((i) => i >= 0);
  return Array.from({ length: count }, (_, i) => {
    const at = analysis[(i * 7) % analysis.length];
    const copy = [...stages];
    copy[at] = copy[at].replace(/max: \d+/, i % 2 === 0 ? `max: ${100 + i}` : `max: x${i}`);
    return copy.join("");
  });
}

/** The same file with an anchor in it: a file the LSP's source parser must parse whole. */
export const withAnchor = (app: string) => app.replace("  labels:\n", "  labels: &labels\n");

/**
 * `count` versions of typing new keys into metrics of different stages, one character per
 * version (`s`, `sk`, ... `skipOnNoData: true`): most are YAML errors until the colon is typed.
 */
export function typingKeyVersions(app: string, count: number): string[] {
  const keys = ["skipOnNoData: true", "delay: 30s", "timeout: 2m", "skipOnNoData: false", "delay: 1m"];
  const anchor = "              interval: 1m\n";
  const out: string[] = [];
  let text = app;
  for (const [k, key] of keys.entries()) {
    const at: number[] = [];
    for (let i = text.indexOf(anchor); i >= 0; i = text.indexOf(anchor, i + 1)) at.push(i + anchor.length);
    const pos = at[(k * 3) % at.length];
    const typed = (n: number) => `${text.slice(0, pos)}              ${key.slice(0, n)}\n${text.slice(pos)}`;
    for (let n = 1; n <= key.length && out.length < count; n++) out.push(typed(n));
    text = typed(key.length);
  }
  return out;
}
