/**
 * redis_exporter 1.45's families from what a collection read: INFO ALL, a few config
 * values, SLOWLOG and LATENCY LATEST. Pure, so a captured INFO reply tests it.
 */
import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { HELP, helpOf, INFO_FAMILIES } from "./families.ts";
import { type Info, infoNumber, parseKeyValues } from "./info.ts";

/** What one collection read besides INFO. */
export interface RedisExtras {
  /** CONFIG GET values by name (empty when CONFIG is refused, as for a renamed command). */
  config: ReadonlyMap<string, string>;
  slowlogLength: number | null;
  /** Id and duration in µs of the newest slow log entry. */
  slowlogLast: { id: number; micros: number } | null;
  /** LATENCY LATEST rows: event, unix time of the last spike, its duration in ms. */
  latency: readonly { event: string; last: number; ms: number }[];
  /** Collection time, seconds since the epoch (redis_start_time_seconds derives from it). */
  nowSeconds: number;
}

const INSTANCE_INFO = [
  "role",
  "redis_version",
  "redis_build_id",
  "redis_mode",
  "os",
  "maxmemory_policy",
  "tcp_port",
  "run_id",
  "process_id",
];

/** The config values the exporter exports as `redis_config_<name>` (dashes become _). */
const CONFIG_GAUGES = ["io-threads", "maxclients", "maxmemory"];

/** Writes every family of one successful collection, `redis_up 1` included. */
export function writeRedis(w: MetricWriter, info: Info, extras: RedisExtras): void {
  gauge(w, "up", [], 1);
  gauge(
    w,
    "instance_info",
    INSTANCE_INFO.flatMap((l) => [l, info.get(l) ?? ""]),
    1,
  );
  const uptime = Number(info.get("uptime_in_seconds"));
  if (Number.isFinite(uptime))
    gauge(w, "start_time_seconds", [], Math.floor(extras.nowSeconds) - uptime);
  for (const [field, value] of info) {
    const f = INFO_FAMILIES.get(field);
    if (f) write(w, f.name, f.type, [], infoNumber(value) * (f.scale ?? 1));
    else if (field.startsWith("cmdstat_")) commandStats(w, field.slice(8), value);
    else if (field.startsWith("latency_percentiles_usec_"))
      latency(w, field.slice(25), value, info);
    else if (field.startsWith("errorstat_")) errors(w, field.slice(10), value);
    else if (/^slave\d+$/.test(field)) replica(w, value);
  }
  keyspace(w, info, extras.config);
  if (info.get("role") === "slave") masterLink(w, info);
  for (const name of CONFIG_GAUGES) {
    const v = extras.config.get(name);
    if (v !== undefined) gauge(w, `config_${name.replaceAll("-", "_")}`, [], Number(v));
  }
  slowlog(w, extras);
  for (const l of extras.latency) {
    gauge(w, "latency_spike_last", ["event_name", l.event], l.last);
    gauge(w, "latency_spike_duration_seconds", ["event_name", l.event], l.ms / 1000);
  }
}

function write(w: MetricWriter, name: string, type: MetricType, labels: string[], v: number): void {
  w.family(`redis_${name}`, type, helpOf(name));
  w.sample(`redis_${name}`, labels, v);
}

function gauge(w: MetricWriter, name: string, labels: string[], v: number): void {
  write(w, name, "gauge", labels, v);
}

/** `cmdstat_get:calls=5,usec=20,usec_per_call=4.00,rejected_calls=0,failed_calls=0`. */
function commandStats(w: MetricWriter, cmd: string, value: string): void {
  const kv = parseKeyValues(value);
  const labels = ["cmd", cmd];
  write(w, "commands_total", "counter", labels, Number(kv.get("calls")));
  write(w, "commands_duration_seconds_total", "counter", labels, Number(kv.get("usec")) / 1e6);
  if (kv.has("rejected_calls"))
    write(w, "commands_rejected_calls_total", "counter", labels, Number(kv.get("rejected_calls")));
  if (kv.has("failed_calls"))
    write(w, "commands_failed_calls_total", "counter", labels, Number(kv.get("failed_calls")));
}

