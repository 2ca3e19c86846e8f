/**
 * Detection rules: which processes and listening sockets are which service. Pure: the
 * inputs are what detect.ts read from /proc, so fixture tables test every rule.
 */
import { isRabbit, MQ_PROCESS_NAMES, MQ_RULES, type MqKind, mqBySocket } from "./mq_rules.ts";
import type { TcpListener, UnixListener } from "./proc_net.ts";
import {
  isWebKind,
  WEB_PROCESS_NAMES,
  type WebKind,
  webFallbacks,
  webServiceOf,
} from "./web_rules.ts";

/** The services detection knows. */
export type ServiceKind =
  | "postgres"
  | "redis"
  | "mysql"
  | "nginx"
  | "containers"
  | WebKind
  | MqKind;

/** A process as detection sees it: name, command line and the socket inodes it holds. */
export interface ProcessInfo {
  pid: number;
  comm: string;
  cmdline: string;
  /** Inodes of its sockets; null when its fd folder could not be read (another user's process). */
  sockets: ReadonlySet<number> | null;
}

/** One service found on the host, and how. */
export interface DetectedService {
  kind: ServiceKind;
  /** Stable identity across detection cycles: kind and port (or socket path). */
  key: string;
  /** "process": a known process owns the socket; "socket": a well-known socket name alone. */
  how: "process" | "socket";
  /** The owning process, 0 when unknown. */
  pid: number;
  /** Where to connect: host:port, or a Unix socket path (PostgreSQL: the socket file). */
  address: string;
  /** TCP port (PostgreSQL: also the socket's suffix), 0 for a Redis reached by socket only. */
  port: number;
  /** nginx, RabbitMQ, NATS: every port it listens on (its status page may be on any of them). */
  ports?: number[];
  /** nginx: the master's command line (`-p` prefix and `-c` config file); HAProxy's, Apache's, RabbitMQ's, NATS's. */
  cmdline?: string;
  /** HAProxy: its stats socket, when it listens on one. */
  socket?: string;
}

/** Process names (`/proc/<pid>/comm`) of each service. */
const PROCESS_NAMES: Record<ServiceKind, readonly string[]> = {
  postgres: ["postgres", "postmaster"],
  redis: ["redis-server"],
  mysql: ["mysqld", "mariadbd"],
  nginx: ["nginx"],
  ...WEB_PROCESS_NAMES,
  containers: [], // found from the cgroup tree (containers/detect.ts), not a process
  ...MQ_PROCESS_NAMES,
  rabbitmq: [], // by its command line: isRabbit()
};

const PG_SOCKET = /\/\.s\.PGSQL\.(\d+)$/;
const REDIS_SOCKET = /\/redis(-server)?[^/]*\.sock$/;
const REDIS_PORT = 6379;
/** Debian's and most distributions' server socket (mysqld.sock), and a bare mysql.sock. */
const MYSQL_SOCKET = /\/(mysqld|mysql|mariadb)\.sock$/;
/** Ports an nginx whose fds cannot be read is looked for on (its status page is plain HTTP). */
const NGINX_PORTS = [80, 8080];

