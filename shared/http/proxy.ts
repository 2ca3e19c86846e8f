import { BlockList, isIP } from "node:net";

/**
 * The proxy a request goes through, picked as Prometheus's HTTP client picks it (its
 * `proxy_url`, `no_proxy` and `proxy_from_environment`, read with the rules of Go's
 * golang.org/x/net/http/httpproxy), so that Bun's own environment handling never decides:
 * Bun would proxy through `HTTP_PROXY` when no proxy is configured, and proxy loopback
 * addresses that Go sends directly.
 */

/** A Prometheus http_config's proxy fields. */
export interface ProxySettings {
  proxy_url?: string;
  no_proxy?: string;
  proxy_from_environment?: boolean;
  /** Headers sent to the proxy on CONNECT, each with its values. */
  proxy_connect_header?: Readonly<Record<string, readonly string[]>>;
}

/** Bun's `proxy` fetch option: false connects directly, whatever the environment says. */
export type BunProxy = false | { url: string; headers?: [string, string][]; respectNoProxy: false };

/**
 * Bun's `proxy` option for a request to `url`, picked by {@link proxyFor}. Bun sends proxy
 * headers on CONNECT and, unlike Go, also on a plain http request through the proxy, which may
 * pass them on to the target: proxy_connect_header goes only with https targets.
 */
export function bunProxy(url: URL, settings: ProxySettings, env: ProxyEnv = process.env): BunProxy {
  const proxy = proxyFor(url, settings, env);
  if (proxy === null) return false;
  const headers = Object.entries(settings.proxy_connect_header ?? {}).flatMap(([name, values]) =>
    values.map((v): [string, string] => [name, v]),
  );
  const connect = url.protocol === "https:" && headers.length > 0;
  // respectNoProxy: false, or Bun would apply the environment's NO_PROXY to proxy_url too.
  return { url: proxy, ...(connect ? { headers } : {}), respectNoProxy: false };
}

/** The environment variables {@link proxyFor} reads when `proxy_from_environment` is set. */
export type ProxyEnv = Readonly<Record<string, string | undefined>>;

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

type Matcher =
  | { kind: "ip"; list: BlockList; port: string }
  | { kind: "cidr"; list: BlockList }
  | { kind: "domain"; suffix: string; port: string; matchesItself: boolean };

/**
 * A NO_PROXY list as Go reads it: comma-separated entries, each `*` (every host), an IP or a
 * CIDR range, or a domain (`example.com` matches it and its subdomains, `.example.com` and
 * `*.example.com` only the subdomains); an IP or a domain may carry a `:port`.
 */
export class NoProxy {
  private readonly matchers: Matcher[] = [];
  private readonly all: boolean;

  constructor(list: string) {
    const entries = list
      .split(",")
      .map((p) => p.trim().toLowerCase())
      .filter((p) => p !== "");
    this.all = entries.includes("*");
    if (this.all) return;
    for (const entry of entries) {
      const matcher = parseEntry(entry);
      if (matcher) this.matchers.push(matcher);
    }
  }

  /** True when a request to `url` goes directly: to localhost, a loopback address or a listed host. */
  bypasses(url: URL): boolean {
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
    const port = url.port || DEFAULT_PORTS[url.protocol] || "";
    if (host === "localhost") return true;
    const family = ipFamily(host);
    if (family !== null && LOOPBACK.check(host, family)) return true;
    if (this.all) return true;
    return this.matchers.some((m) => matches(m, host, port, family));
  }
}

/**
 * The proxy URL a request to `url` goes through, or null to connect directly: `proxy_url`
 * (past `no_proxy`, when set), or with `proxy_from_environment` HTTP_PROXY / HTTPS_PROXY
 * (by the target's scheme) past NO_PROXY, upper case first as Go reads them.
 */
export function proxyFor(url: URL, settings: ProxySettings, env: ProxyEnv): string | null {
  if (settings.proxy_from_environment) {
    const https = url.protocol === "https:";
    const proxy = https
      ? firstSet(env, "HTTPS_PROXY", "https_proxy")
      : firstSet(env, "HTTP_PROXY", "http_proxy");
    if (proxy === "") return null;
    if (new NoProxy(firstSet(env, "NO_PROXY", "no_proxy")).bypasses(url)) return null;
    // Go takes `proxy:3128` as http://proxy:3128.
    return /^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(proxy) ? proxy : `http://${proxy}`;
  }
  if (!settings.proxy_url) return null;
  // Without no_proxy Prometheus hands every request to the proxy, loopback ones too.
  if (settings.no_proxy && new NoProxy(settings.no_proxy).bypasses(url)) return null;
  return settings.proxy_url;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");
LOOPBACK.addSubnet("::ffff:127.0.0.0", 104, "ipv6");

function firstSet(env: ProxyEnv, ...names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return "";
}

function ipFamily(host: string): "ipv4" | "ipv6" | null {
  const v = isIP(host);
  return v === 4 ? "ipv4" : v === 6 ? "ipv6" : null;
}

function parseEntry(entry: string): Matcher | null {
  const cidr = parseCidr(entry);
  if (cidr) return { kind: "cidr", list: cidr };
  const split = splitHostPort(entry);
  const host = split ? split[0] : entry;
  const port = split ? split[1] : "";
  if (split && host === "") return null;
  const family = ipFamily(host);
  if (family !== null) {
    const list = new BlockList();
    list.addAddress(host, family);
    return { kind: "ip", list, port };
  }
  if (host === "") return null;
  const bare = host.startsWith("*.") ? host.slice(1) : host;
  const matchesItself = !bare.startsWith(".");
  return { kind: "domain", suffix: matchesItself ? `.${bare}` : bare, port, matchesItself };
}

function matches(m: Matcher, host: string, port: string, family: "ipv4" | "ipv6" | null): boolean {
  switch (m.kind) {
    case "cidr":
      return family !== null && m.list.check(host, family);
    case "ip":
      return family !== null && m.list.check(host, family) && (m.port === "" || m.port === port);
    case "domain": {
      // Domains never match an address, as in current Go.
      if (family !== null) return false;
      const hit = host.endsWith(m.suffix) || (m.matchesItself && host === m.suffix.slice(1));
      return hit && (m.port === "" || m.port === port);
    }
  }
}

/** `10.0.0.0/8` or `fd00::/8` as a range; null for anything else. */
function parseCidr(entry: string): BlockList | null {
  const slash = entry.indexOf("/");
  if (slash < 0) return null;
  const address = entry.slice(0, slash);
  const bits = entry.slice(slash + 1);
  const family = ipFamily(address);
  if (family === null || !/^[0-9]+$/.test(bits)) return null;
  const prefix = Number(bits);
  if (prefix > (family === "ipv4" ? 32 : 128)) return null;
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return list;
}

/** Go's net.SplitHostPort: `host:port` or `[v6]:port`; null when there is no port to split. */
function splitHostPort(entry: string): [string, string] | null {
  if (entry.startsWith("[")) {
    const end = entry.indexOf("]");
    if (end < 0 || entry[end + 1] !== ":") return null;
    return [entry.slice(1, end), entry.slice(end + 2)];
  }
  const colon = entry.lastIndexOf(":");
  if (colon < 0 || entry.indexOf(":") !== colon) return null;
  return [entry.slice(0, colon), entry.slice(colon + 1)];
}