/** `latency_percentiles_usec_get:p50=1.003,p99=2.007,p99.9=3.007`: a summary with cmdstat's sum and count. */
function latency(w: MetricWriter, cmd: string, value: string, info: Info): void {
  const name = "redis_latency_percentiles_usec";
  w.family(name, "summary", HELP.latency_percentiles_usec);
  for (const [p, v] of parseKeyValues(value))
    w.sample(name, ["cmd", cmd, "quantile", p.replace(/^p/, "")], Number(v));
  const stats = parseKeyValues(info.get(`cmdstat_${cmd}`) ?? "");
  w.sample(`${name}_sum`, ["cmd", cmd], Number(stats.get("usec") ?? 0));
  w.sample(`${name}_count`, ["cmd", cmd], Number(stats.get("calls") ?? 0));
}

function errors(w: MetricWriter, err: string, value: string): void {
  write(w, "errors_total", "counter", ["err", err], Number(parseKeyValues(value).get("count")));
}

/** `slave0:ip=10.0.0.2,port=6380,state=online,offset=123,lag=0` on a master. */
function replica(w: MetricWriter, value: string): void {
  const kv = parseKeyValues(value);
  const labels = [
    "slave_ip",
    kv.get("ip") ?? "",
    "slave_port",
    kv.get("port") ?? "",
    "slave_state",
    kv.get("state") ?? "",
  ];
  gauge(w, "connected_slave_offset_bytes", labels, Number(kv.get("offset")));
  if (kv.has("lag")) gauge(w, "connected_slave_lag_seconds", labels, Number(kv.get("lag")));
}

function masterLink(w: MetricWriter, info: Info): void {
  const labels = [
    "master_host",
    info.get("master_host") ?? "",
    "master_port",
    info.get("master_port") ?? "",
  ];
  gauge(w, "master_link_up", labels, info.get("master_link_status") === "up" ? 1 : 0);
  if (info.has("master_last_io_seconds_ago"))
    gauge(w, "master_last_io_seconds_ago", labels, Number(info.get("master_last_io_seconds_ago")));
  gauge(w, "master_sync_in_progress", labels, Number(info.get("master_sync_in_progress") ?? 0));
  if (info.has("slave_repl_offset"))
    gauge(w, "slave_repl_offset", [], Number(info.get("slave_repl_offset")));
}

/**
 * `db0:keys=1,expires=0,avg_ttl=0`. Like the exporter, every database up to CONFIG's
 * `databases` gets keys and expiring keys (0 when empty); avg TTL only where keys are.
 */
function keyspace(w: MetricWriter, info: Info, config: ReadonlyMap<string, string>): void {
  const dbs = Number(config.get("databases") ?? 0);
  for (let i = 0; i < dbs; i++) {
    if (info.has(`db${i}`)) continue;
    gauge(w, "db_keys", ["db", `db${i}`], 0);
    gauge(w, "db_keys_expiring", ["db", `db${i}`], 0);
  }
  for (const [field, value] of info) {
    if (!/^db\d+$/.test(field)) continue;
    const kv = parseKeyValues(value);
    gauge(w, "db_keys", ["db", field], Number(kv.get("keys")));
    gauge(w, "db_keys_expiring", ["db", field], Number(kv.get("expires")));
    if (kv.has("avg_ttl"))
      gauge(w, "db_avg_ttl_seconds", ["db", field], Number(kv.get("avg_ttl")) / 1000);
  }
}

function slowlog(w: MetricWriter, extras: RedisExtras): void {
  if (extras.slowlogLength !== null) gauge(w, "slowlog_length", [], extras.slowlogLength);
  const last = extras.slowlogLast;
  gauge(w, "slowlog_last_id", [], last?.id ?? 0);
  gauge(w, "last_slow_execution_duration_seconds", [], (last?.micros ?? 0) / 1e6);
}