/** The services the processes and sockets show, sorted by key, one per key. */
export function matchServices(
  processes: readonly ProcessInfo[],
  tcp: readonly TcpListener[],
  unix: readonly UnixListener[],
): DetectedService[] {
  const found = new Map<string, DetectedService>();
  const owned = new Set<number>();
  for (const p of processes) {
    const kind = kindOf(p);
    if (kind === null || kind === "containers" || p.sockets === null || isNginxWorker(kind, p))
      continue;
    const own = p.sockets;
    const ports = tcp.filter((l) => own.has(l.inode));
    const paths = unix.filter((l) => own.has(l.inode));
    for (const l of [...ports, ...paths]) owned.add(l.inode);
    const s =
      kind === "nginx"
        ? nginxOf(p.pid, ports, p.cmdline)
        : isWebKind(kind)
          ? webServiceOf(kind, p, ports, paths, hostPort)
          : kind in MQ_RULES
            ? MQ_RULES[kind as MqKind](p, ports, paths)
            : OWNER_RULES[kind as keyof typeof OWNER_RULES](p.pid, ports, paths);
    if (s && !found.has(s.key)) found.set(s.key, s);
  }
  // Sockets whose owner is unknown (fds unreadable): their well-known names still tell.
  for (const l of unix) {
    if (owned.has(l.inode)) continue;
    const pg = PG_SOCKET.exec(l.path);
    if (pg) add(found, { ...postgresOf(0, [], [l]), how: "socket" } as DetectedService);
    else if (REDIS_SOCKET.test(l.path))
      add(found, { ...redisOf(0, [], [l]), how: "socket" } as DetectedService);
    else if (MYSQL_SOCKET.test(l.path))
      add(found, { ...mysqlOf(0, [], [l]), how: "socket" } as DetectedService);
  }
  const unknownOwner = processes.some((p) => p.sockets === null && kindOf(p) === "redis");
  for (const l of tcp) {
    if (owned.has(l.inode) || l.port !== REDIS_PORT || !unknownOwner) continue;
    add(found, { ...(redisOf(0, [l], []) as DetectedService), how: "socket" });
  }
  const nginx = processes.find((p) => p.sockets === null && kindOf(p) === "nginx");
  const web = tcp.filter((l) => !owned.has(l.inode) && NGINX_PORTS.includes(l.port));
  if (nginx && web.length > 0)
    add(found, { ...(nginxOf(0, web, nginx.cmdline) as DetectedService), how: "socket" });
  for (const s of webFallbacks(processes, tcp, unix, owned, hostPort)) add(found, s);
  const unreadable = processes.flatMap((p) => {
    const kind = p.sockets === null ? kindOf(p) : null;
    return kind !== null && kind in MQ_RULES ? [{ kind: kind as MqKind, cmdline: p.cmdline }] : [];
  });
  for (const s of mqBySocket(unreadable, tcp, owned)) add(found, s);
  return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function add(found: Map<string, DetectedService>, s: DetectedService): void {
  if (!found.has(s.key)) found.set(s.key, s);
}

/** The service a process is: by its name, else by its program's file name (a renamed comm). */
export function kindOf(p: Pick<ProcessInfo, "comm" | "cmdline">): ServiceKind | null {
  if (isRabbit(p)) return "rabbitmq";
  const program = p.cmdline.split(" ")[0].split("/").pop() ?? "";
  for (const kind of Object.keys(PROCESS_NAMES) as ServiceKind[])
    if (PROCESS_NAMES[kind].includes(p.comm) || PROCESS_NAMES[kind].includes(program)) return kind;
  return null;
}

/**
 * A postmaster: its port from a `.s.PGSQL.<port>` socket or its TCP port. The socket is
 * preferred for connecting: no TCP, and pg_hba's `local` lines apply.
 */
function postgresOf(
  pid: number,
  ports: readonly TcpListener[],
  paths: readonly UnixListener[],
): DetectedService | null {
  const socket = paths.find((l) => PG_SOCKET.test(l.path));
  const port = socket ? Number(PG_SOCKET.exec(socket.path)?.[1]) : ports[0]?.port;
  if (port === undefined) return null; // a backend, not the postmaster: it holds no listener
  const tcp = ports.find((l) => l.port === port) ?? ports[0];
  const address = socket ? socket.path : hostPort(tcp);
  return { kind: "postgres", key: `postgres:${port}`, how: "process", pid, address, port };
}

/** A redis-server: its TCP port, or its Unix socket when it listens on no port. */
function redisOf(
  pid: number,
  ports: readonly TcpListener[],
  paths: readonly UnixListener[],
): DetectedService | null {
  const tcp = ports[0];
  if (tcp) {
    const key = `redis:${tcp.port}`;
    return { kind: "redis", key, how: "process", pid, address: hostPort(tcp), port: tcp.port };
  }
  const socket = paths[0];
  if (!socket) return null;
  return {
    kind: "redis",
    key: `redis:${socket.path}`,
    how: "process",
    pid,
    address: socket.path,
    port: 0,
  };
}

/**
 * A mysqld / mariadbd: keyed by its TCP port (its socket path without one), reached through
 * its Unix socket where it has one, so unix_socket authentication applies (Debian's root).
 */
function mysqlOf(
  pid: number,
  ports: readonly TcpListener[],
  paths: readonly UnixListener[],
): DetectedService | null {
  const socket = paths.find((l) => MYSQL_SOCKET.test(l.path)) ?? paths[0];
  const tcp = ports[0];
  if (!socket && !tcp) return null;
  const port = tcp?.port ?? 0;
  const key = tcp ? `mysql:${port}` : `mysql:${socket.path}`;
  const address = socket ? socket.path : hostPort(tcp);
  return { kind: "mysql", key, how: "process", pid, address, port };
}

/** How a detected process becomes a service, by kind (nginx needs its command line instead). */
const OWNER_RULES: Record<
  Exclude<ServiceKind, "nginx" | "containers" | WebKind | MqKind>,
  (
    pid: number,
    ports: readonly TcpListener[],
    paths: readonly UnixListener[],
  ) => DetectedService | null
> = { postgres: postgresOf, redis: redisOf, mysql: mysqlOf };
/** nginx's workers hold the master's listeners too: the master alone stands for the service. */
function isNginxWorker(kind: ServiceKind, p: ProcessInfo): boolean {
  return kind === "nginx" && /^nginx: (worker|cache)/.test(p.cmdline);
}

/** An nginx master: keyed by its lowest port, with every port for the status page probe. */
function nginxOf(
  pid: number,
  ports: readonly TcpListener[],
  cmdline: string,
): DetectedService | null {
  if (ports.length === 0) return null;
  const sorted = [...ports].sort((a, b) => a.port - b.port);
  const all = [...new Set(sorted.map((l) => l.port))];
  const address = hostPort(sorted[0]);
  return {
    kind: "nginx",
    key: `nginx:${all[0]}`,
    how: "process",
    pid,
    address,
    port: all[0],
    ports: all,
    cmdline,
  };
}

/** Where to connect to a listener: a wildcard bind is reached on loopback. */
export function hostPort(l: TcpListener): string {
  if (l.address === "0.0.0.0") return `127.0.0.1:${l.port}`;
  if (l.address === "::") return `[::1]:${l.port}`;
  return l.address.includes(":") ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`;
}
