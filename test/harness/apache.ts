/**
 * A real Apache httpd for the Apache integration's tests and benchmark, from Debian's package:
 * its own ServerRoot and config in a temp folder (Debian's modules, event MPM), on a free
 * loopback port, with `mod_status` at /server-status or another path (ExtendedStatus on), an access log in
 * combined format plus `%D`, and an error log there too. Started as root it serves as
 * `nobody` (Apache refuses to serve as root; its logs are opened before it drops privileges).
 * And Debian's apache_exporter 0.12 pointed at it. Both are stopped after, and killed on exit.
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

const APACHE = "/usr/sbin/apache2";
const MODULES = "/usr/lib/apache2/modules";
const EXPORTER = "/usr/bin/prometheus-apache-exporter";

/** A running Apache. */
export interface TestApache {
  port: number;
  /** The parent's pid. */
  pid: number;
  /** `http://127.0.0.1:<port>`: `/` answers 200, `/missing` 404. */
  url: string;
  /** `mod_status` in machine-readable form (empty when started without it). */
  statusUrl: string;
  /** The temp ServerRoot holding apache2.conf, the logs and the pid file. */
  root: string;
  config: string;
  accessLog: string;
  errorLog: string;
  stop(): Promise<void>;
}

function config(root: string, port: number, status: string | null): string {
  const user = process.getuid?.() === 0 ? "User nobody\nGroup nogroup" : "";
  const mods = ["mpm_event", "authz_core", "authz_host", "dir", ...(status ? ["status"] : [])];
  // A balancer of one member (this server's own /), so mod_status lists ProxyBalancer lines.
  mods.push("proxy", "proxy_http", "proxy_balancer", "lbmethod_byrequests", "slotmem_shm");
  return `ServerRoot ${root}
DefaultRuntimeDir ${root}
PidFile ${join(root, "apache2.pid")}
${mods.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`).join("\n")}
${user}
ServerName localhost
Listen 127.0.0.1:${port}
ErrorLog ${join(root, "error.log")}
LogLevel warn
# combined plus %D (microseconds), as sites that want latency from their logs write it
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D" timed
CustomLog ${join(root, "access.log")} timed
DocumentRoot ${join(root, "html")}
<Proxy "balancer://app">
  BalancerMember "http://127.0.0.1:${port}"
</Proxy>
ProxyPass "/app/" "balancer://app/"
ProxyStatus On
<Directory ${join(root, "html")}>
  Require all granted
</Directory>
${
  status
    ? `ExtendedStatus On
<Location "${status}">
  SetHandler server-status
  Require local
</Location>`
    : ""
}
`;
}

/**
 * Starts Apache on a free loopback port from a temp ServerRoot; `statusPath` (default
 * `/server-status`) is where mod_status answers, or null for an Apache without it.
 */
export async function startApache(opts: { statusPath?: string | null } = {}): Promise<TestApache> {
  if (!existsSync(APACHE)) throw new Error("Cannot start apache2: install the apache2 package");
  const status = opts.statusPath === undefined ? "/server-status" : opts.statusPath;
  const root = mkdtempSync(join(tmpdir(), "outpost-apache-"));
  Bun.spawnSync(["chmod", "755", root]);
  Bun.spawnSync(["mkdir", "-p", join(root, "html")]);
  writeFileSync(join(root, "html", "index.html"), "ok\n");
  const cfg = join(root, "apache2.conf");
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    writeFileSync(cfg, config(root, port, status));
    const proc = Bun.spawn([APACHE, "-d", root, "-f", cfg, "-DFOREGROUND"], {
      stdout: "ignore",
      stderr: "ignore",
      env: { ...process.env, APACHE_RUN_DIR: root, APACHE_LOCK_DIR: root },
    });
    children.add(proc);
    const url = `http://127.0.0.1:${port}`;
    if (await answers(`${url}/`, proc)) {
      const pidFile = join(root, "apache2.pid");
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : proc.pid;
      return {
        port,
        pid: pid || proc.pid,
        url,
        statusUrl: status ? `${url}${status}?auto` : "",
        root,
        config: cfg,
        accessLog: join(root, "access.log"),
        errorLog: join(root, "error.log"),
        async stop() {
          // SIGTERM, not a graceful stop, which would wait out clients' keep-alive connections;
          // nothing is lost: Apache writes each log line as the request ends.
          proc.kill("SIGTERM");
          await proc.exited;
          children.delete(proc);
          rmSync(root, { recursive: true, force: true });
        },
      };
    }
    proc.kill("SIGKILL");
    await proc.exited;
    children.delete(proc);
  }
  const log = existsSync(join(root, "error.log"))
    ? readFileSync(join(root, "error.log"), "utf8")
    : "";
  rmSync(root, { recursive: true, force: true });
  throw new Error(
    `Cannot start apache2: it exited three times before answering: ${log.slice(-300)}`,
  );
}

/** apache_exporter 0.12 for the `?auto` status URL, on a free port. */
export function startApacheExporter(statusUrl: string): Promise<ServiceExporter> {
  if (!existsSync(EXPORTER))
    throw new Error("Cannot start apache_exporter: install prometheus-apache-exporter");
  return startExporter(
    (listen) => [EXPORTER, `--scrape_uri=${statusUrl}`, `--telemetry.address=${listen}`],
    {},
    "apache_up",
  );
}
