/**
 * The ICMP worker thread: opens a socket per ping, sends the echo request and waits for
 * replies with poll() on all open sockets at once, so that the agent's main thread never
 * blocks. poll() also watches an eventfd that the main thread writes after each message, and
 * the worker returns to its event loop after every poll so that messages are delivered;
 * while the shared `posted` counter is ahead of what it has received it polls without waiting.
 */
import { ptr } from "bun:ffi";
import { C, libc } from "./libc.ts";
import {
  type EchoKey,
  echoPayload,
  echoRequest,
  icmpOffset,
  ipv4Ttl,
  isEchoReply,
} from "./packet.ts";
import type { FromWorker, PingRequest, PingResult, ToWorker } from "./protocol.ts";
import { RealtimeClock, Receiver } from "./receive.ts";
import {
  type IcmpSocket,
  openIcmpSocket,
  SocketError,
  samePeer,
  sendTo,
  sockaddr,
} from "./socket.ts";

declare const self: Worker;

interface Pending {
  id: number;
  socket: IcmpSocket;
  key: EchoKey;
  dest: Uint8Array;
  setupSeconds: number;
  /** performance.now() when sent, and CLOCK_REALTIME to compare with kernel timestamps. */
  sentAt: number;
  sentSeconds: number;
  sentNanos: number;
  expiresAt: number;
}

/** Echo id of raw sockets, random per process so that two agents on one host do not collide. */
const ECHO_ID = Math.floor(Math.random() * 0x10000);
let sequence = Math.floor(Math.random() * 0x10000);

const byId = new Map<number, Pending>();
const receiver = new Receiver();
const clock = new RealtimeClock();
const wakeCount = new BigUint64Array(1);
let wakeFd = -1;
let posted: Int32Array<ArrayBufferLike> = new Int32Array(1);
let received = 0;
let scheduled = false;
let pollBuf = new ArrayBuffer(8 * 16);

self.onmessage = (event: MessageEvent<ToWorker>) => {
  received++;
  const m = event.data;
  if (m.type === "init") {
    wakeFd = m.wakeFd;
    posted = m.posted;
  } else if (m.type === "ping") {
    start(m.id, m.request, m.maxWaitMs);
  } else {
    const p = byId.get(m.id);
    if (p) finish(p, "timeout", 0, -1, undefined, false);
  }
  schedule();
};

function post(message: FromWorker): void {
  postMessage(message);
}

function start(id: number, req: PingRequest, maxWaitMs: number): void {
  const started = performance.now();
  let socket: IcmpSocket | undefined;
  try {
    socket = openIcmpSocket(req);
    const dest = sockaddr(req.family, req.address);
    sequence = (sequence + 1) & 0xffff;
    const payload = echoPayload(req.payloadSize);
    const key: EchoKey = {
      family: req.family,
      raw: socket.raw,
      id: ECHO_ID,
      seq: sequence,
      payload,
    };
    const message = echoRequest(key);
    const setupSeconds = (performance.now() - started) / 1000;
    clock.read();
    const sentAt = performance.now();
    sendTo(socket.fd, message, dest);
    const { seconds: sentSeconds, nanos: sentNanos } = clock;
    const expiresAt = sentAt + maxWaitMs;
    const pending = {
      id,
      socket,
      key,
      dest,
      setupSeconds,
      sentAt,
      sentSeconds,
      sentNanos,
      expiresAt,
    };
    byId.set(id, pending);
    post({ type: "sent", id, setupSeconds, raw: socket.raw });
  } catch (error) {
    if (socket) libc().close(socket.fd);
    const denied = error instanceof SocketError && error.denied;
    const result: PingResult = {
      outcome: denied ? "denied" : "error",
      setupSeconds: (performance.now() - started) / 1000,
      rttSeconds: 0,
      hopLimit: -1,
      raw: socket?.raw ?? false,
      message: (error as Error).message,
    };
    post({ type: "done", id, result });
  }
}

