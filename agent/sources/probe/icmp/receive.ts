/**
 * recvmsg() with preallocated buffers: one datagram at a time, its sender, and the control
 * messages with its TTL / hop limit (IP_TTL, IPV6_HOPLIMIT) and the kernel's receive time
 * (SO_TIMESTAMPNS). Used by the worker thread only.
 */
import { type Pointer, ptr } from "bun:ffi";
import { C, errno, libc } from "./libc.ts";

/** The largest ICMP message with its IPv4 header. */
const MAX_DATAGRAM = 65_536;
const CONTROL_SIZE = 128;
const NAME_SIZE = 28;

/**
 * Outcome of one {@link Receiver.receive} call: a datagram is in `data[0, length)` with its
 * sender in `name`; nothing more to read now; or the socket reported an error (an ICMP error
 * about an earlier send), after which it can be read again.
 */
export type Received = "datagram" | "empty" | "error";

/** Reads datagrams from non-blocking sockets into buffers it owns and reuses. */
export class Receiver {
  /** The last datagram read. */
  readonly data = new Uint8Array(new ArrayBuffer(MAX_DATAGRAM));
  /** Its sender: a sockaddr_in or sockaddr_in6. */
  readonly name = new Uint8Array(new ArrayBuffer(NAME_SIZE));
  /** Its length. */
  length = 0;
  /** Its TTL / hop limit, or -1 when the kernel did not say. */
  hopLimit = -1;
  /** When the kernel received it (CLOCK_REALTIME): seconds, and nanoseconds; seconds -1 when unknown. */
  stampSeconds = -1;
  stampNanos = 0;

  private readonly control = new Uint8Array(new ArrayBuffer(CONTROL_SIZE));
  private readonly controlView = new DataView(this.control.buffer);
  private readonly header = new DataView(new ArrayBuffer(56));
  private readonly iov = new DataView(new ArrayBuffer(16));
  private readonly headerPtr: Pointer;

  constructor() {
    // struct iovec { void *base; size_t len; }
    this.iov.setBigUint64(0, BigInt(ptr(this.data)), true);
    this.iov.setBigUint64(8, BigInt(MAX_DATAGRAM), true);
    // struct msghdr: name, namelen, iov, iovlen, control, controllen, flags.
    this.header.setBigUint64(0, BigInt(ptr(this.name)), true);
    this.header.setBigUint64(16, BigInt(ptr(this.iov)), true);
    this.header.setBigUint64(24, 1n, true);
    this.header.setBigUint64(32, BigInt(ptr(this.control)), true);
    this.headerPtr = ptr(this.header);
  }

  /** Reads one datagram from `fd`. */
  receive(fd: number): Received {
    this.header.setUint32(8, NAME_SIZE, true);
    this.header.setBigUint64(40, BigInt(CONTROL_SIZE), true);
    const n = Number(libc().recvmsg(fd, this.headerPtr, 0));
    if (n < 0) {
      const code = errno();
      return code === C.EAGAIN ? "empty" : "error";
    }
    this.length = n;
    this.readControl();
    return "datagram";
  }

  /** Walks the control messages (struct cmsghdr: len, level, type, data at 16). */
  private readControl(): void {
    this.hopLimit = -1;
    this.stampSeconds = -1;
    const used = Number(this.header.getBigUint64(40, true));
    const view = this.controlView;
    for (let at = 0; at + 16 <= used; ) {
      const len = Number(view.getBigUint64(at, true));
      if (len < 16) break;
      const level = view.getInt32(at + 8, true);
      const type = view.getInt32(at + 12, true);
      const isTtl = level === C.IPPROTO_IP && type === C.IP_TTL;
      const isHops = level === C.IPPROTO_IPV6 && type === C.IPV6_HOPLIMIT;
      if ((isTtl || isHops) && len >= 20) this.hopLimit = view.getInt32(at + 16, true);
      if (level === C.SOL_SOCKET && type === C.SO_TIMESTAMPNS && len >= 32) {
        this.stampSeconds = Number(view.getBigInt64(at + 16, true));
        this.stampNanos = Number(view.getBigInt64(at + 24, true));
      }
      at += (len + 7) & ~7;
    }
  }
}

/** CLOCK_REALTIME as [seconds, nanoseconds]: the clock of the kernel's receive timestamps. */
export class RealtimeClock {
  private readonly spec = new BigInt64Array(2);
  private readonly specPtr = ptr(this.spec);
  seconds = 0;
  nanos = 0;

  /** Reads the clock into `seconds` and `nanos`. */
  read(): void {
    libc().clock_gettime(C.CLOCK_REALTIME, this.specPtr);
    this.seconds = Number(this.spec[0]);
    this.nanos = Number(this.spec[1]);
  }
}
