/**
 * `dns_sd_configs`: targets from DNS records, looked up as Prometheus looks them up
 * (discovery/dns): each name is asked of the servers of resolv.conf in turn, with its search
 * domains, over UDP with EDNS0 (again over TCP when the answer is truncated).
 *
 * What a lookup's outcome does to a name's targets follows Prometheus:
 * - an answer (possibly without records of the type) replaces them;
 * - "no such name" (NXDOMAIN) from every name tried empties them;
 * - anything else (a timeout, SERVFAIL, REFUSED, no server) keeps the last ones, since it
 *   says nothing about whether the records still exist. It is counted and said once.
 */
import { randomInt } from "node:crypto";
import { isIP } from "node:net";
import { rcodeName, TYPES } from "../dns/codes.ts";
import { exchange, joinHostPort } from "../dns/transport.ts";
import {
  canonicalName,
  encodeMessage,
  Flags,
  type Message,
  type Question,
  type ResourceRecord,
} from "../dns/wire.ts";
import type { Logger } from "../log/log.ts";
import type { DnsSdConfig } from "./dns_sd_config.ts";
import type { TargetGroup } from "./file_sd.ts";
import { type NameServer, namesToTry, type ResolverConfig } from "./resolv_conf.ts";

/** How long one server is given to answer (miekg/dns's client: 2 s to dial, write and read). */
const EXCHANGE_TIMEOUT_MS = 2_000;
/** The UDP payload size a query offers (EDNS0), as Prometheus's. */
const EDNS_UDP_SIZE = 4_096;
const TYPE_OPT = 41;
const RCODE_NOERROR = 0;
const RCODE_NXDOMAIN = 3;

/** What discovery needs besides its config. */
export interface DnsDiscoveryDeps {
  /** The servers and search domains to use, read at every round of lookups (resolv_conf.ts). */
  resolver: () => ResolverConfig;
  log: Logger;
  /** Called after each name's lookup, with whether it failed. */
  onLookup?: (failed: boolean) => void;
}

/** The targets of one `dns_sd_configs` entry, kept per name between lookups. */
export class DnsDiscovery {
  /** Each name's groups, and them as text to tell a changed answer from the same one. */
  private readonly byName = new Map<string, { groups: TargetGroup[]; text: string }>();
  /** The error each failing name last reported, so that it is said once. */
  private readonly failing = new Map<string, string>();
  private running: Promise<boolean> | null = null;

  constructor(
    readonly config: DnsSdConfig,
    private readonly deps: DnsDiscoveryDeps,
  ) {}

  /** Every name's current targets, one group per record, in the order of `names`. */
  groups(): TargetGroup[] {
    return this.config.names.flatMap((name) => this.byName.get(name)?.groups ?? []);
  }

