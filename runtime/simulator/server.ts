// One HTTP handler for everything the simulator speaks, routed by request shape:
//   POST + x-amz-target AmazonEC2ContainerServiceV20141113.*   -> ECS (JSON 1.1)
//   POST form body Action=...&Version=2015-12-01                -> ELBv2 (query/XML)
//   GET /api/v1/query with from/to, /api/v1/validate,
//   POST /api/v2/query/timeseries                               -> Datadog
//   GET|POST /api/v1/query_range, /api/v1/query (no from/to)    -> Prometheus
//   /_sim/*                                                     -> control API (control.ts)
// Fault rules apply to the first four, per operation.

import { handleControl, type SimContext } from "./control.ts";
import { ECS_TARGET_PREFIX, ecsErrorResponse, handleEcs } from "./ecs/handler.ts";
import { elbErrorResponse, handleElb, parseElbRequest } from "./elbv2/handler.ts";
import { ecsErrors, elbErrors } from "./errors.ts";
import { decideFault, type ServiceName } from "./faults.ts";
import { checkDatadogKeys, handleDatadogV1Query, handleDatadogV2Timeseries } from "./metrics/datadog.ts";
import { handlePromQuery, handlePromQueryRange } from "./metrics/prometheus.ts";
import { REQUEST_LOG_LIMIT } from "./state.ts";

/** Added latency ends early when the client goes away, so a shutdown never waits it out. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * An answer that breaks off: the status line and the first bytes go out, then the body fails, so
 * the server closes the connection mid-answer and the client sees a reset, not a response.
 */
function droppedResponse(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode("{"));
      setTimeout(() => c.error(new Error("simulated fault: connection dropped after the call took effect")), 5);
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

function faultResponse(service: ServiceName, kind: "throttle" | "error", requestId: string): Response {
  switch (service) {
    case "ecs":
      return ecsErrorResponse(kind === "throttle" ? ecsErrors.throttling() : ecsErrors.server(), requestId);
    case "elbv2":
      return elbErrorResponse(kind === "throttle" ? elbErrors.throttling() : elbErrors.internal(), requestId);
    case "datadog":
      return kind === "throttle" ? json({ errors: ["Rate limit exceeded"] }, 429) : json({ errors: ["Internal Server Error"] }, 500);
    case "prometheus":
      return json({ status: "error", errorType: kind === "throttle" ? "unavailable" : "internal", error: "injected fault" }, kind === "throttle" ? 503 : 500);
  }
}

export function createHandler(ctx: SimContext): (req: Request) => Promise<Response> {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    const requestId = crypto.randomUUID();
    if (path.startsWith("/_sim/") || path === "/_sim") return handleControl(ctx, req, url);

    let service: ServiceName;
    let operation: string;
    let run: () => Promise<Response> | Response;
    const target = req.headers.get("x-amz-target");
    const contentType = req.headers.get("content-type") ?? "";
    const s = ctx.state;
    if (req.method === "POST" && target?.startsWith(ECS_TARGET_PREFIX)) {
      service = "ecs";
      operation = target.slice(ECS_TARGET_PREFIX.length);
      run = () => handleEcs(s, req, operation, requestId);
    } else if (req.method === "POST" && contentType.includes("application/x-www-form-urlencoded") && !path.startsWith("/api/")) {
      const parsed = parseElbRequest(await req.text());
      service = "elbv2";
      operation = parsed.action;
      run = () => handleElb(s, parsed, requestId);
    } else if (path === "/api/v1/query" && req.method === "GET" && (url.searchParams.has("from") || req.headers.has("dd-api-key"))) {
      service = "datadog";
      operation = "query";
      run = () => checkDatadogKeys(s, req) ?? handleDatadogV1Query(s, url);
    } else if (path === "/api/v2/query/timeseries" && req.method === "POST") {
      service = "datadog";
      operation = "timeseries";
      run = () => checkDatadogKeys(s, req) ?? handleDatadogV2Timeseries(s, req);
    } else if (path === "/api/v1/validate") {
      service = "datadog";
      operation = "validate";
      run = () => {
        const key = req.headers.get("dd-api-key");
        const ok = !!key && (s.config.datadogApiKeys.length === 0 || s.config.datadogApiKeys.includes(key));
        return ok ? json({ valid: true }) : json({ errors: ["Forbidden"] }, 403);
      };
    } else if (path === "/api/v1/query_range" && (req.method === "GET" || req.method === "POST")) {
      service = "prometheus";
      operation = "query_range";
      run = () => handlePromQueryRange(s, req, url);
    } else if (path === "/api/v1/query" && (req.method === "GET" || req.method === "POST")) {
      service = "prometheus";
      operation = "query";
      run = () => handlePromQuery(s, req, url);
    } else {
      return json({ message: `The simulator does not serve ${req.method} ${path}` }, 404);
    }

    const key = `${service}:${operation}`;
    s.calls[key] = (s.calls[key] ?? 0) + 1;
    const agent = `${req.headers.get("x-amz-user-agent") ?? ""} ${req.headers.get("user-agent") ?? ""}`;
    s.requestLog.push({ at: Date.now(), service, operation, caller: /(?:^|\s)app\/(\S+)/.exec(agent)?.[1] ?? null });
    if (s.requestLog.length > REQUEST_LOG_LIMIT) s.requestLog.splice(0, s.requestLog.length - REQUEST_LOG_LIMIT);
    const fault = s.faults.length > 0 ? decideFault(s.faults, service, operation, s.faultRand) : { latencyMs: 0, kind: null, lostAnswerDelayMs: 0 };
    if (fault.latencyMs > 0) await sleep(fault.latencyMs, req.signal);
    if (fault.kind === "throttle" || fault.kind === "error") return faultResponse(service, fault.kind, requestId);
    let response: Response;
    try {
      response = await run();
    } catch (e) {
      return json({ message: `Simulator bug: ${(e as Error)?.stack ?? e}` }, 500);
    }
    if (fault.kind === null) return response;
    // Apply-then faults: the call took effect above; its answer is lost.
    s.lostAnswers[key] = (s.lostAnswers[key] ?? 0) + 1;
    if (fault.lostAnswerDelayMs > 0) await sleep(fault.lostAnswerDelayMs, req.signal);
    return fault.kind === "apply-then-error" ? faultResponse(service, "error", requestId) : droppedResponse();
  };
}
