// The variables a query template can use, per variant. See DESIGN.md "template".
import type { AnalysisMetric, ResolvedApp, VariantName } from "../model.ts";

export interface TemplateContext {
  App: { Name: string; Labels: Record<string, string> };
  Variant: { Name: VariantName; Args: Record<string, string>; TargetGroup?: string; TargetGroupArn?: string };
  /** PipeCD's name for Variant.Args. */
  VariantCustomArgs: Record<string, string>;
  AppCustomArgs: Record<string, string>;
  Service: { Name?: string; Cluster?: string };
}

/** Documented variables, for completion and hover in the editor. */
export const TEMPLATE_VARIABLES: { path: string; doc: string }[] = [
  { path: ".App.Name", doc: "The application name (spec.name)." },
  { path: ".App.Labels.<key>", doc: "An application label (spec.labels)." },
  { path: ".Variant.Name", doc: "primary, canary or baseline: the variant the query is expanded for." },
  { path: ".Variant.Args.<key>", doc: "From primaryArgs / canaryArgs / baselineArgs of the metric, for that variant." },
  { path: ".Variant.TargetGroup", doc: "The variant's target group as ALB metrics tag it: targetgroup/<name>/<id>." },
  { path: ".Variant.TargetGroupArn", doc: "The variant's full target group ARN." },
  { path: ".VariantCustomArgs.<key>", doc: "PipeCD's name for .Variant.Args.<key>." },
  { path: ".AppCustomArgs.<key>", doc: "From the analysis template reference's appArgs." },
  { path: ".Service.Name", doc: "The ECS service name (servicedef serviceName)." },
  { path: ".Service.Cluster", doc: "The ECS cluster (servicedef cluster)." },
];

/** `arn:aws:elasticloadbalancing:r:a:targetgroup/name/id` -> `targetgroup/name/id`. */
export function targetGroupSuffix(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const i = arn.indexOf(":targetgroup/");
  return i >= 0 ? arn.slice(i + 1) : undefined;
}

export function templateContext(app: ResolvedApp, metric: Pick<AnalysisMetric, "primaryArgs" | "canaryArgs" | "baselineArgs" | "appArgs"> | null, variant: VariantName): TemplateContext {
  const args = metric ? { primary: metric.primaryArgs, canary: metric.canaryArgs, baseline: metric.baselineArgs }[variant] : {};
  const tg = variant === "baseline" ? undefined : app.input.targetGroups[variant];
  const svc = app.service?.value as Record<string, unknown> | undefined;
  const variantCtx: TemplateContext["Variant"] = { Name: variant, Args: args };
  if (tg?.targetGroupArn) {
    variantCtx.TargetGroupArn = tg.targetGroupArn;
    variantCtx.TargetGroup = targetGroupSuffix(tg.targetGroupArn);
  }
  return {
    App: { Name: app.name, Labels: app.labels },
    Variant: variantCtx,
    VariantCustomArgs: args,
    AppCustomArgs: metric?.appArgs ?? {},
    Service: { Name: svc?.serviceName as string | undefined, Cluster: (svc?.cluster ?? svc?.clusterArn) as string | undefined },
  };
}

/** Looks a path up without touching prototypes (own properties only). */
export function lookup(ctx: unknown, path: readonly string[]): unknown {
  let cur: unknown = ctx;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
