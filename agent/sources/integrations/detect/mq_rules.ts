/**
 * Detection rules of memcached, RabbitMQ and NATS (rules.ts applies them): which process is
 * which, the ports it owns, and the well-known ports looked at when its fds cannot be read.
 */
import type { TcpListener, UnixListener } from "./proc_net.ts";
import { type DetectedService, hostPort, type ProcessInfo } from "./rules.ts";

/** The kinds this file detects. */
export type MqKind = "memcached" | "rabbitmq" | "nats";

/** Process names (`comm`, or the program's file name) of memcached and NATS. */
export const MQ_PROCESS_NAMES = {
  memcached: ["memcached"],
  nats: ["nats-server", "gnatsd"],
} as const;

/**
 * A RabbitMQ node is an Erlang VM (`beam.smp`, shared with CouchDB, ejabberd…) booting the
 * `rabbit` application: its command line says `-s rabbit boot`.
 */
export function isRabbit(p: Pick<ProcessInfo, "comm" | "cmdline">): boolean {
  return p.comm.startsWith("beam") && /(^| )-s rabbit boot( |$)/.test(p.cmdline);
}

/** Well-known ports, looked at when a known process runs but its fds cannot be read. */
export const MQ_PORTS: Record<MqKind, readonly number[]> = {
  memcached: [11211],
  rabbitmq: [5672, 15672, 15692],
  nats: [4222, 8222],
};

/**
 * The port a service is keyed by: the client port its command line names (nats-server's `-p`,
 * memcached's `-p`), else its well-known main port when it has it, else its lowest.
 */
function mainPort(kind: MqKind, ports: readonly number[], cmdline: string): number {
  const named = Number(/(?:^| )(?:-p|--port)[ =](\d+)(?: |$)/.exec(cmdline)?.[1]);
  if (ports.includes(named)) return named;
  const known = MQ_PORTS[kind][0];
  return ports.includes(known) ? known : Math.min(...ports);
}

/** How a process of each kind becomes a service. */
export const MQ_RULES: Record<
  MqKind,
  (
    p: Pick<ProcessInfo, "pid" | "cmdline">,
    ports: readonly TcpListener[],
    paths: readonly UnixListener[],
  ) => DetectedService | null
> = {
  memcached: (p, ports, paths) => {
    if (ports.length === 0) {
      // `memcached -s /run/memcached.sock` listens on its socket only.
      const socket = paths[0];
      if (!socket) return null;
      const s = { pid: p.pid, address: socket.path, port: 0 };
      return { kind: "memcached", key: `memcached:${socket.path}`, how: "process", ...s };
    }
    return byPorts("memcached", p, ports);
  },
  // The collector finds which of the ports serves the Prometheus plugin or the management API.
  rabbitmq: (p, ports) => byPorts("rabbitmq", p, ports),
  // The collector finds which of the ports is the monitoring one (`-m`).
  nats: (p, ports) => byPorts("nats", p, ports),
};

function byPorts(
  kind: MqKind,
  p: Pick<ProcessInfo, "pid" | "cmdline">,
  ports: readonly TcpListener[],
): DetectedService | null {
  if (ports.length === 0) return null;
  const all = [...new Set(ports.map((l) => l.port))].sort((a, b) => a - b);
  const port = mainPort(kind, all, p.cmdline);
  const l = ports.find((x) => x.port === port) as TcpListener;
  return {
    kind,
    key: `${kind}:${port}`,
    how: "process",
    pid: p.pid,
    address: hostPort(l),
    port,
    ports: all,
    cmdline: p.cmdline,
  };
}

/**
 * Services of these kinds seen only by their well-known ports: a process of the kind runs
 * but its fds could not be read (an agent not running as root).
 */
export function mqBySocket(
  unreadable: readonly { kind: MqKind; cmdline: string }[],
  tcp: readonly TcpListener[],
  owned: ReadonlySet<number>,
): DetectedService[] {
  const out: DetectedService[] = [];
  for (const kind of ["memcached", "rabbitmq", "nats"] as const) {
    const proc = unreadable.find((u) => u.kind === kind);
    if (!proc) continue;
    const ports = tcp.filter((l) => !owned.has(l.inode) && MQ_PORTS[kind].includes(l.port));
    const s = byPorts(kind, { pid: 0, cmdline: proc.cmdline }, ports);
    if (s) out.push({ ...s, how: "socket" });
  }
  return out;
}
