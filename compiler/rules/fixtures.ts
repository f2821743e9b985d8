// Building blocks for rule examples: a valid Fargate service behind an ALB with a primary and a
// canary target group. `canaryApp()` puts the given stages at line 19 onwards, so examples can
// state the exact line a diagnostic must land on.

export const TG_PRIMARY = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef";
export const TG_CANARY = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210";

export const SERVICEDEF = `cluster: arn:aws:ecs:us-east-1:123456789012:cluster/demo
serviceName: web
desiredCount: 2
deploymentController:
  type: EXTERNAL
schedulingStrategy: REPLICA
launchType: FARGATE
networkConfiguration:
  awsvpcConfiguration:
    assignPublicIp: DISABLED
    securityGroups:
      - sg-0123456789abcdef0
    subnets:
      - subnet-0123456789abcdef0
`;

export const TASKDEF = `family: web
executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
networkMode: awsvpc
requiresCompatibilities:
  - FARGATE
cpu: 256
memory: 512
containerDefinitions:
  - name: web
    image: public.ecr.aws/nginx/nginx:1.25
    essential: true
    portMappings:
      - containerPort: 80
`;

/** A canary pipeline that every rule accepts. */
export const GOOD_STAGES = `      - name: ECS_CANARY_ROLLOUT
        with:
          scale: 30
      - name: ECS_TRAFFIC_ROUTING
        with:
          canary: 20
      - name: WAIT
        with:
          duration: 30s
      - name: ECS_PRIMARY_ROLLOUT
      - name: ECS_TRAFFIC_ROUTING
        with:
          primary: 100
      - name: ECS_CANARY_CLEAN
`;

export interface AppOptions {
  /** Replaces the whole `input:` block (give it indented by 2, starting with "  input:"). */
  input?: string;
  /** Extra spec-level YAML placed after the pipeline (indented by 2). */
  extra?: string;
  servicedef?: string;
  taskdef?: string;
}

export const DEFAULT_INPUT = `  input:
    serviceDefinitionFile: servicedef.yaml
    taskDefinitionFile: taskdef.yaml
    targetGroups:
      primary:
        targetGroupArn: ${TG_PRIMARY}
        containerName: web
        containerPort: 80
      canary:
        targetGroupArn: ${TG_CANARY}
        containerName: web
        containerPort: 80
`;

/** Files for an example app; with the default input, the first stage is on line 19. */
export function canaryApp(stages: string = GOOD_STAGES, options: AppOptions = {}): Record<string, string> {
  const app =
    "apiVersion: pipecd.dev/v1beta1\nkind: ECSApp\nspec:\n  name: web\n" +
    (options.input ?? DEFAULT_INPUT) +
    (stages ? `  pipeline:\n    stages:\n${stages}` : "") +
    (options.extra ?? "");
  return { "app.pipecd.yaml": app, "servicedef.yaml": options.servicedef ?? SERVICEDEF, "taskdef.yaml": options.taskdef ?? TASKDEF };
}

/**
 * GOOD_STAGES with one more stage inserted after the canary gets 20% of traffic: its `name` is
 * on line 25 and, with the default input, the lines of `body` (YAML indented by 8, e.g. "        with:\n")
 * start on line 26.
 */
export function stagesWith(name: string, body: string = ""): string {
  const marker = "      - name: WAIT\n";
  return GOOD_STAGES.replace(marker, `      - name: ${name}\n${body}${marker}`);
}

/**
 * An ANALYSIS stage body (for stagesWith) with one metric: after stagesWith its `- provider` is on
 * line 29, `interval` on line 31, and the `extra` lines (indented by 14) start on line 32.
 */
export function analysisBody(extra: string = "", options: { duration?: string; interval?: string } = {}): string {
  return `        with:
          duration: ${options.duration ?? "10m"}
          metrics:
            - provider: datadog
              query: "sum:trace.http.request.errors{service:web}.as_count()"
              interval: ${options.interval ?? "1m"}
${extra}`;
}

/** A well-formed secret in PipeCD's KEY_PAIR format (the text "example", for a throwaway key). */
export const EXAMPLE_CIPHERTEXT =
  "AQAlv1AmrRVrd79tUh7hGbsrOwyiq56xr7sd3dd4zebPP10oIXZ9hW+MAuy8bMoFX/ve9DcECMPICZgn0Y6rLG5kg78E8K7mnC6jQWhCPNP9f/+UjjB9z06KhiV9/IWN/rChfWdHjms3zurSrhBQcFBTrqP9Sqq0VTqM5ptH/YNqsbZAsVgdH0AUxuN9FRyYBVAMzIuJSRJN0FAfG9MK54B2MCqTo5wLwyxZThRkfDnGalW+f6tCR9RtZnz/xKT9gGMUAK8raHaB5XsbNU5toloLUiqKfLE9GLvFE4PYP43hqhmkAJRBXJjYQalup0yFK+IyFc9QQ3rQVwT1OB/UnOWhnjYpFVotJXar20JTuohBvEY9MabC/V8=";

/** TASKDEF with one environment variable whose value (line 16 of taskdef.yaml) is `value`. */
export const taskdefWithEnv = (value: string): string => `${TASKDEF}    environment:\n      - name: DB_PASSWORD\n        value: "${value}"\n`;

/**
 * canaryApp() with `spec.encryption` and/or `spec.attachment` after the pipeline, and extra files.
 * `encryption` lines (indented by 4) start on line 34 (`encryption:` is line 33); `attachment`
 * follows it.
 */
export function secretsApp(o: { encryption?: string; attachment?: string; taskdef?: string; servicedef?: string; files?: Record<string, string> }): Record<string, string> {
  const extra = (o.encryption !== undefined ? `  encryption:\n${o.encryption}` : "") + (o.attachment !== undefined ? `  attachment:\n${o.attachment}` : "");
  return { ...canaryApp(GOOD_STAGES, { extra, taskdef: o.taskdef, servicedef: o.servicedef }), ...o.files };
}

/** `encryption` lines: dbPassword's ciphertext on line 35, the targets from line 37. */
export const encryptionOf = (targets: string[], ciphertext: string = EXAMPLE_CIPHERTEXT): string =>
  `    encryptedSecrets:\n      dbPassword: ${ciphertext}\n    decryptionTargets:\n${targets.map((t) => `      - ${t}\n`).join("")}`;
