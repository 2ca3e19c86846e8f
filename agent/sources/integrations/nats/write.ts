/**
 * prometheus-nats-exporter's families from nats-server's monitoring JSON (/varz, /connz,
 * /subsz, /routez, /jsz), as its collectors write them (nats-io/prometheus-nats-exporter,
 * collector/): every numeric field of /varz and /subsz (nested ones flattened) a gauge whose
 * HELP is its own name; connz's sums; routez's routes; jsz's server, stream and consumer gauges. Every
 * series is labelled `server_id` = the monitoring URL, the exporter's default id.
 */
import type { FamilyWriter } from "../family_writer.ts";

/** Parsed JSON of one endpoint. */
export type Json = Record<string, unknown>;

/** /varz string fields the exporter keeps, as `{server_id, value}` gauges of 1. */
const LABEL_KEYS = new Set(["server_id", "server_name", "version"]);
/** /varz times the exporter writes as Unix milliseconds. */
const TIME_KEYS = new Set(["start", "config_load_time"]);

/**
 * The generic collector of /varz and /subsz: numeric fields as gauges named
 * `gnatsd_<endpoint>_<field>`, nested objects flattened with `_` (`jetstream.config.max_memory`
 * is `gnatsd_varz_jetstream_config_max_memory`, HELP `jetstream_config_max_memory`); arrays,
 * booleans and other strings left out.
 */
export function writeGeneric(f: FamilyWriter, endpoint: string, id: string, body: Json): void {
  for (const [key, v] of Object.entries(body)) {
    const name = `gnatsd_${endpoint}_${key}`;
    if (typeof v === "string" && LABEL_KEYS.has(key))
      f.sample(name, "gauge", key, ["server_id", id, "value", v], 1);
    else if (typeof v === "string" && TIME_KEYS.has(key) && !Number.isNaN(Date.parse(v)))
      f.sample(name, "gauge", key, ["server_id", id], Date.parse(v));
    else writeNumbers(f, endpoint, key, v, ["server_id", id]);
  }
}

/** A number as a gauge; an object's numbers under `<path>_<key>`, depth-first. */
function writeNumbers(
  f: FamilyWriter,
  endpoint: string,
  path: string,
  v: unknown,
  labels: string[],
): void {
  if (typeof v === "number") f.sample(`gnatsd_${endpoint}_${path}`, "gauge", path, labels, v);
  else if (v !== null && typeof v === "object" && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) {
      // http_req_stats is keyed by path ("/varz"): names take "varz".
      const part = k.replace(/^\/+/, "").replace(/[^A-Za-z0-9_]/g, "_");
      if (part !== "") writeNumbers(f, endpoint, `${path}_${part}`, x, labels);
    }
}

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/** /connz: the page's counts, and its connections' sums (counters for bytes and messages). */
export function writeConnz(f: FamilyWriter, id: string, body: Json): void {
  const sums = {
    pending_bytes: 0,
    subscriptions: 0,
    in_bytes: 0,
    out_bytes: 0,
    in_msgs: 0,
    out_msgs: 0,
  };
  const conns = Array.isArray(body.connections) ? (body.connections as Json[]) : [];
  for (const c of conns)
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] += num(c[k]);
  const labels = ["server_id", id];
  for (const k of ["num_connections", "total", "offset", "limit"])
    f.sample(`gnatsd_connz_${k}`, "gauge", k, labels, num(body[k]));
  for (const [k, v] of Object.entries(sums)) {
    const type = k === "pending_bytes" || k === "subscriptions" ? "gauge" : "counter";
    f.sample(`gnatsd_connz_${k}`, type, k, labels, v);
  }
}

/** /routez: the server's identity, its route count, and each route's gauges. */
export function writeRoutez(f: FamilyWriter, id: string, body: Json): void {
  const p = "gnatsd_routez_";
  f.sample(
    `${p}server_id`,
    "gauge",
    "server_id",
    ["server_id", id, "value", String(body.server_id ?? "")],
    1,
  );
  f.sample(
    `${p}server_name`,
    "gauge",
    "server_name",
    ["server_id", id, "value", String(body.server_name ?? "")],
    1,
  );
  f.sample(`${p}num_routes`, "gauge", "num_routes", ["server_id", id], num(body.num_routes));
  const routes = Array.isArray(body.routes) ? (body.routes as Json[]) : [];
  for (const r of routes) {
    const base = ["server_id", id, "rid", String(r.rid ?? "")];
    const info = [...base, "remote_id", str(r.remote_id), "remote_name", str(r.remote_name)];
    info.push("account", str(r.account), "ip", str(r.ip), "compression", str(r.compression));
    f.sample(`${p}route_info`, "gauge", "route_info", info, 1);
    const rtt = goDuration(str(r.rtt));
    if (rtt !== null) f.sample(`${p}route_rtt_seconds`, "gauge", "rtt_seconds", base, rtt);
    f.sample(`${p}route_subscriptions`, "gauge", "subscriptions", base, num(r.subscriptions));
    const up = goDuration(str(r.uptime)) ?? natsUptime(str(r.uptime));
    if (up !== null) f.sample(`${p}route_uptime_seconds`, "gauge", "uptime_seconds", base, up);
    for (const k of ["in_msgs", "out_msgs", "in_bytes", "out_bytes"])
      f.sample(`${p}route_${k}`, "gauge", k, base, num(r[k]));
  }
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

const UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** A Go duration (`1.5ms`, `2h3m`) in seconds, or null. */
export function goDuration(text: string): number | null {
  if (text === "" || !/^([\d.]+(ns|us|µs|ms|s|m|h))+$/.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/([\d.]+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(m[1]) * UNITS[m[2]];
  return total;
}

/** nats-server's own uptime format (`7d13h49m13s`, `1y2d…`) in seconds, or null. */
export function natsUptime(text: string): number | null {
  const m = /^(?:(\d+)y)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === "") return null;
  const [y, d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return (((y * 365 + d) * 24 + h) * 60 + min) * 60 + s;
}
