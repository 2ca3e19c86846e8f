import type { Resolved } from "../resolve.ts";

/** URL rules of Go's http.Client that the prober follows on redirects. */

/** The TCP port of an http(s) URL. */
export function portOf(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** A host name without the brackets of an IPv6 literal. */
export function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** The host of a `host[:port]` Host header value. */
export function hostnameOf(hostPort: string): string {
  if (hostPort.startsWith("[")) return hostPort.slice(1, hostPort.indexOf("]"));
  const colon = hostPort.indexOf(":");
  return colon >= 0 && colon === hostPort.lastIndexOf(":") ? hostPort.slice(0, colon) : hostPort;
}

/** Whether two URLs reach the same scheme, host and port. */
export function sameEndpoint(a: URL, b: URL): boolean {
  return a.hostname === b.hostname && portOf(a) === portOf(b) && a.protocol === b.protocol;
}

/** Go's url.IsAbs: the reference has a scheme. */
export function isAbsolute(location: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location);
}

/** A Location resolved against the request's URL; only http and https can be followed. */
export function resolveLocation(base: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    throw new Error(`failed to parse Location header ${JSON.stringify(location)}`);
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new Error(`unsupported protocol scheme ${JSON.stringify(next.protocol.slice(0, -1))}`);
  }
  return next;
}

/**
 * Go's Referer for a redirect: the previous URL without credentials, none from https to
 * http. blackbox_exporter dials the target by its IP, so Go shows the IP for that endpoint.
 */
export function refererOf(previous: URL, next: URL, dialled?: Resolved): string | undefined {
  if (previous.protocol === "https:" && next.protocol === "http:") return undefined;
  const shown = new URL(previous);
  shown.username = "";
  shown.password = "";
  if (dialled) shown.hostname = dialled.family === 6 ? `[${dialled.address}]` : dialled.address;
  return shown.href;
}
