/**
 * A real HAProxy for the HAProxy integration's tests and benchmark, from Debian's package: run
 * from a temp folder on free loopback ports, with an admin stats socket, a CSV stats page, an
 * HTTP frontend in front of a backend of one live and one dead server, a TCP proxy, and its
 * log lines (`log stdout format raw`) written to a file as rsyslog would; optionally a frontend
 * serving HAProxy's built-in Prometheus exporter. And Debian's
 * haproxy_exporter 0.14 pointed at it. Both are stopped after, and killed on exit.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";
import { type ServiceExporter, startExporter } from "./service_exporters.ts";
import { answers } from "./wait_http.ts";

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

const HAPROXY = "/usr/sbin/haproxy";
const EXPORTER = "/usr/bin/prometheus-haproxy-exporter";

/** A running HAProxy. */
export interface TestHaproxy {
  pid: number;
  /** The HTTP frontend `web`: `/` answers 200, `/fail` 503, through backend `app`. */
  url: string;
  port: number;
  /** The TCP proxy `tcp_in` (mode tcp) to the same origin. */
  tcpPort: number;
  /** The admin stats socket (empty when started without one). */
  socket: string;
  /** The stats page in CSV (`;csv`), on its own port. */
  statsUrl: string;
  statsPort: number;
  /** Its built-in Prometheus exporter (`/metrics`), empty unless started with `prometheus`. */
  prometheusUrl: string;
  dir: string;
  config: string;
  /** HAProxy's log lines (httplog and tcplog). */
  log: string;
  stop(): Promise<void>;
}

/** Options of {@link startHaproxy}. */
export interface HaproxyOptions {
  /** An admin stats socket in the global section (default true). */
  socket?: boolean;
  /** A frontend `prometheus` serving the built-in exporter on /metrics (default false). */
  prometheus?: boolean;
}

const PROMETHEUS_FRONTEND = (port: number) => `
frontend prometheus
  bind 127.0.0.1:${port}
  no log
  http-request use-service prometheus-exporter if { path /metrics }
`;

function config(dir: string, p: Record<string, number>, opts: HaproxyOptions): string {
  const socket = opts.socket ?? true;
  return `global
  ${socket ? `stats socket ${join(dir, "admin.sock")} mode 600 level admin` : ""}
  pidfile ${join(dir, "haproxy.pid")}
  log stdout format raw local0

defaults
  mode http
  log global
  option httplog
  timeout connect 1s
  timeout client 5s
  timeout server 5s

frontend web
  bind 127.0.0.1:${p.web}
  default_backend app

frontend stats
  bind 127.0.0.1:${p.stats}
  no log
  stats enable
  stats uri /stats

backend app
  server app1 127.0.0.1:${p.origin} check inter 1s
  server app2 127.0.0.1:${p.dead} check inter 1s

listen tcp_in
  mode tcp
  option tcplog
  bind 127.0.0.1:${p.tcp}
  server origin 127.0.0.1:${p.origin}

# The origin the proxies forward to: HAProxy answering by itself.
listen origin
  bind 127.0.0.1:${p.origin}
  no log
  http-request return status 503 content-type text/plain string "fail" if { path /fail }
  http-request return status 200 content-type text/plain string "ok"
${opts.prometheus ? PROMETHEUS_FRONTEND(p.prometheus) : ""}`;
}

/** Starts HAProxy on free loopback ports from a temp folder, as `opts` say. */
export async function startHaproxy(opts: HaproxyOptions = {}): Promise<TestHaproxy> {
  if (!existsSync(HAPROXY)) throw new Error("Cannot start haproxy: install the haproxy package");
  const socket = opts.socket ?? true;
  const dir = mkdtempSync(join(tmpdir(), "outpost-haproxy-"));
  const cfg = join(dir, "haproxy.cfg");
  const log = join(dir, "haproxy.log");
  for (let attempt = 0; attempt < 3; attempt++) {
    const p: Record<string, number> = {};
    for (const name of ["web", "stats", "tcp", "origin", "dead", "prometheus"])
      p[name] = await freePort();
    writeFileSync(cfg, config(dir, p, opts));
    const proc = Bun.spawn([HAPROXY, "-db", "-f", cfg], {
      stdout: Bun.file(log),
      stderr: "ignore",
    });
    children.add(proc);
    const url = `http://127.0.0.1:${p.web}`;
    const statsUrl = `http://127.0.0.1:${p.stats}/stats;csv`;
    if (await answers(statsUrl, proc)) {
      const pidFile = join(dir, "haproxy.pid");
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : proc.pid;
      return {
        pid: pid || proc.pid,
        url,
        port: p.web,
        tcpPort: p.tcp,
        socket: socket ? join(dir, "admin.sock") : "",
        statsUrl,
        statsPort: p.stats,
        prometheusUrl: opts.prometheus ? `http://127.0.0.1:${p.prometheus}/metrics` : "",
        dir,
        config: cfg,
        log,
        async stop() {
          // SIGTERM, not a soft stop, which would wait for clients' keep-alive connections to end.
          proc.kill("SIGTERM");
          await proc.exited;
          children.delete(proc);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    proc.kill("SIGKILL");
    await proc.exited;
    children.delete(proc);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error("Cannot start haproxy: it exited three times before answering");
}

/** haproxy_exporter 0.14 for `uri` (`unix:/path/admin.sock` or the `;csv` stats URL), on a free port. */
export function startHaproxyExporter(uri: string): Promise<ServiceExporter> {
  if (!existsSync(EXPORTER))
    throw new Error("Cannot start haproxy_exporter: install prometheus-haproxy-exporter");
  return startExporter(
    (listen) => [EXPORTER, `--haproxy.scrape-uri=${uri}`, `--web.listen-address=${listen}`],
    {},
    "haproxy_up",
  );
}
