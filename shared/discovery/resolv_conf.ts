/**
 * The resolver settings DNS service discovery asks with, read from /etc/resolv.conf as
 * Prometheus reads it (miekg/dns's ClientConfigFromFile): its `nameserver`, `domain`,
 * `search` and `options ndots:` lines, port 53, and the names a lookup tries in turn.
 */
import { readFileSync } from "node:fs";

/** The file Prometheus reads, and so does Outpost. */
export const RESOLV_CONF = "/etc/resolv.conf";

/** A DNS server to ask. */
export interface NameServer {
  address: string;
  port: number;
}

/** What a lookup needs from resolv.conf. */
export interface ResolverConfig {
  servers: NameServer[];
  /** Domains appended to a name that is not fully qualified. */
  search: string[];
  /** A name with more labels than this is tried as it is before the search domains. */
  ndots: number;
}

const DEFAULT_NDOTS = 1;
const MAX_NDOTS = 15;

/** Reads resolv.conf's text; lines it does not know are skipped, as the resolver skips them. */
export function parseResolvConf(text: string): ResolverConfig {
  const out: ResolverConfig = { servers: [], search: [], ndots: DEFAULT_NDOTS };
  for (const line of text.split("\n")) {
    if (line.startsWith(";") || line.startsWith("#")) continue;
    const [keyword, ...args] = line.trim().split(/\s+/);
    if (keyword === "nameserver" && args.length > 0)
      out.servers.push({ address: args[0], port: 53 });
    // A bare `domain` or `search` clears the search domains.
    else if (keyword === "domain") out.search = args.slice(0, 1);
    else if (keyword === "search") out.search = args;
    else if (keyword === "options")
      for (const option of args) {
        const ndots = /^ndots:(\d+)$/.exec(option);
        if (ndots) out.ndots = Math.min(MAX_NDOTS, Number(ndots[1]));
      }
  }
  return out;
}

/** /etc/resolv.conf as it is now (read at every round of lookups: a change applies at the next). */
export function systemResolver(): ResolverConfig {
  return parseResolvConf(readFileSync(RESOLV_CONF, "utf8"));
}

/**
 * The fully qualified names a lookup of `name` asks for, in order: a name ending in a dot
 * alone; a name with more labels than `ndots` first as it is, then with each search domain;
 * a shorter one with the search domains first.
 */
export function namesToTry(name: string, config: ResolverConfig): string[] {
  if (name.endsWith(".")) return [name];
  const labels = name === "" ? 0 : name.split(".").length;
  const fqdn = `${name}.`;
  const searched = config.search.map((domain) => fqdnOf(`${name}.${domain}`));
  return labels > config.ndots ? [fqdn, ...searched] : [...searched, fqdn];
}

function fqdnOf(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}
