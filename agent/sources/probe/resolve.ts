import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { MetricWriter } from "../../pipeline/emitter.ts";

/** IP family preference of a module: blackbox_exporter's `preferred_ip_protocol` and fallback. */
export interface IpPreference {
  /** `ip4` or `ip6`; blackbox_exporter prefers ip6 when unset. */
  preferred: "ip4" | "ip6";
  /** When the preferred family has no address, use the other one. */
  fallback: boolean;
}

/** The address a probe connects to. */
export interface Resolved {
  address: string;
  family: 4 | 6;
}

/** Thrown when a host name has no usable address; the probe fails with this message. */
export class ResolveError extends Error {}

/**
 * Resolves `host` as blackbox_exporter does: the first address of the preferred family, else
 * (with fallback) the first of the other one. Writes probe_dns_lookup_time_seconds,
 * probe_ip_protocol and probe_ip_addr_hash, and returns the lookup time in seconds beside the
 * address so HTTP and DNS probes can report their `resolve` phase.
 */
export async function resolveTarget(
  host: string,
  pref: IpPreference,
  w: MetricWriter,
  signal: AbortSignal,
): Promise<Resolved & { seconds: number }> {
  const started = performance.now();
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  let chosen: Resolved | null = null;
  let failure: unknown = null;
  try {
    chosen = await withAbort(pick(bare, pref), signal);
  } catch (err) {
    failure = err;
  }
  // One measurement for both: blackbox_exporter's DNS and HTTP probes report it again as
  // their `resolve` phase, and the two must agree.
  const seconds = (performance.now() - started) / 1000;
  w.family(
    "probe_dns_lookup_time_seconds",
    "gauge",
    "Returns the time taken for probe dns lookup in seconds",
  );
  w.sample("probe_dns_lookup_time_seconds", [], seconds);
  // Written even when resolution failed (as 0), as blackbox_exporter does.
  w.family("probe_ip_protocol", "gauge", "Specifies whether probe ip protocol is IP4 or IP6");
  w.sample("probe_ip_protocol", [], chosen?.family ?? 0);
  w.family(
    "probe_ip_addr_hash",
    "gauge",
    "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
  );
  w.sample("probe_ip_addr_hash", [], chosen ? ipHash(chosen.address) : 0);
  if (failure !== null) throw failure;
  if (!chosen) throw new ResolveError(`Cannot resolve "${bare}": no ${familyText(pref)} address`);
  return { ...chosen, seconds };
}

async function pick(host: string, pref: IpPreference): Promise<Resolved | null> {
  const literal = isIP(host);
  const found: Resolved[] = literal
    ? [{ address: host, family: literal as 4 | 6 }]
    : (await lookup(host, { all: true, verbatim: true })).map((a) => ({
        address: a.address,
        family: a.family as 4 | 6,
      }));
  const want = pref.preferred === "ip4" ? 4 : 6;
  const preferred = found.find((a) => a.family === want);
  if (preferred) return preferred;
  return pref.fallback ? (found[0] ?? null) : null;
}

function familyText(pref: IpPreference): string {
  return pref.fallback ? "IPv4 or IPv6" : pref.preferred === "ip4" ? "IPv4" : "IPv6";
}

/** FNV-1a (32 bits) over the address bytes (4 for IPv4, 16 for IPv6): blackbox_exporter's hash. */
export function ipHash(address: string): number {
  let h = 0x811c9dc5;
  for (const byte of addressBytes(address)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function addressBytes(address: string): number[] {
  if (isIP(address) === 4) return address.split(".").map(Number);
  const [head, tail = ""] = address.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  let left = groups(head);
  let right = address.includes("::") ? groups(tail) : [];
  // An IPv4-mapped tail (::ffff:1.2.3.4) counts as two groups.
  const expand = (gs: string[]) =>
    gs.flatMap((g) => {
      if (!g.includes(".")) return [g];
      const [a, b, c, d] = g.split(".").map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  left = expand(left);
  right = expand(right);
  const all = [...left, ...new Array(8 - left.length - right.length).fill("0"), ...right];
  return all.flatMap((g) => {
    const v = Number.parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

/** Rejects with the signal's reason when it aborts first. */
export function withAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
