// SDK clients per platform provider, shared per account/region (one token bucket and one
// DescribeServices batcher each), pointed at the simulator when endpoints are configured.
import { ECSClient } from "@aws-sdk/client-ecs";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { runtimeName } from "../platform/index.ts";
import { checkBeforeSend, DEFAULT_POLICY, rateLimitedApi, type AwsApi } from "./call.ts";
import { ServicePoller } from "./service-poller.ts";
import { TokenBucket } from "./token-bucket.ts";
import type { RuntimeMetrics } from "../metrics/registry.ts";

export interface PlatformProvider {
  name: string;
  region: string;
  profile?: string;
  credentialsFile?: string;
  endpoints?: { ecs?: string; elbv2?: string };
  /** Real milliseconds one ECS/ELBv2 call may take before it is abandoned and retried (default 30 s). */
  callTimeoutMs?: number;
  /** Static credentials (the simulator accepts any). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface RateLimits {
  /** ECS describe/list calls per second and burst (ECS: cluster reads burst 50, refill 20). */
  ecsRead: { rate: number; burst: number };
  ecsWrite: { rate: number; burst: number };
  elb: { rate: number; burst: number };
}

export const DEFAULT_LIMITS: RateLimits = {
  ecsRead: { rate: 20, burst: 40 },
  ecsWrite: { rate: 10, burst: 20 },
  elb: { rate: 10, burst: 20 },
};

export interface AwsContext {
  key: string;
  provider: PlatformProvider;
  ecs: AwsApi;
  elb: AwsApi;
  poller: ServicePoller;
  ecsReadBucket: TokenBucket;
  /** Listener topology per deployment and target-group pair (see elb-rules.ts listenersOf). */
  listeners: Map<string, string[]>;
  destroy(): void;
}

async function credentialsFor(p: PlatformProvider): Promise<unknown> {
  if (p.credentials) return p.credentials;
  if (p.credentialsFile) {
    const mod = "@aws-sdk/credential-provider-ini";
    const { fromIni } = await import(mod);
    return fromIni({ filepath: p.credentialsFile, profile: p.profile });
  }
  return undefined; // default chain (env, shared files with `profile`, task role...)
}

export class AwsContexts {
  private readonly byKey = new Map<string, Promise<AwsContext>>();
  private readonly ready: AwsContext[] = [];
  constructor(
    private readonly metrics: RuntimeMetrics,
    private readonly limits: RateLimits = DEFAULT_LIMITS,
    private readonly pollIntervalMs = 1000,
    /** Runs before every AWS request this process sends (the lease keeper's deadline check). */
    private readonly beforeAttempt?: () => void,
  ) {}

  get(p: PlatformProvider): Promise<AwsContext> {
    const key = [p.region, p.endpoints?.ecs ?? "", p.profile ?? "", p.credentialsFile ?? "", p.callTimeoutMs ?? ""].join("|");
    let ctx = this.byKey.get(key);
    if (!ctx) {
      ctx = this.create(key, p);
      this.byKey.set(key, ctx);
    }
    return ctx;
  }

  private async create(key: string, p: PlatformProvider): Promise<AwsContext> {
    const credentials = (await credentialsFor(p)) as any;
    const common = {
      region: p.region,
      maxAttempts: 1,
      ...(credentials ? { credentials } : {}),
      ...(p.profile && !p.credentialsFile ? { profile: p.profile } : {}),
      // Deno's node:http client sends an aborted request again when it was on a reused keep-alive
      // connection: a call abandoned at its timeout would then take effect twice. Its fetch does not.
      ...(runtimeName === "deno" ? { requestHandler: new FetchHttpHandler() } : {}),
    };
    const ecsClient = new ECSClient({ ...common, ...(p.endpoints?.ecs ? { endpoint: p.endpoints.ecs } : {}) });
    const elbClient = new ElasticLoadBalancingV2Client({ ...common, ...(p.endpoints?.elbv2 ? { endpoint: p.endpoints.elbv2 } : {}) });
    checkBeforeSend(ecsClient);
    checkBeforeSend(elbClient);
    const read = new TokenBucket(this.limits.ecsRead.rate, this.limits.ecsRead.burst);
    const write = new TokenBucket(this.limits.ecsWrite.rate, this.limits.ecsWrite.burst);
    const elbBucket = new TokenBucket(this.limits.elb.rate, this.limits.elb.burst);
    const policy = { ...DEFAULT_POLICY, ...(p.callTimeoutMs ? { callTimeoutMs: p.callTimeoutMs } : {}) };
    const ecs = rateLimitedApi("ecs", ecsClient, { read, write }, this.metrics, policy, this.beforeAttempt);
    const elb = rateLimitedApi("elbv2", elbClient, { read: elbBucket, write: elbBucket }, this.metrics, policy, this.beforeAttempt);
    const ctx: AwsContext = {
      key,
      provider: p,
      ecs,
      elb,
      poller: new ServicePoller(ecs, this.pollIntervalMs, this.limits.ecsRead.rate),
      ecsReadBucket: read,
      listeners: new Map(),
      destroy() {
        ecsClient.destroy();
        elbClient.destroy();
      },
    };
    this.ready.push(ctx);
    return ctx;
  }

  all(): AwsContext[] {
    return [...this.ready];
  }

  destroy(): void {
    for (const c of this.ready) c.destroy();
    this.ready.length = 0;
    this.byKey.clear();
  }
}
