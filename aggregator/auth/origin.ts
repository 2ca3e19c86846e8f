/**
 * Requests a web page on another site makes the user's browser send. A page the user opens can
 * post to the aggregator — to loopback, where authentication is off, or with a Basic password
 * the browser has cached — and open a WebSocket; the browser's same-origin policy only keeps the
 * page from reading the answer. So changes (any method but GET, HEAD and OPTIONS) and WebSocket
 * upgrades from another origin are refused, whatever the credentials, unless that origin is in
 * `auth.trusted_origins`; and with authentication off on loopback only loopback host names are
 * answered, so a name the attacker points at 127.0.0.1 (DNS rebinding) reads nothing.
 * Callers that are not browsers (curl, amtool, Grafana's server, a Prometheus posting alerts)
 * send neither `Origin` nor `Sec-Fetch-Site` and are not affected.
 */
import { loopbackAddress } from "../../shared/http/loopback.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether `origin` may call cross-origin: listed in `trusted` (exactly, or `*` for any). */
export function originTrusted(origin: string, trusted: readonly string[]): boolean {
  return trusted.includes("*") || trusted.includes(origin);
}

/**
 * Why a browser's cross-site change or WebSocket must be refused, or undefined. `hosts` are the
 * names the request reached us by (its `Host`, and `X-Forwarded-Host` from a trusted proxy).
 */
export function crossSiteRefusal(
  method: string,
  headers: Headers,
  hosts: readonly string[],
  trusted: readonly string[],
): string | undefined {
  const upgrade = headers.get("upgrade")?.toLowerCase() === "websocket";
  if (SAFE_METHODS.has(method) && !upgrade) return undefined;
  const origin = headers.get("origin");
  if (origin !== null) {
    if (originTrusted(origin, trusted) || sameHost(origin, hosts)) return undefined;
    return `a browser page at ${origin} may not make this request; if it is yours, list it in auth.trusted_origins`;
  }
  const site = headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site")
    return "a browser page on another site may not make this request";
  return undefined;
}

/**
 * Why a request must be refused while authentication is off on loopback, or undefined: its
 * `Host` is not a loopback name, so it came through a name that resolves here from outside
 * (DNS rebinding) or a proxy that forwards the world's requests.
 */
export function hostRefusal(host: string | undefined): string | undefined {
  if (host === undefined || host === "") return undefined;
  const name = hostName(host);
  if (name === "localhost" || name.endsWith(".localhost") || loopbackAddress(name))
    return undefined;
  return `host ${JSON.stringify(host)} is not a loopback name, and authentication is off (loopback listen); set auth.enabled: true to serve other names`;
}

function sameHost(origin: string, hosts: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  return hosts.some((h) => h.toLowerCase() === host || withoutDefaultPort(h) === host);
}

/** `Host: example.com:443` and an origin `https://example.com` name the same host. */
function withoutDefaultPort(host: string): string {
  return host.toLowerCase().replace(/:(80|443)$/, "");
}

/** The name of a `Host` header, without its port and IPv6 brackets. */
function hostName(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]"));
  const colon = h.lastIndexOf(":");
  return colon < 0 ? h : h.slice(0, colon);
}