function finish(
  p: Pending,
  outcome: PingResult["outcome"],
  rttSeconds: number,
  hopLimit: number,
  message: string | undefined,
  notify = true,
): void {
  byId.delete(p.id);
  libc().close(p.socket.fd);
  if (!notify) return;
  const result: PingResult = {
    outcome,
    setupSeconds: p.setupSeconds,
    rttSeconds,
    hopLimit,
    raw: p.socket.raw,
    message,
  };
  post({ type: "done", id: p.id, result });
}

function schedule(): void {
  if (scheduled || byId.size === 0) return;
  scheduled = true;
  setImmediate(pump);
}

/** One round: wait for any socket (or the wake-up eventfd), read what arrived, expire the late. */
function pump(): void {
  scheduled = false;
  try {
    const pending = [...byId.values()];
    if (pending.length === 0) return;
    const ready = waitReadable(pending);
    const now = performance.now();
    for (let i = 0; i < pending.length; i++) if (ready[i]) drain(pending[i], now);
    for (const p of pending)
      if (byId.has(p.id) && now >= p.expiresAt) finish(p, "timeout", 0, -1, undefined);
  } catch (error) {
    for (const p of byId.values())
      finish(p, "error", 0, -1, `Cannot wait for ICMP replies: ${(error as Error).message}`);
  }
  schedule();
}

/** poll() on the sockets and the eventfd; which sockets are readable, by index. */
function waitReadable(pending: Pending[]): boolean[] {
  const count = pending.length + 1;
  if (pollBuf.byteLength < count * 8) pollBuf = new ArrayBuffer(count * 16);
  const fds = new Int32Array(pollBuf);
  const revents = new Int16Array(pollBuf);
  let next = Number.POSITIVE_INFINITY;
  pending.forEach((p, i) => {
    fds[2 * i] = p.socket.fd;
    fds[2 * i + 1] = C.POLLIN;
    next = Math.min(next, p.expiresAt);
  });
  fds[2 * pending.length] = wakeFd;
  fds[2 * pending.length + 1] = C.POLLIN;
  const behind = Atomics.load(posted, 0) !== received;
  const wait = behind ? 0 : Math.min(1000, Math.max(0, Math.ceil(next - performance.now())));
  const n = libc().poll(ptr(fds), wakeFd >= 0 ? count : count - 1, wait);
  if (n > 0 && revents[4 * pending.length + 3] !== 0) libc().read(wakeFd, ptr(wakeCount), 8);
  return pending.map((_, i) => n > 0 && revents[4 * i + 3] !== 0);
}

/** Reads every datagram waiting on `p`'s socket; finishes `p` on its reply. */
function drain(p: Pending, now: number): void {
  // Bounded: a socket that keeps reporting errors must not hold the worker.
  for (let i = 0; i < 64; i++) {
    const got = receiver.receive(p.socket.fd);
    if (got === "empty") return;
    if (got === "error") continue;
    const { data, length } = receiver;
    if (!samePeer(receiver.name, p.dest) || !isEchoReply(p.key, data, length)) continue;
    let hops = receiver.hopLimit;
    if (hops < 0 && icmpOffset(p.key, data, length) > 0) hops = ipv4Ttl(data);
    finish(p, "reply", roundTrip(p, now), hops, undefined);
    return;
  }
}

/**
 * Seconds from sending to the kernel's receive timestamp of the reply, which leaves out how
 * long the reply waited for this thread; the time until it was read when there is no
 * timestamp, or when the wall clock was stepped in between.
 */
function roundTrip(p: Pending, now: number): number {
  const read = (now - p.sentAt) / 1000;
  if (receiver.stampSeconds < 0) return read;
  const stamped = receiver.stampSeconds - p.sentSeconds + (receiver.stampNanos - p.sentNanos) / 1e9;
  return stamped > 0 && stamped <= read ? stamped : read;
}
