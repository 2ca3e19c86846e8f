/**
 * Where a running HAProxy shows its statistics, from its config: a frontend or listen section
 * serving its built-in Prometheus exporter (`http-request use-service prometheus-exporter`),
 * the `stats socket` of its global section, and a stats page (`stats enable` / `stats uri`),
 * each on a port it binds. Read by the agent itself, capped in size, never thrown from.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** Debian's config file (the unit's `-f`). */
const DEBIAN_CONF = "/etc/haproxy/haproxy.cfg";
/** HAProxy's stats page path when `stats enable` names none. */
const DEFAULT_STATS_URI = "/haproxy?stats";
const MAX_BYTES = 1 << 20;
const MAX_FILES = 64;

/** What the config says about statistics. */
export interface HaproxyStats {
  socket?: string;
  /** The stats page in CSV on loopback, `http://127.0.0.1:8404/stats;csv`. */
  statsUrl?: string;
  /** The built-in Prometheus exporter on loopback, `http://127.0.0.1:8405/metrics`. */
  prometheusUrl?: string;
}

/** The config files (`-f`, repeatable, a file or a folder of *.cfg) from the command line, else Debian's. */
export function haproxyConfigs(cmdline: string): string[] {
  const args = cmdline.split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < args.length - 1; i++) if (args[i] === "-f") out.push(args[i + 1]);
  return out.length > 0 ? out : [DEBIAN_CONF];
}

/** The stats socket and stats page the config files name (the first of each). */
export async function haproxyStats(configs: readonly string[]): Promise<HaproxyStats> {
  const found: HaproxyStats = {};
  for (const file of (await expandDirs(configs)).slice(0, MAX_FILES)) {
    let text: string;
    try {
      text = (await readFile(file, "utf8")).slice(0, MAX_BYTES);
    } catch {
      continue;
    }
    const got = statsOf(text);
    found.socket ??= got.socket;
    found.statsUrl ??= got.statsUrl;
    found.prometheusUrl ??= got.prometheusUrl;
  }
  return found;
}

/** The stats socket, stats page and Prometheus exporter one config text names. */
export function statsOf(text: string): HaproxyStats {
  const out: HaproxyStats = {};
  let section = "";
  let port: number | undefined;
  let uri: string | undefined;
  let metrics: string | undefined;
  const closeSection = () => {
    if (uri !== undefined && port !== undefined && out.statsUrl === undefined)
      out.statsUrl = `http://127.0.0.1:${port}${uri};csv`;
    if (metrics !== undefined && port !== undefined && out.prometheusUrl === undefined)
      out.prometheusUrl = `http://127.0.0.1:${port}${metrics}`;
    port = undefined;
    uri = undefined;
    metrics = undefined;
  };
  for (const raw of text.split("\n")) {
    const words = raw.replace(/#.*/, "").trim().split(/\s+/);
    if (words[0] === "") continue;
    if (
      /^(global|defaults|frontend|backend|listen|peers|resolvers|userlist|program|http-errors|ring|cache|mailers)$/.test(
        words[0],
      )
    ) {
      closeSection();
      section = words[0];
      continue;
    }
    if (section === "global" && words[0] === "stats" && words[1] === "socket" && words[2]) {
      // `ipv4@…:port` and `*:port` sockets are TCP: only a path is a Unix socket.
      if (words[2].startsWith("/")) out.socket ??= words[2];
    } else if (section === "frontend" || section === "listen") {
      if (words[0] === "bind") port ??= bindPort(words[1] ?? "");
      if (words[0] === "stats" && words[1] === "uri" && words[2]) uri = words[2];
      if (words[0] === "stats" && words[1] === "enable") uri ??= DEFAULT_STATS_URI;
      metrics ??= exporterPath(words);
    }
  }
  closeSection();
  return out;
}

/**
 * The path of `http-request use-service prometheus-exporter [if { path /p }]`: the condition's
 * path, else /metrics (with no condition, or one the agent does not read, any path is served
 * or the usual one is). Undefined for any other line.
 */
function exporterPath(words: readonly string[]): string | undefined {
  if (words[0] !== "http-request" || words[1] !== "use-service") return undefined;
  if (words[2] !== "prometheus-exporter") return undefined;
  const at = words.indexOf("path");
  const path = at > 2 && words[at - 1] === "{" ? words[at + 1] : undefined;
  return path?.startsWith("/") ? path : "/metrics";
}

/** The port of a `bind` address (`:8404`, `127.0.0.1:8404`, `ipv4@*:8404`); undefined for a Unix one. */
function bindPort(addr: string): number | undefined {
  const m = /:(\d+)$/.exec(addr.split(",")[0]);
  return m ? Number(m[1]) : undefined;
}

async function expandDirs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (s?.isDirectory()) {
      const names = await readdir(p).catch(() => [] as string[]);
      out.push(
        ...names
          .filter((n) => n.endsWith(".cfg"))
          .sort()
          .map((n) => join(p, n)),
      );
    } else out.push(p);
  }
  return out;
}
