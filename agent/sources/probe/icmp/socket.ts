/**
 * ICMP sockets through libc, for the worker thread. An unprivileged datagram socket is tried
 * first (allowed when the process's group is in net.ipv4.ping_group_range; the kernel then
 * owns the echo id), then a raw socket (CAP_NET_RAW), as blackbox_exporter does. Sockets are
 * non-blocking: the worker waits for them with poll().
 */
import { ptr } from "bun:ffi";
import { C, errno, errnoText, libc } from "./libc.ts";

/** What a socket needs to know before the echo request is sent. */
export interface SocketOptions {
  family: 4 | 6;
  /** Address to send from (`source_ip_address`); any when unset. */
  source?: string;
  /** TTL / hop limit of the request; the system default when 0. */
  ttl: number;
  /** Set the IPv4 Don't Fragment bit. */
  dontFragment: boolean;
}

/** An open ICMP socket. */
export interface IcmpSocket {
  fd: number;
  /** true for SOCK_RAW, false for the unprivileged SOCK_DGRAM. */
  raw: boolean;
}

/** A libc call failed; `denied` when the reason is a missing permission (EPERM/EACCES). */
export class SocketError extends Error {
  constructor(
    message: string,
    readonly denied = false,
  ) {
    super(message);
  }
}

/** Opens and configures a non-blocking ICMP socket of `opts.family`; throws {@link SocketError}. */
export function openIcmpSocket(opts: SocketOptions): IcmpSocket {
  const v4 = opts.family === 4;
  const domain = v4 ? C.AF_INET : C.AF_INET6;
  const proto = v4 ? C.IPPROTO_ICMP : C.IPPROTO_ICMPV6;
  const flags = C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
  const lc = libc();
  let raw = false;
  let fd = lc.socket(domain, C.SOCK_DGRAM | flags, proto);
  const dgramErrno = fd < 0 ? errno() : 0;
  if (fd < 0) {
    raw = true;
    fd = lc.socket(domain, C.SOCK_RAW | flags, proto);
  }
  if (fd < 0) {
    const code = errno();
    if (isDenied(code) && isDenied(dgramErrno)) {
      throw new SocketError("Cannot open an ICMP socket: permission denied", true);
    }
    throw new SocketError(`Cannot open an ICMP socket: ${errnoText(code)}`);
  }
  try {
    configure(fd, raw, opts);
  } catch (error) {
    lc.close(fd);
    throw error;
  }
  return { fd, raw };
}

function isDenied(code: number): boolean {
  return code === C.EPERM || code === C.EACCES;
}

function configure(fd: number, raw: boolean, opts: SocketOptions): void {
  const v4 = opts.family === 4;
  // Kernel receive timestamps keep the RTT exact when the worker reads a reply late.
  setInt(fd, C.SOL_SOCKET, C.SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
  if (opts.source) {
    const local = sockaddr(opts.family, opts.source);
    if (libc().bind(fd, ptr(local), local.length) < 0) {
      throw new SocketError(`Cannot bind the ICMP socket to ${opts.source}: ${errnoText(errno())}`);
    }
  }
  if (v4) {
    setInt(fd, C.IPPROTO_IP, C.IP_RECVTTL, 1, "IP_RECVTTL");
    if (opts.ttl > 0) setInt(fd, C.IPPROTO_IP, C.IP_TTL, opts.ttl, "IP_TTL");
    if (opts.dontFragment) {
      setInt(fd, C.IPPROTO_IP, C.IP_MTU_DISCOVER, C.IP_PMTUDISC_DO, "IP_MTU_DISCOVER");
    }
    // A raw socket sees all ICMP traffic of the host: let only echo replies (type 0) through.
    if (raw) setInt(fd, C.SOL_RAW, C.ICMP_FILTER, ~1, "ICMP_FILTER");
  } else {
    setInt(fd, C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
    if (opts.ttl > 0)
      setInt(fd, C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, opts.ttl, "IPV6_UNICAST_HOPS");
    if (raw) setOption(fd, C.IPPROTO_ICMPV6, C.ICMP6_FILTER, passOnly(129), "ICMP6_FILTER");
  }
}

/** An icmp6_filter that blocks every ICMPv6 type but `type`. */
function passOnly(type: number): Uint8Array {
  const words = new Uint32Array(8).fill(0xffffffff);
  words[type >> 5] &= ~(1 << (type & 31));
  return new Uint8Array(words.buffer);
}

const intBuf = new Int32Array(1);

function setInt(fd: number, level: number, name: number, value: number, what: string): void {
  intBuf[0] = value;
  setOption(fd, level, name, new Uint8Array(intBuf.buffer), what);
}

function setOption(fd: number, level: number, name: number, value: Uint8Array, what: string) {
  if (libc().setsockopt(fd, level, name, ptr(value), value.length) < 0) {
    throw new SocketError(`Cannot set ${what} on the ICMP socket: ${errnoText(errno())}`);
  }
}

/**
 * A sockaddr_in or sockaddr_in6 (port 0) for an IP literal; an IPv6 zone (`fe80::1%eth0`)
 * becomes the scope id.
 */
export function sockaddr(family: 4 | 6, address: string): Uint8Array {
  const [host, zone] = address.split("%", 2);
  const out = new Uint8Array(family === 4 ? 16 : 28);
  const view = new DataView(out.buffer);
  view.setUint16(0, family === 4 ? C.AF_INET : C.AF_INET6, true);
  const at = family === 4 ? 4 : 8;
  const text = Buffer.from(`${host}\0`);
  const domain = family === 4 ? C.AF_INET : C.AF_INET6;
  if (libc().inet_pton(domain, ptr(text), ptr(out.subarray(at))) !== 1) {
    throw new SocketError(`Cannot use "${address}" as an IPv${family} address`);
  }
  if (family === 6 && zone) {
    const index = /^\d+$/.test(zone)
      ? Number(zone)
      : libc().if_nametoindex(ptr(Buffer.from(`${zone}\0`)));
    if (index === 0) throw new SocketError(`Cannot use "${address}": no interface "${zone}"`);
    view.setUint32(24, index, true);
  }
  return out;
}

/** Sends `message` to `dest` (a {@link sockaddr}); throws {@link SocketError}. */
export function sendTo(fd: number, message: Uint8Array, dest: Uint8Array): void {
  const sent = libc().sendto(fd, ptr(message), message.length, 0, ptr(dest), dest.length);
  if (Number(sent) < 0) {
    throw new SocketError(`Cannot send the ICMP echo request: ${errnoText(errno())}`);
  }
}

/** Whether the peer address in `name` (as recvmsg filled it) is the one in `dest`. */
export function samePeer(name: Uint8Array, dest: Uint8Array): boolean {
  const [from, to] = dest.length === 16 ? [4, 8] : [8, 24];
  for (let i = from; i < to; i++) if (name[i] !== dest[i]) return false;
  return true;
}
