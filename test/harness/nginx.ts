/**
 * A real nginx for the nginx integration's tests and benchmark, from Debian's package: run
 * from a temp prefix on a free loopback port, with a `stub_status` location, its access and
 * error logs and pid file in the temp folder. And Debian's nginx-prometheus-exporter 0.11
 * pointed at it. Both are stopped after, and killed on exit.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";
import type { ServiceExporter } from "./service_exporters.ts";

const children = new Set<Subprocess>();
process.once("exit", () => {
  for (const p of children) p.kill("SIGKILL");
});

const NGINX = "/usr/sbin/nginx";
const EXPORTER = "/usr/bin/prometheus-nginx-exporter";

/** A running nginx. */
export interface TestNginx {
  port: number;
  /** A second port it also listens on (same server), with `secondPort`; else 0. */
  port2: number;
  /** The master's pid. */
  pid: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Its stub_status page (empty when started without one). */
  statusUrl: string;
  /** The temp prefix holding nginx.conf, logs/ and the pid file. */
  prefix: string;
  accessLog: string;
  errorLog: string;
  stop(): Promise<void>;
}

function config(dir: string, ports: number[], statusPath: string | null, extra = ""): string {
  const status = statusPath
    ? `location = ${statusPath} { stub_status; allow 127.0.0.1; deny all; access_log off; }`
    : "";
  // Temp paths for everything nginx would otherwise write under /var/lib/nginx (root-owned).
  const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `${t}_temp_path ${join(dir, "tmp", t)};`)
    .join("\n  ");
  return `worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "logs", "error.log")} notice;
events { worker_connections 128; }
http {
  # combined plus $request_time, as sites that want latency from their logs write it
  log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';
  access_log logs/access.log timed;
  ${temps}
  server {
    ${ports.map((p) => `listen 127.0.0.1:${p};`).join(" ")}
    ${status}
    ${extra}
    location / { return 200 "ok\\n"; }
    location = /missing { return 404; }
    # A file nginx cannot open (absent, or a temp dir its workers may not read): an error line.
    location /files/ { root ${join(dir, "html")}; }
  }
}
`;
}

/**
 * Starts nginx on a free loopback port from a temp prefix; `statusPath` (default
 * `/stub_status`) is where stub_status answers, or null for an nginx without one;
 * `secondPort` makes it listen on two ports; `locations` adds to its server block.
 */
export async function startNginx(
  opts: {
    statusPath?: string | null;
    secondPort?: boolean;
    /** More directives for the server block (a reverse proxy's `location`, say). */
    locations?: string;
  } = {},
): Promise<TestNginx> {
  if (!existsSync(NGINX)) throw new Error("Cannot start nginx: install the nginx package");
  const statusPath = opts.statusPath === undefined ? "/stub_status" : opts.statusPath;
  const dir = mkdtempSync(join(tmpdir(), "outpost-nginx-"));
  mkdirSync(join(dir, "logs"));
  mkdirSync(join(dir, "tmp"));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const port2 = opts.secondPort ? await freePort() : 0;
    const ports = port2 ? [port, port2] : [port];
    writeFileSync(join(dir, "nginx.conf"), config(dir, ports, statusPath, opts.locations));
    const proc = Bun.spawn(
      [NGINX, "-p", `${dir}/`, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"],
      { stdout: "ignore", stderr: "pipe" },
    );
    children.add(proc);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    let up = false;
    while (!up && proc.exitCode === null && Date.now() < deadline) {
      up = await fetch(`${url}/`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await Bun.sleep(50);
    }
    if (up) {
      const stop = async () => {
        proc.kill("SIGQUIT"); // graceful: workers finish, logs are flushed
        await proc.exited;
        children.delete(proc);
        rmSync(dir, { recursive: true, force: true });
      };
      const pid = Number(readFileSync(join(dir, "nginx.pid"), "utf8").trim()) || proc.pid;
      return {
        port,
        port2,
        pid,
        url,
        statusUrl: statusPath ? `${url}${statusPath}` : "",
        prefix: dir,
        accessLog: join(dir, "logs", "access.log"),
        errorLog: join(dir, "logs", "error.log"),
        stop,
      };
    }
    proc.kill("SIGKILL");
    await proc.exited;
    children.delete(proc);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error("Cannot start nginx: it exited three times before answering");
}

/** nginx-prometheus-exporter 0.11 for the stub_status page at `statusUrl`, on a free port. */
export async function startNginxExporter(statusUrl: string): Promise<ServiceExporter> {
  if (!existsSync(EXPORTER))
    throw new Error("Cannot start nginx-prometheus-exporter: install prometheus-nginx-exporter");
  for (let attempt = 0; attempt < 3; attempt++) {
    const address = `127.0.0.1:${await freePort()}`;
    const proc = Bun.spawn(
      [EXPORTER, "-nginx.scrape-uri", statusUrl, "-web.listen-address", address],
      { stdout: "ignore", stderr: "ignore" },
    );
    children.add(proc);
    const metrics = `http://${address}/metrics`;
    const deadline = Date.now() + 10_000;
    let up = false;
    while (!up && proc.exitCode === null && Date.now() < deadline) {
      up = await fetch(metrics).then(
        async (r) => r.ok && (await r.text()).includes("nginx_up"),
        () => false,
      );
      if (!up) await Bun.sleep(50);
    }
    if (up) {
      return {
        address,
        pid: proc.pid,
        async scrape() {
          const r = await fetch(metrics);
          if (!r.ok) throw new Error(`Cannot scrape ${metrics}: HTTP ${r.status}`);
          return r.text();
        },
        async stop() {
          proc.kill();
          await proc.exited;
          children.delete(proc);
        },
      };
    }
    proc.kill("SIGKILL");
    children.delete(proc);
  }
  throw new Error("Cannot start nginx-prometheus-exporter: it did not serve /metrics three times");
}