  /** Looks every name up once (a lookup already running is joined); true when targets changed. */
  refresh(): Promise<boolean> {
    this.running ??= this.lookUpAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async lookUpAll(): Promise<boolean> {
    // resolv.conf is read once a round, for all names.
    let resolver: ResolverConfig | string;
    try {
      resolver = this.deps.resolver();
    } catch (err) {
      resolver = `could not load resolv.conf: ${(err as Error).message}`;
    }
    const changed = await Promise.all(
      this.config.names.map((name) => this.lookUpOne(name, resolver)),
    );
    return changed.includes(true);
  }

  private async lookUpOne(name: string, resolver: ResolverConfig | string): Promise<boolean> {
    const outcome =
      typeof resolver === "string"
        ? { error: resolver }
        : await lookUp(name, TYPES[this.config.type], resolver, this.deps.log);
    this.deps.onLookup?.("error" in outcome);
    if ("error" in outcome) {
      if (this.failing.get(name) !== outcome.error)
        this.deps.log.warn("Cannot refresh DNS targets; keeping the last ones", {
          name,
          error: outcome.error,
        });
      this.failing.set(name, outcome.error);
      return false;
    }
    if (this.failing.delete(name)) this.deps.log.info("DNS targets refreshed again", { name });
    // Sorted: servers rotate the order of records between answers (dnsmasq does), and the
    // same records in another order are the same targets.
    const groups = outcome.records
      .flatMap((r) => this.groupOf(name, r))
      .map((g) => ({ group: g, key: JSON.stringify(g) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const text = groups.map((g) => g.key).join("\n");
    const changed = this.byName.get(name)?.text !== text;
    this.byName.set(name, { groups: groups.map((g) => g.group), text });
    return changed;
  }

  /** The target a record names, with Prometheus's meta labels; none for other records. */
  private groupOf(name: string, record: ResourceRecord): TargetGroup[] {
    const data = rdataText(record);
    const meta = {
      __meta_dns_name: name,
      __meta_dns_srv_record_target: "",
      __meta_dns_srv_record_port: "",
      __meta_dns_mx_record_target: "",
      __meta_dns_ns_record_target: "",
    };
    let target: string;
    switch (record.type) {
      case TYPES.SRV: {
        const [, , port, host] = data.split(" ");
        meta.__meta_dns_srv_record_target = host;
        meta.__meta_dns_srv_record_port = port;
        target = joinHostPort(withoutRoot(host), Number(port));
        break;
      }
      case TYPES.MX: {
        const host = data.split(" ")[1];
        meta.__meta_dns_mx_record_target = host;
        target = joinHostPort(withoutRoot(host), this.config.port);
        break;
      }
      case TYPES.NS:
        meta.__meta_dns_ns_record_target = data;
        target = joinHostPort(withoutRoot(data), this.config.port);
        break;
      case TYPES.A:
      case TYPES.AAAA:
        target = joinHostPort(data, this.config.port);
        break;
      case TYPES.CNAME:
        // The chain to the A or AAAA records that follow it in the answer.
        return [];
      default:
        this.deps.log.warn("Ignoring a DNS record that names no target", {
          name,
          record: record.text,
        });
        return [];
    }
    return [{ targets: [target], labels: {}, meta }];
  }
}

type Outcome = { records: ResourceRecord[] } | { error: string };

/**
 * Tries the names resolv.conf makes of `name` in turn: the first that a server knows gives
 * the answer; when every server said each does not exist, there are no records; otherwise
 * the lookup failed.
 */
async function lookUp(
  name: string,
  type: number,
  config: ResolverConfig,
  log: Logger,
): Promise<Outcome> {
  const errors: string[] = [];
  for (const candidate of namesToTry(name, config)) {
    const answer = await fromAnyServer(candidate, type, config.servers, log);
    if (typeof answer === "string") errors.push(answer);
    else if (answer.rcode === RCODE_NOERROR) return { records: answer.answer };
  }
  if (errors.length === 0) return { records: [] };
  return { error: `could not resolve "${name}": ${errors.join("; ")}` };
}

/**
 * The first viable answer for `name` (records, none of the type, or no such name) from the
 * servers in order, or why none gave one.
 */
async function fromAnyServer(
  name: string,
  type: number,
  servers: readonly NameServer[],
  log: Logger,
): Promise<Message | string> {
  if (servers.length === 0) return "resolv.conf names no nameserver";
  const problems: string[] = [];
  for (const server of servers) {
    try {
      const message = await ask(name, type, server, "udp", log);
      if (message.rcode === RCODE_NOERROR || message.rcode === RCODE_NXDOMAIN) return message;
      problems.push(
        `${joinHostPort(server.address, server.port)} answered ${rcodeName(message.rcode)}`,
      );
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return `no server gave a viable answer for ${name} (${problems.join(", ")})`;
}

/** One question to one server; a truncated UDP answer is asked again over TCP, without EDNS. */
async function ask(
  name: string,
  type: number,
  server: NameServer,
  protocol: "udp" | "tcp",
  log: Logger,
): Promise<Message> {
  const version = isIP(server.address);
  if (version === 0) throw new Error(`nameserver ${server.address} is not an IP address`);
  const id = randomInt(0x10000);
  const question: Question = { name: canonicalName(name), type, cls: 1 };
  const edns = { name: ".", type: TYPE_OPT, cls: EDNS_UDP_SIZE, ttl: 0, data: new Uint8Array() };
  const query = encodeMessage({
    id,
    flags: Flags.RD,
    questions: [question],
    additional: protocol === "udp" ? [edns] : [],
  });
  const result = await exchange({
    protocol,
    address: server.address,
    family: version === 6 ? 6 : 4,
    port: server.port,
    query,
    id,
    question,
    signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
    log,
  });
  const message = result.message;
  if (message === undefined) throw result.error ?? new Error("no answer");
  if ((message.flags & Flags.TC) === 0) return message;
  if (protocol === "tcp")
    throw new Error(
      `the answer from ${joinHostPort(server.address, server.port)} is truncated over TCP`,
    );
  return ask(name, type, server, "tcp", log);
}

/** A record's data as miekg/dns prints it (wire.ts): the text after its header's four fields. */
function rdataText(record: ResourceRecord): string {
  return record.text.split("\t").slice(4).join("\t");
}

/** A rooted name without its final dots, as Prometheus shows it in an address. */
function withoutRoot(name: string): string {
  return name.replace(/\.+$/, "");
}
