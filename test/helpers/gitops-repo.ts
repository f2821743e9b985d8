// Real Git for the GitOps tests and benchmark: a bare repository on disk with a work clone that
// commits and pushes, quick-sync ECS apps (one service each) and the simulator world they deploy
// into, and a repository served over HTTP by `git http-backend` (a CGI bridge on a local port).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { serve, type RunningServer } from "../../runtime/platform/index.ts";
import { runProcess } from "../../runtime/platform/spawn.ts";

export const gitPresent = spawnSync("git", ["--version"]).status === 0;

const GIT_ENV = { GIT_AUTHOR_NAME: "Ada Lovelace", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada Lovelace", GIT_COMMITTER_EMAIL: "ada@example.com" };

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A bare repository (`remote`) and a clone of it (`work`) on branch main. */
export class TestRepo {
  readonly remote: string;
  readonly work: string;

  constructor(root: string, name: string) {
    this.remote = join(root, `${name}.git`);
    this.work = join(root, `${name}-work`);
    mkdirSync(this.remote, { recursive: true });
    git(this.remote, "init", "--bare", "--quiet", "--initial-branch=main");
    git(root, "clone", "--quiet", this.remote, this.work);
    git(this.work, "checkout", "--quiet", "-B", "main");
  }

  write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.work, path)), { recursive: true });
      writeFileSync(join(this.work, path), text);
    }
  }

  /** Writes the files, commits them with the message and pushes; returns the commit hash. */
  commit(message: string, files: Record<string, string>): string {
    this.write(files);
    git(this.work, "add", "-A");
    git(this.work, "commit", "--quiet", "--allow-empty", "-m", message);
    git(this.work, "push", "--quiet", "origin", "main");
    return git(this.work, "rev-parse", "HEAD");
  }
}

const tgId = (name: string, color: string) => {
  let h = 0;
  for (const c of `${name}-${color}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, "0").repeat(2);
};

/** A quick-sync ECS app for service `name` in cluster demo, running `image`, under `dir`. */
export function appFiles(dir: string, name: string, image: string, extra = ""): Record<string, string> {
  return {
    [`${dir}/app.pipecd.yaml`]: `apiVersion: pipecd.dev/v1beta1
kind: ECSApp
spec:
  name: ${name}
  labels:
    team: shop
  input:
    serviceDefinitionFile: servicedef.yaml
    taskDefinitionFile: taskdef.yaml
    targetGroups:
      primary:
        targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}-blue/${tgId(name, "blue")}
        containerName: ${name}
        containerPort: 80
${extra}`,
    [`${dir}/servicedef.yaml`]: `cluster: arn:aws:ecs:us-east-1:123456789012:cluster/demo
serviceName: ${name}
desiredCount: 2
deploymentController:
  type: EXTERNAL
schedulingStrategy: REPLICA
launchType: FARGATE
networkConfiguration:
  awsvpcConfiguration:
    assignPublicIp: DISABLED
    securityGroups: [sg-0123456789abcdef0]
    subnets: [subnet-0123456789abcdef0]
`,
    [`${dir}/taskdef.yaml`]: taskdef(name, image),
  };
}

export const taskdef = (name: string, image: string) => `family: ${name}
executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
networkMode: awsvpc
requiresCompatibilities: [FARGATE]
cpu: 256
memory: 512
containerDefinitions:
  - name: ${name}
    image: ${image}
    essential: true
    portMappings:
      - containerPort: 80
`;

/** The simulated world: each service running nginx:1.25 behind its own blue target group. */
export function scenario(services: string[], timeScale = 600): string {
  const lines = [
    "settings:",
    "  region: us-east-1",
    '  accountId: "123456789012"',
    "  seed: 1",
    `  timeScale: ${timeScale}`,
    "  taskStartDelaySeconds: 5",
    "  healthCheckDelaySeconds: 5",
    "  deregistrationDelaySeconds: 5",
    "clusters: [demo]",
    "taskDefinitions:",
    ...services.flatMap((s) => [`  - family: ${s}`, "    image: nginx:1.25", `    containerName: ${s}`, "    containerPort: 80"]),
    "loadBalancers:",
    ...services.flatMap((s) => [
      `  - name: ${s}-alb`,
      "    targetGroups:",
      `      - { name: ${s}-blue, id: ${tgId(s, "blue")}, port: 80, protocol: HTTP, targetType: ip }`,
      `      - { name: ${s}-green, id: ${tgId(s, "green")}, port: 80, protocol: HTTP, targetType: ip }`,
      "    listeners:",
      "      - port: 80",
      "        protocol: HTTP",
      `        defaultForward: { ${s}-blue: 100, ${s}-green: 0 }`,
    ]),
    "services:",
    ...services.flatMap((s) => [
      "  - cluster: demo",
      `    serviceName: ${s}`,
      "    desiredCount: 2",
      "    deploymentController: EXTERNAL",
      "    launchType: FARGATE",
      "    subnets: [subnet-0123456789abcdef0]",
      "    securityGroups: [sg-0123456789abcdef0]",
      "    primaryTaskSet:",
      `      taskDefinition: ${s}:1`,
      `      targetGroup: ${s}-blue`,
      `      containerName: ${s}`,
      "      containerPort: 80",
      "      scale: 100",
    ]),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Serves the bare repositories under `root` over HTTP with `git http-backend` (smart HTTP, CGI),
 * at /<name>.git. With `token`, requests must carry it as HTTP basic auth (any user name).
 * `requests` counts the requests served (a webhook refused must fetch nothing).
 */
export async function serveGitHttp(root: string, token?: string): Promise<RunningServer & { requests: () => number }> {
  let requests = 0;
  const server = await serve(async (req) => {
    requests++;
    if (token) {
      const m = /^Basic (.+)$/.exec(req.headers.get("authorization") ?? "");
      const pass = m ? atob(m[1]).split(":").slice(1).join(":") : null;
      if (pass !== token) return new Response("auth required", { status: 401, headers: { "www-authenticate": 'Basic realm="git"' } });
    }
    const url = new URL(req.url);
    const body = new Uint8Array(await req.arrayBuffer());
    const env: Record<string, string> = {
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REQUEST_METHOD: req.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers.get("content-type") ?? "",
      CONTENT_LENGTH: String(body.length),
      REMOTE_ADDR: "127.0.0.1",
      ...(req.headers.get("content-encoding") ? { HTTP_CONTENT_ENCODING: req.headers.get("content-encoding")! } : {}),
      ...(req.headers.get("git-protocol") ? { GIT_PROTOCOL: req.headers.get("git-protocol")! } : {}),
    };
    const r = await runProcess("git", ["http-backend"], { env, input: body });
    const out = r.stdout;
    let split = -1;
    for (let i = 0; i + 3 < out.length; i++) {
      if (out[i] === 13 && out[i + 1] === 10 && out[i + 2] === 13 && out[i + 3] === 10) {
        split = i;
        break;
      }
    }
    if (split < 0) return new Response(`http-backend: ${r.stderr}`, { status: 500 });
    const headers = new Headers();
    let status = 200;
    for (const line of new TextDecoder().decode(out.subarray(0, split)).split("\r\n")) {
      const i = line.indexOf(":");
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === "status") status = Number.parseInt(v, 10);
      else if (k) headers.append(k, v);
    }
    return new Response(out.slice(split + 4).buffer as ArrayBuffer, { status, headers });
  });
  return { ...server, requests: () => requests };
}
