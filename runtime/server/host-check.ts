// Which Host headers the server answers. The read endpoints are open, so on a loopback address
// a web page could read them through DNS rebinding (its own name, re-pointed at 127.0.0.1):
// the browser then sends that name as Host. Bound to loopback, only loopback names are
// accepted, plus server.allowedHosts (a proxy in front). Bound to another address the server is
// reached by names Kanaria cannot know (and anyone who can reach the port can read anyway), so
// any Host is accepted, unless server.allowedHosts lists them; IP literals are accepted then
// too, for health checks and scrapers, since a rebinding page always sends a name.
import type { Context, MiddlewareHandler } from "hono";

export interface HostPolicy {
  /** The address the server listens on (server.address / --address). */
  bindHostname: string;
  /** server.allowedHosts: extra host names (without port), compared case-insensitively. */
  allowedHosts?: readonly string[];
}

const unbracket = (h: string) => h.replace(/^\[|\]$/g, "");

export function isLoopback(hostname: string): boolean {
  const h = unbracket(hostname.toLowerCase());
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host part of a Host header value, lower-cased, without the port (and IPv6 brackets). */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) return unbracket(h.slice(0, h.indexOf("]") + 1));
  const colon = h.lastIndexOf(":");
  return colon < 0 ? h : h.slice(0, colon);
}

const isIpLiteral = (host: string) => host.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

export function hostAllowed(policy: HostPolicy, header: string): boolean {
  const host = hostOf(header);
  const allowed = (policy.allowedHosts ?? []).map((h) => h.toLowerCase());
  if (isLoopback(host) || allowed.includes(host) || host === unbracket(policy.bindHostname.toLowerCase())) return true;
  if (isLoopback(policy.bindHostname)) return false;
  return allowed.length === 0 || isIpLiteral(host);
}

export function hostCheck(policy: HostPolicy): MiddlewareHandler {
  return async (c: Context, next) => {
    const header = c.req.header("host") ?? new URL(c.req.url).host;
    if (hostAllowed(policy, header)) return next();
    const name = hostOf(header).slice(0, 100);
    return c.json(
      {
        error: "host_not_allowed",
        message: `This server does not answer for the host name "${name}" (it listens on ${policy.bindHostname}). Use http://127.0.0.1 or http://localhost, or add "${name}" to server.allowedHosts in the runtime config when a proxy forwards that name.`,
      },
      421,
    );
  };
}
