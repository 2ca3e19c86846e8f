/**
 * Apache's `mod_status` page in machine-readable form (`/server-status?auto`) and
 * apache_exporter 0.12's families from it. Pure, so a captured page tests it.
 */
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { writeBalancers } from "./balancers.ts";

/** The exporter's `up` family. */
export const APACHE_UP = { name: "apache_up", help: "Could the apache server be reached" };

/** A page's `Key: value` lines, in order (the scoreboard and balancer keys may repeat). */
export type StatusPage = Map<string, string>;

/** Parses a `?auto` page; throws a SyntaxError naming `url` when it is not one. */
export function parseServerStatus(text: string, url: string): StatusPage {
  const page: StatusPage = new Map();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) page.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  if (!page.has("ServerVersion") && !page.has("Scoreboard") && !page.has("Total Accesses"))
    throw new SyntaxError(
      `Cannot parse ${url}: not an Apache server-status?auto page: ${text.slice(0, 60)}`,
    );
  return page;
}

type Kind = "counter" | "gauge";
/** Single-value families: name, type, HELP, the page's key and a factor. */
const PLAIN: readonly [string, Kind, string, string][] = [
  ["apache_accesses_total", "counter", "Current total apache accesses (*)", "Total Accesses"],
  ["apache_sent_kilobytes_total", "counter", "Current total kbytes sent (*)", "Total kBytes"],
  [
    "apache_duration_ms_total",
    "counter",
    "Total duration of all registered requests in ms",
    "Total Duration",
  ],
  ["apache_uptime_seconds_total", "counter", "Current uptime in seconds (*)", "Uptime"],
];

/** Labelled gauges: name, HELP, label name, and label value → the page's key. */
const LABELLED: readonly [string, string, string, [string, string][]][] = [
  [
    "apache_generation",
    "Apache restart generation",
    "type",
    [
      ["config", "ParentServerConfigGeneration"],
      ["mpm", "ParentServerMPMGeneration"],
    ],
  ],
  [
    "apache_load",
    "Apache server load",
    "interval",
    [
      ["1min", "Load1"],
      ["5min", "Load5"],
      ["15min", "Load15"],
    ],
  ],
  [
    "apache_workers",
    "Apache worker statuses",
    "state",
    [
      ["busy", "BusyWorkers"],
      ["idle", "IdleWorkers"],
    ],
  ],
  [
    "apache_processes",
    "Apache process count",
    "state",
    [
      ["all", "Processes"],
      ["stopping", "Stopping"],
    ],
  ],
  [
    "apache_connections",
    "Apache connection statuses",
    "state",
    [
      ["total", "ConnsTotal"],
      ["writing", "ConnsAsyncWriting"],
      ["keepalive", "ConnsAsyncKeepAlive"],
      ["closing", "ConnsAsyncClosing"],
    ],
  ],
];

/** The scoreboard's characters and the exporter's state names for them. */
const SCOREBOARD: Record<string, string> = {
  _: "idle",
  S: "startup",
  R: "read",
  W: "reply",
  K: "keepalive",
  D: "dns",
  C: "closing",
  L: "logging",
  G: "graceful_stop",
  I: "idle_cleanup",
  ".": "open_slot",
};

/** A page value as a number; a value that is not one throws, naming its key. */
function num(page: StatusPage, key: string): number | undefined {
  const v = page.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === "" || Number.isNaN(n))
    throw new SyntaxError(`Cannot parse ${key}: "${v.slice(0, 40)}" is not a number`);
  return n;
}

/** `Apache/2.4.71 (Debian)` → 2.04071, as the exporter encodes it; NaN when it has no x.y.z. */
export function versionNumber(serverVersion: string): number {
  const m = /\/(\d+)\.(\d+)\.(\d+)/.exec(serverVersion);
  if (!m) return Number.NaN;
  return Number(`${m[1]}.${m[2].padStart(2, "0")}${m[3].padStart(3, "0")}`);
}

/**
 * Writes one collection's families, `apache_up 1` included. `cpuload` is the last CPULoad
 * the server reported: the exporter keeps it between scrapes, and so does the collector.
 */
export function writeServerStatus(w: MetricWriter, page: StatusPage, cpuload: number): void {
  const version = page.get("ServerVersion");
  const v = version === undefined ? Number.NaN : versionNumber(version);
  if (!Number.isNaN(v)) {
    w.family("apache_version", "gauge", "Apache server version");
    w.sample("apache_version", [], v);
  }
  for (const [name, type, help, key] of PLAIN) {
    const n = num(page, key);
    if (n === undefined) continue;
    w.family(name, type, help);
    w.sample(name, [], n);
  }
  writeCpu(w, page);
  w.family("apache_info", "gauge", "Apache version information");
  w.sample(
    "apache_info",
    ["version", version ?? "UNKNOWN", "mpm", page.get("ServerMPM") ?? "UNKNOWN"],
    1,
  );
  for (const [name, help, label, keys] of LABELLED) writeLabelled(w, page, name, help, label, keys);
  w.family(
    "apache_cpuload",
    "gauge",
    "The current percentage CPU used by each worker and in total by all workers combined (*)",
  );
  w.sample("apache_cpuload", [], cpuload);
  writeScoreboard(w, page.get("Scoreboard"));
  writeBalancers(w, page);
  w.family(APACHE_UP.name, "gauge", APACHE_UP.help);
  w.sample(APACHE_UP.name, [], 1);
}

/** CPU seconds of the server and its children, in ms, by user and system. */
function writeCpu(w: MetricWriter, page: StatusPage): void {
  const parts = ["CPUUser", "CPUChildrenUser", "CPUSystem", "CPUChildrenSystem"].map((k) =>
    num(page, k),
  );
  if (parts.every((p) => p === undefined)) return;
  const [u, cu, s, cs] = parts.map((p) => p ?? 0);
  w.family("apache_cpu_time_ms_total", "counter", "Apache CPU time");
  w.sample("apache_cpu_time_ms_total", ["type", "user"], 1000 * (u + cu));
  w.sample("apache_cpu_time_ms_total", ["type", "system"], 1000 * (s + cs));
}

function writeLabelled(
  w: MetricWriter,
  page: StatusPage,
  name: string,
  help: string,
  label: string,
  keys: [string, string][],
): void {
  const values = keys.map(([label, key]) => [label, num(page, key)] as const);
  if (values.every(([, n]) => n === undefined)) return;
  w.family(name, "gauge", help);
  for (const [value, n] of values) if (n !== undefined) w.sample(name, [label, value], n);
}

/** Workers by scoreboard state: every known state (0 when absent), and any unknown character as itself. */
function writeScoreboard(w: MetricWriter, board: string | undefined): void {
  if (board === undefined) return;
  const counts = new Map<string, number>(Object.values(SCOREBOARD).map((s) => [s, 0]));
  for (const ch of board) {
    const state = SCOREBOARD[ch] ?? ch;
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  w.family("apache_scoreboard", "gauge", "Apache scoreboard statuses");
  for (const [state, n] of counts) w.sample("apache_scoreboard", ["state", state], n);
}

/** The CPULoad the page reports, when it does (Apache leaves it out while it is 0). */
export function cpuLoadOf(page: StatusPage): number | undefined {
  return num(page, "CPULoad");
}
