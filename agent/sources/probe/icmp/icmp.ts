import type { Logger } from "../../../../shared/log/log.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { ipPreference } from "../fields.ts";
import { type ProbeContext, ProbeSetupError } from "../prober.ts";
import { resolveTarget } from "../resolve.ts";
import type { IcmpProbeConfig } from "./config.ts";
import { pinger } from "./pinger.ts";
import type { PingResult } from "./protocol.ts";

/** The agent-side problem last logged at warn level; cleared when a socket opens again. */
let warned: string | null = null;

/**
 * blackbox_exporter's `icmp` prober: one echo request to the target, success on its reply.
 * Writes probe_icmp_duration_seconds{phase} (resolve, setup, rtt), probe_icmp_reply_hop_limit
 * when the kernel reports it, and the resolve families.
 *
 * When neither an unprivileged nor a raw ICMP socket may be opened the target was not probed
 * at all: that is logged once at warn level (until a socket opens again, and once for all
 * targets) and thrown as a ProbeSetupError, so the runner writes no probe_success and counts
 * the run as `setup_error`. So is a missing libc or worker.
 */
export async function probeIcmp(ctx: ProbeContext<IcmpProbeConfig>): Promise<boolean> {
  const { config, w, log, signal } = ctx;
  const phases = { resolve: 0, setup: 0, rtt: 0 };
  try {
    let target: Awaited<ReturnType<typeof resolveTarget>>;
    try {
      target = await resolveTarget(ctx.target, ipPreference(config), w, signal);
    } catch (error) {
      log.debug("Probe failed", { target: ctx.target, err: (error as Error).message });
      return false;
    }
    phases.resolve = target.seconds;
    const result = await pinger.ping(
      {
        family: target.family,
        address: target.address,
        source: config.source_ip_address,
        ttl: config.ttl,
        payloadSize: config.payload_size,
        dontFragment: config.dont_fragment,
      },
      signal,
    );
    phases.setup = result.setupSeconds;
    phases.rtt = result.rttSeconds;
    return settle(ctx.target, result, w, log);
  } finally {
    w.family("probe_icmp_duration_seconds", "gauge", "Duration of icmp request by phase");
    w.sample("probe_icmp_duration_seconds", ["phase", "resolve"], phases.resolve);
    w.sample("probe_icmp_duration_seconds", ["phase", "setup"], phases.setup);
    w.sample("probe_icmp_duration_seconds", ["phase", "rtt"], phases.rtt);
  }
}

function settle(target: string, result: PingResult, w: MetricWriter, log: Logger): boolean {
  if (result.outcome === "denied" || result.outcome === "unavailable") {
    let message = result.message ?? "";
    if (result.outcome === "denied") {
      message += `; allow the agent's group (gid ${process.getgid?.()}) in net.ipv4.ping_group_range or grant CAP_NET_RAW`;
    }
    // Once, not once per target and interval: the cause is the agent's, and the same for all.
    if (warned !== message) log.warn(message, { target });
    else log.debug(message, { target });
    warned = message;
    throw new ProbeSetupError(message);
  }
  warned = null;
  if (result.outcome === "reply") {
    if (result.hopLimit >= 0) {
      w.family("probe_icmp_reply_hop_limit", "gauge", "Replied packet hop limit (TTL for ipv4)");
      w.sample("probe_icmp_reply_hop_limit", [], result.hopLimit);
    }
    log.debug("Probe succeeded", { target, socket: result.raw ? "raw" : "datagram" });
    return true;
  }
  const reason =
    result.outcome === "timeout" ? "Cannot get an ICMP echo reply: timed out" : result.message;
  log.debug("Probe failed", { target, err: reason });
  return false;
}
