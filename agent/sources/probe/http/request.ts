import { readFileSync } from "node:fs";
import { staticAuthorization } from "../../../../shared/http/client.ts";
import type { HttpProbeConfig } from "./config.ts";

/**
 * The User-Agent sent unless `headers` sets one. blackbox_exporter sends
 * "Blackbox Exporter/0.23.0"; Outpost names itself, so that target owners can tell the two apart.
 */
export const USER_AGENT = "Outpost-Agent/0.1";

/** One request as it goes on the wire. */
export interface RequestSpec {
  method: string;
  /** Path and query, e.g. `/health?full=1`. */
  path: string;
  /** The Host header: the URL's host[:port], or the `Host` header of the module. */
  host: string;
  /** Header lines other than Host, names canonical, in the order to send. */
  headers: Array<[string, string]>;
  body: string;
}

/** Go's textproto.CanonicalMIMEHeaderKey: `x-foo-bar` becomes `X-Foo-Bar`. */
export function canonicalKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * The headers a module sends besides Host, in Go's order: User-Agent first, Content-Length,
 * then the rest sorted by name; the Authorization from basic_auth / authorization /
 * bearer_token only when `headers` does not set one, as Prometheus's client does; `referer`
 * on redirects, as Go's client adds it.
 */
export function requestHeaders(
  config: HttpProbeConfig,
  body: string,
  method: string,
  referer?: string,
): Array<[string, string]> {
  const custom = new Map<string, string>();
  if (referer !== undefined) custom.set("Referer", referer);
  for (const [name, value] of Object.entries(config.headers)) {
    const key = canonicalKey(name);
    if (key !== "Host") custom.set(key, value);
  }
  if (!custom.has("Authorization")) {
    const auth = authorization(config);
    if (auth !== undefined) custom.set("Authorization", auth);
  }
  const out: Array<[string, string]> = [["User-Agent", custom.get("User-Agent") ?? USER_AGENT]];
  custom.delete("User-Agent");
  // Go sends an explicit zero length only for methods that normally carry a body.
  if (body !== "" || ["POST", "PUT", "PATCH"].includes(method)) {
    out.push(["Content-Length", String(Buffer.byteLength(body))]);
  }
  custom.delete("Content-Length");
  for (const key of [...custom.keys()].sort()) out.push([key, custom.get(key)!]);
  return out;
}

/** The `Host` header the module sets, if any. */
export function hostOverride(config: HttpProbeConfig): string | undefined {
  const entry = Object.entries(config.headers).find(([name]) => name.toLowerCase() === "host");
  return entry?.[1];
}

/** The Authorization value of the client settings; credential files are read on every probe. */
function authorization(config: HttpProbeConfig): string | undefined {
  const client = staticAuthorization(config);
  if (client !== undefined) return client;
  if (config.bearer_token) return `Bearer ${config.bearer_token}`;
  if (config.bearer_token_file) return `Bearer ${readSecret(config.bearer_token_file)}`;
  return undefined;
}

function readSecret(path: string): string {
  return readFileSync(path, "utf8").trim();
}

/** The request's bytes: head, `Connection: close` (one exchange per connection), body. */
export function encodeRequest(r: RequestSpec): Buffer {
  let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${r.host}\r\n`;
  for (const [name, value] of r.headers) head += `${name}: ${value}\r\n`;
  head += "Connection: close\r\n\r\n";
  return Buffer.concat([Buffer.from(head), Buffer.from(r.body)]);
}
