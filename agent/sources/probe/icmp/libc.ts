/**
 * The few libc calls the ICMP prober needs, through bun:ffi: Bun has no raw or ICMP sockets.
 * Opened lazily so that an agent without ICMP modules (or on a libc other than glibc) never
 * loads it. Struct layouts in socket.ts assume Linux LP64 (x86_64, aarch64).
 */
import { dlopen, read, FFIType as T } from "bun:ffi";

/** Linux constants (identical on x86_64 and aarch64). */
export const C = {
  AF_INET: 2,
  AF_INET6: 10,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  IPPROTO_IP: 0,
  IPPROTO_ICMP: 1,
  IPPROTO_IPV6: 41,
  IPPROTO_ICMPV6: 58,
  SOL_SOCKET: 1,
  SOL_RAW: 255,
  SO_TIMESTAMPNS: 35,
  CLOCK_REALTIME: 0,
  IP_TTL: 2,
  IP_MTU_DISCOVER: 10,
  IP_PMTUDISC_DO: 2,
  IP_RECVTTL: 12,
  ICMP_FILTER: 1,
  ICMP6_FILTER: 1,
  IPV6_UNICAST_HOPS: 16,
  IPV6_RECVHOPLIMIT: 51,
  IPV6_HOPLIMIT: 52,
  POLLIN: 1,
  EFD_NONBLOCK: 0o4000,
  EFD_CLOEXEC: 0o2000000,
  EPERM: 1,
  EINTR: 4,
  EAGAIN: 11,
  EACCES: 13,
} as const;

const symbols = {
  socket: { args: [T.i32, T.i32, T.i32], returns: T.i32 },
  setsockopt: { args: [T.i32, T.i32, T.i32, T.ptr, T.u32], returns: T.i32 },
  bind: { args: [T.i32, T.ptr, T.u32], returns: T.i32 },
  sendto: { args: [T.i32, T.ptr, T.u64, T.i32, T.ptr, T.u32], returns: T.i64 },
  recvmsg: { args: [T.i32, T.ptr, T.i32], returns: T.i64 },
  poll: { args: [T.ptr, T.u64, T.i32], returns: T.i32 },
  close: { args: [T.i32], returns: T.i32 },
  eventfd: { args: [T.u32, T.i32], returns: T.i32 },
  read: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
  write: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
  inet_pton: { args: [T.i32, T.ptr, T.ptr], returns: T.i32 },
  if_nametoindex: { args: [T.ptr], returns: T.u32 },
  clock_gettime: { args: [T.i32, T.ptr], returns: T.i32 },
  strerror: { args: [T.i32], returns: T.cstring },
  __errno_location: { args: [], returns: T.ptr },
} as const;

type Libc = ReturnType<typeof dlopen<typeof symbols>>["symbols"];

let loaded: Libc | null = null;

/** The libc functions; throws "Cannot load libc: …" when they are unavailable. */
export function libc(): Libc {
  if (loaded) return loaded;
  if (process.platform !== "linux" || !["x64", "arm64"].includes(process.arch)) {
    throw new Error(
      `Cannot load libc: ICMP probes need Linux on x64 or arm64, not ${process.platform}/${process.arch}`,
    );
  }
  try {
    loaded = dlopen("libc.so.6", symbols).symbols;
  } catch (error) {
    throw new Error(`Cannot load libc: ${(error as Error).message}`);
  }
  return loaded;
}

/** errno of this thread's last failed libc call; read right after the call. */
export function errno(): number {
  const at = libc().__errno_location();
  return at === null ? 0 : read.i32(at, 0);
}

/** The C library's text for an errno value, lower-cased like Go's ("permission denied"). */
export function errnoText(code: number): string {
  const text = String(libc().strerror(code));
  return text.charAt(0).toLowerCase() + text.slice(1);
}
