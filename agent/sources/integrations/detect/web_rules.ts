/**
 * Detection rules of the web servers collected from a status page or socket besides nginx:
 * HAProxy (its stats socket, else its stats page from haproxy.cfg) and Apache httpd
 * (mod_status probed on its ports). Pure, like rules.ts, which calls them.
 */
import type { TcpListener, UnixListener } from "./proc_net.ts";
import type { DetectedService, ProcessInfo } from "./rules.ts";

/** The kinds these rules detect. */
export type WebKind = "haproxy" | "apache";

/** Process names (`/proc/<pid>/comm`, or the program's file name) of each. */
export const WEB_PROCESS_NAMES: Record<WebKind, readonly string[]> = {
  haproxy: ["haproxy"],
  apache: ["apache2", "httpd"],
};

/** Whether `kind` is one of these rules'. */
export function isWebKind(kind: string): kind is WebKind {
  return kind === "haproxy" || kind === "apache";
}

/** The service a process of `kind` stands for, from the sockets it holds; null when it holds none that tell. */
export function webServiceOf(
  kind: WebKind,
  p: ProcessInfo,
  ports: readonly TcpListener[],
  paths: readonly UnixListener[],
  hostPort: (l: TcpListener) => string,
): DetectedService | null {
  const sorted = [...ports].sort((a, b) => a.port - b.port);
  const all = [...new Set(sorted.map((l) => l.port))];
  const base = { kind, how: "process", pid: p.pid, ports: all, cmdline: p.cmdline } as const;
  if (kind === "apache") {
    if (all.length === 0) return null;
    return { ...base, key: `apache:${all[0]}`, address: hostPort(sorted[0]), port: all[0] };
  }
  const socket = statsSocketOf(p.cmdline, paths);
  if (all.length > 0)
    return {
      ...base,
      key: `haproxy:${all[0]}`,
      address: hostPort(sorted[0]),
      port: all[0],
      socket,
    };
  // An HAProxy that only proxies Unix sockets: keyed by its stats socket.
  if (socket === undefined) return null;
  return { ...base, key: `haproxy:${socket}`, address: socket, port: 0, socket };
}

/** HAProxy binds `<path>.<pid>.tmp` and renames it to `<path>`; the kernel's table keeps the first name. */
const TMP_SUFFIX = /\.\d+\.tmp$/;

/**
 * The stats socket among an HAProxy's Unix listeners: not the master CLI (`-S <path>[,opts]`
 * in master-worker mode), and the first by path so the choice is stable.
 */
function statsSocketOf(cmdline: string, paths: readonly UnixListener[]): string | undefined {
  const args = cmdline.split(" ");
  const s = args.indexOf("-S");
  const master = s >= 0 ? args[s + 1]?.split(",")[0] : undefined;
  return paths
    .map((l) => l.path.replace(TMP_SUFFIX, ""))
    .filter((path) => path !== master)
    .sort()[0];
}

/** HAProxy's usual stats socket names (Debian's /run/haproxy/admin.sock), as bound or renamed. */
const HAPROXY_SOCKET = /\/(haproxy[^/]*\/[^/]+|haproxy[^/]*)\.sock(\.\d+\.tmp)?$/;
/** Ports an Apache whose fds cannot be read is looked for on (its status page is plain HTTP). */
const APACHE_PORTS = [80, 8080];

/**
 * Services told by well-known names when a running HAProxy's or Apache's fds cannot be read
 * (an agent not running as root): a `haproxy*.sock` socket, or ports 80 and 8080 for Apache,
 * among the listeners no process was seen to own. Detected by `socket`.
 */
export function webFallbacks(
  processes: readonly ProcessInfo[],
  tcp: readonly TcpListener[],
  unix: readonly UnixListener[],
  owned: ReadonlySet<number>,
  hostPort: (l: TcpListener) => string,
): DetectedService[] {
  const hidden = (kind: WebKind) =>
    processes.find((p) => p.sockets === null && isNamed(p, WEB_PROCESS_NAMES[kind]));
  const out: DetectedService[] = [];
  const haproxy = hidden("haproxy");
  const socket = unix.find((l) => !owned.has(l.inode) && HAPROXY_SOCKET.test(l.path));
  if (haproxy && socket) {
    const path = socket.path.replace(TMP_SUFFIX, "");
    const at = { key: `haproxy:${path}`, address: path, port: 0, socket: path };
    out.push({ kind: "haproxy", how: "socket", pid: 0, cmdline: haproxy.cmdline, ...at });
  }
  const apache = hidden("apache");
  const web = tcp
    .filter((l) => !owned.has(l.inode) && APACHE_PORTS.includes(l.port))
    .sort((a, b) => a.port - b.port);
  if (apache && web.length > 0) {
    const ports = [...new Set(web.map((l) => l.port))];
    const at = { key: `apache:${ports[0]}`, address: hostPort(web[0]), port: ports[0], ports };
    out.push({ kind: "apache", how: "socket", pid: 0, cmdline: apache.cmdline, ...at });
  }
  return out;
}

/** Whether the process is one of `names`, by its name or its program's file name. */
function isNamed(p: ProcessInfo, names: readonly string[]): boolean {
  const program = p.cmdline.split(" ")[0].split("/").pop() ?? "";
  return names.includes(p.comm) || names.includes(program);
}
