import { checkServerIdentity, type DetailedPeerCertificate } from "node:tls";
import type { Socket, SocketHandler, TLSOptions } from "bun";
import type { TlsFacts } from "../tls.ts";

/**
 * Why Bun's native sockets and not node:net: with 100 targets every 15 s the prober used
 * 1.2–1.5 % of a core, and a profile put half of it in node:net's stream writes and most of
 * the rest in its connect and close. A bare connect, write and read-to-close cost 0.76 % of a
 * core through node:net and 0.41 % through `Bun.connect` on the same machine.
 */

/** Pause reading above this many unread bytes; resume below half of it. */
const HIGH_WATER = 1 << 20;

/** Bun's options plus the protocol bounds it accepts as TLS version codes (0x0303 = TLS 1.2). */
export type BunTlsOptions = TLSOptions & { minVersion?: number; maxVersion?: number };

/** How to secure a connection, and whom its certificate must name. */
export interface TlsSpec {
  options: BunTlsOptions;
  /** The name (or IP) the certificate must cover: server_name, else the host. */
  verifyName: string;
  /** False with insecure_skip_verify: any certificate is accepted. */
  verify: boolean;
}

/** What writeTlsMetrics reads from a TLS connection, captured when the handshake completed. */
export type { TlsFacts };

/** Bun's getPeerCertificate takes "abbreviated", the opposite of node's "detailed". */
interface BunPeer {
  getPeerCertificate(abbreviated: boolean): DetailedPeerCertificate | null;
}

/** One set of handlers for every connection; each socket's `data` is its Conn. */
const HANDLERS: SocketHandler<Conn> = {
  open: (s) => s.data.onOpen(s),
  handshake: (s, _success, error) => s.data.onHandshake(s, error),
  data: (s, chunk) => s.data.onData(s, chunk),
  drain: (s) => s.data.onDrain(s),
  end: (s) => s.data.onEnd(),
  close: (s, error) => s.data.onClose(error),
  error: (s, error) => s.data.fail(error),
  connectError: (s, error) => s.data.fail(error),
};

/**
 * One client connection over `Bun.connect`: records when it opened and when its TLS handshake
 * completed, verifies the certificate as node:tls would, queues what arrives for one reader
 * and pauses the socket while too much is unread. Failures surface through the waits and
 * reads, never as events.
 */
export class Conn {
  /** `performance.now()` at TCP connect; 0 until then. */
  openedAt = 0;
  /** `performance.now()` when the TLS handshake completed and passed verification; 0 until then. */
  securedAt = 0;
  /** The TLS facts, once secured; null for plain connections. */
  tls: TlsFacts | null = null;
  private socket: Socket<Conn> | undefined;
  private spec: TlsSpec | undefined;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private paused = false;
  private unsent: Buffer | undefined;
  /** No more bytes will arrive. */
  private done = false;
  private closed = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  /**
   * Starts connecting to an IP address (no lookup happens here); does nothing once closed.
   * No setNoDelay: Bun already sets TCP_NODELAY on every connection (seen with strace).
   */
  connect(hostname: string, port: number, tls?: TlsSpec): void {
    if (this.closed) return;
    this.spec = tls;
    const options = { hostname, port, data: this, socket: HANDLERS, tls: tls?.options };
    Bun.connect<Conn>(options).catch((error: Error) => this.fail(error));
  }

  /** Resolves once connected; rejects when the connection fails or closes first. */
  async opened(): Promise<void> {
    while (this.openedAt === 0) await this.next();
  }

  /** Resolves once the TLS handshake completed and the certificate passed verification. */
  async secured(): Promise<void> {
    while (this.securedAt === 0) await this.next();
  }

  /** Sends bytes, the rest later if the socket takes only part; errors surface through reads. */
  write(bytes: Buffer): void {
    this.unsent = this.unsent ? Buffer.concat([this.unsent, bytes]) : bytes;
    if (this.socket) this.flush(this.socket);
  }

  /** The next chunk received, or null at the end of the stream; rejects with what broke it. */
  async read(): Promise<Buffer | null> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error("connection closed");
      if (this.done) return null;
      await this.event();
    }
    const chunk = this.queue.shift() as Buffer;
    this.queued -= chunk.length;
    if (this.paused && this.queued < HIGH_WATER / 2) {
      this.paused = false;
      this.socket?.resume();
    }
    return chunk;
  }

  /** Closes the connection; waits and reads fail with `reason` (or "connection closed"). */
  close(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    // No Error unless a read needs one: building its stack at every probe's end showed in profiles.
    this.failure ??= reason;
    this.queue.length = 0;
    this.socket?.end();
    this.notify();
  }

  /** Records a failure (connect error, TLS error) and closes. */
  fail(error: Error): void {
    this.failure ??= error;
    this.close();
  }

  // Socket events, called through HANDLERS.

  onOpen(s: Socket<Conn>): void {
    this.socket = s;
    if (this.closed) {
      s.end();
      return;
    }
    this.openedAt = performance.now();
    this.notify();
  }

  onHandshake(s: Socket<Conn>, error: Error | null): void {
    const spec = this.spec;
    if (this.closed || !spec) return;
    const chain = (s as unknown as BunPeer).getPeerCertificate(false);
    // Bun reports a failed handshake and a failed verification through the same callback;
    // only a handshake that failed ends without the server's certificate.
    if (!chain?.raw) {
      this.fail(error ?? new Error("TLS handshake failed"));
      return;
    }
    const refusal = verification(error, spec.verifyName, chain);
    if (refusal && spec.verify) {
      this.fail(refusal);
      return;
    }
    const version = s.getTLSVersion();
    this.tls = {
      authorized: refusal === undefined,
      getPeerCertificate: () => chain,
      getProtocol: () => version,
    };
    this.securedAt = performance.now();
    this.notify();
  }

  onData(s: Socket<Conn>, chunk: Buffer): void {
    if (this.closed) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (!this.paused && this.queued >= HIGH_WATER) {
      this.paused = true;
      s.pause();
    }
    this.notify();
  }

  onDrain(s: Socket<Conn>): void {
    if (this.unsent) this.flush(s);
  }

  onEnd(): void {
    this.done = true;
    this.notify();
  }

  onClose(error?: Error): void {
    this.socket = undefined;
    if (error && !this.done) this.failure ??= error;
    this.done = true;
    this.notify();
  }

  private flush(s: Socket<Conn>): void {
    const bytes = this.unsent as Buffer;
    const sent = Math.max(0, s.write(bytes));
    this.unsent = sent < bytes.length ? bytes.subarray(sent) : undefined;
  }

  /** Waits for the next event, failing if the connection already failed or ended. */
  private async next(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.done || this.closed) throw new Error("connection closed");
    await this.event();
  }

  /** One waiter at a time: a connection has a single reader. */
  private event(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * Why a certificate is refused, as node:tls decides it: the chain first, then the name. Bun
 * checks the name against the address it connected to, while node and Go check server_name or
 * the URL's host, so Bun's name error is set aside and the name is checked here.
 */
function verification(
  error: Error | null,
  name: string,
  cert: DetailedPeerCertificate,
): Error | undefined {
  if (error && (error as { code?: string }).code !== "ERR_TLS_CERT_ALTNAME_INVALID") return error;
  return checkServerIdentity(name, cert);
}
