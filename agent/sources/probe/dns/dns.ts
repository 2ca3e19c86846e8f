import { randomInt } from "node:crypto";
import { CLASSES, TYPES } from "../../../../shared/dns/codes.ts";
import { exchange } from "../../../../shared/dns/transport.ts";
import { canonicalName, encodeQuery, type Message } from "../../../../shared/dns/wire.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { ipPreference } from "../fields.ts";
import type { ProbeContext, Prober } from "../prober.ts";
import { resolveTarget } from "../resolve.ts";
import { tlsOptions } from "../tls.ts";
import type { DnsProbeConfig } from "./config.ts";
import { checkRcode, checkRecords } from "./validate.ts";

/**
 * The dns prober: asks the DNS server named by the target one question and checks the
 * answer, writing blackbox_exporter 0.23's series. Its families are written on every run,
 * zero when the probe stopped early, as blackbox_exporter registers them up front.
 */

const TYPE_SOA = 6;

/** What one run measured. */
class DnsMetrics {
  resolve = 0;
  connect = 0;
  request = 0;
  answer = 0;
  authority = 0;
  additional = 0;
  succeeded = 0;
  /** Written only when the question was for SOA and an answer came. */
  serial: number | null = null;

  write(w: MetricWriter): void {
    w.family("probe_dns_duration_seconds", "gauge", "Duration of DNS request by phase");
    w.sample("probe_dns_duration_seconds", ["phase", "connect"], this.connect);
    w.sample("probe_dns_duration_seconds", ["phase", "request"], this.request);
    w.sample("probe_dns_duration_seconds", ["phase", "resolve"], this.resolve);
    this.gauge(w, "probe_dns_answer_rrs", "answer", this.answer);
    this.gauge(w, "probe_dns_authority_rrs", "authority", this.authority);
    this.gauge(w, "probe_dns_additional_rrs", "additional", this.additional);
    w.family(
      "probe_dns_query_succeeded",
      "gauge",
      "Displays whether or not the query was executed successfully",
    );
    w.sample("probe_dns_query_succeeded", [], this.succeeded);
    if (this.serial !== null) {
      w.family("probe_dns_serial", "gauge", "Returns the serial number of the zone");
      w.sample("probe_dns_serial", [], this.serial);
    }
  }

  private gauge(w: MetricWriter, name: string, section: string, value: number): void {
    w.family(name, "gauge", `Returns number of entries in the ${section} resource record list`);
    w.sample(name, [], value);
  }
}

/** A DNS target: `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
export function parseDnsTarget(
  target: string,
  defaultPort: number,
): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(target);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] };
  const colon = target.indexOf(":");
  // Like Go's net.SplitHostPort failing: no port, or several colons (an IPv6 literal).
  if (colon < 0 || colon !== target.lastIndexOf(":"))
    return { host: target, port: String(defaultPort) };
  return { host: target.slice(0, colon), port: target.slice(colon + 1) };
}

/** Probes a DNS server with the module's question (blackbox_exporter's `dns` prober). */
export const probeDns: Prober<DnsProbeConfig> = async (ctx) => {
  const m = new DnsMetrics();
  try {
    const failure = await run(ctx, m);
    if (failure === null) return true;
    ctx.log.debug("DNS probe failed", { target: ctx.target, reason: failure });
    return false;
  } finally {
    m.write(ctx.w);
  }
};

/** Runs the probe; null on success, else why it failed. */
async function run(ctx: ProbeContext<DnsProbeConfig>, m: DnsMetrics): Promise<string | null> {
  const { config, signal } = ctx;
  const { host, port } = parseDnsTarget(ctx.target, config.dns_over_tls ? 853 : 53);
  let resolved: Awaited<ReturnType<typeof resolveTarget>>;
  try {
    resolved = await resolveTarget(host, ipPreference(config), ctx.w, signal);
  } catch (err) {
    return (err as Error).message;
  }
  m.resolve = resolved.seconds;
  const portNumber = Number(port);
  if (!/^\d+$/.test(port) || portNumber > 65535)
    return `Cannot query DNS server "${ctx.target}": port "${port}" is not a number up to 65535`;
  const id = randomInt(0x10000);
  const question = {
    name: canonicalName(config.query_name),
    type: TYPES[config.query_type],
    cls: CLASSES[config.query_class],
  };
  const result = await exchange({
    protocol: config.transport_protocol,
    tls: config.dns_over_tls ? tlsOptions(config.tls_config, host) : undefined,
    address: resolved.address,
    family: resolved.family,
    port: portNumber,
    sourceAddress: config.source_ip_address,
    query: encodeQuery(id, question, config.recursion_desired),
    id,
    question,
    signal,
    log: ctx.log,
  });
  m.connect = result.connectSeconds;
  m.request = result.requestSeconds;
  if (!result.message) return result.error?.message ?? "no answer";
  record(m, result.message, question.type);
  return check(config, result.message);
}

function record(m: DnsMetrics, answer: Message, type: number): void {
  m.answer = answer.answer.length;
  m.authority = answer.authority.length;
  m.additional = answer.additional.length;
  m.succeeded = 1;
  if (type !== TYPE_SOA) return;
  m.serial = 0;
  // The last SOA of the answer section wins, as in blackbox_exporter.
  for (const rr of answer.answer) if (rr.serial !== undefined) m.serial = rr.serial;
}

function check(config: DnsProbeConfig, answer: Message): string | null {
  return (
    checkRcode(answer.rcode, config.valid_rcodes) ??
    checkRecords("answer", answer.answer, config.validate_answer_rrs) ??
    checkRecords("authority", answer.authority, config.validate_authority_rrs) ??
    checkRecords("additional", answer.additional, config.validate_additional_rrs)
  );
}
