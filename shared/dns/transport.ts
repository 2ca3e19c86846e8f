import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { isIP, type Socket, connect as tcpConnect } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import type { Logger } from "../log/log.ts";
import { decodeMessage, type Message, type Question, sameQuestion } from "./wire.ts";

/**
 * Sends one query and waits for its answer over UDP, TCP or TLS (RFC 7858), the way
 * miekg/dns's Client.Exchange does for blackbox_exporter: on UDP, datagrams that answer
 * another query (wrong id or question) are skipped; a datagram that cannot be decoded, or on
 * a stream an answer with the wrong id, fails the exchange. There is no retry over TCP
 * when a UDP answer is truncated.
 */

/** One exchange to make. */
export interface ExchangeOptions {
  protocol: "udp" | "tcp";
  /** TLS options for DNS over TLS (protocol tcp). */
  tls?: ConnectionOptions;
  address: string;
  family: 4 | 6;
  port: number;
  sourceAddress?: string;
  query: Uint8Array;
  id: number;
  /** The question asked, its name in canonical form. */
  question: Question;
  signal: AbortSignal;
  log: Logger;
}

/** What an exchange measured: blackbox_exporter's `connect` and `request` phases. */
export interface ExchangeResult {
  message?: Message;
  error?: Error;
  connectSeconds: number;
  requestSeconds: number;
}

/** Runs one exchange; never rejects (a failure is in `error`). */
export async function exchange(o: ExchangeOptions): Promise<ExchangeResult> {
  const started = performance.now();
  let sent = -1;
  const markSent = () => {
    sent = performance.now();
  };
  let message: Message | undefined;
  let error: Error | undefined;
  try {
    if (o.sourceAddress && isIP(o.sourceAddress) !== o.family)
      throw new Error(`source address ${o.sourceAddress} is not an IPv${o.family} address`);
    message = await (o.protocol === "udp" ? overUdp(o, markSent) : overStream(o, markSent));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const via = o.tls ? "tls" : o.protocol;
    error = new Error(
      `Cannot query DNS server ${joinHostPort(o.address, o.port)} over ${via}: ${reason}`,
    );
  }
  const ended = performance.now();
  // As in blackbox_exporter: the request phase runs from sending to the answer, and
  // everything before it (socket, TCP and TLS handshakes) is the connect phase.
  const requestSeconds = sent < 0 ? 0 : (ended - sent) / 1000;
  return {
    message,
    error,
    requestSeconds,
    connectSeconds: (ended - started) / 1000 - requestSeconds,
  };
}

/** Go's net.JoinHostPort: an IPv6 address in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Settles once: with the answer, an error or the signal's abort. `close` releases the
 * socket whichever comes first.
 */
function settle<T>(
  signal: AbortSignal,
  close: () => void,
  run: (done: (err: Error | null, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (err: Error | null, value?: T) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      close();
      if (err) reject(err);
      else resolve(value as T);
    };
    const onAbort = () =>
      done(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    run(done);
  });
}

function overUdp(o: ExchangeOptions, markSent: () => void): Promise<Message> {
  const socket: UdpSocket = createSocket({ type: o.family === 6 ? "udp6" : "udp4" });
  const close = () => {
    try {
      socket.close();
    } catch {
      // Already closed.
    }
  };
  return settle<Message>(o.signal, close, (done) => {
    socket.on("error", (err) => done(err));
    socket.on("message", (datagram: Buffer) => {
      let answer: Message;
      try {
        answer = decodeMessage(new Uint8Array(datagram));
      } catch (err) {
        return done(err as Error);
      }
      if (answer.id === o.id && sameQuestion(o.question, answer)) return done(null, answer);
      // Most likely a late answer to an earlier query from the same port: keep waiting.
      o.log.debug("Ignoring a DNS answer to another query", { id: answer.id, want: o.id });
    });
    const send = () =>
      socket.connect(o.port, o.address, () => {
        markSent();
        try {
          socket.send(o.query, (err) => err && done(err));
        } catch (err) {
          done(err as Error); // a socket that did not connect after all
        }
      });
    if (o.sourceAddress) socket.bind({ address: o.sourceAddress, port: 0 }, send);
    else send();
  });
}

function overStream(o: ExchangeOptions, markSent: () => void): Promise<Message> {
  const options = { host: o.address, port: o.port, localAddress: o.sourceAddress };
  const socket: Socket = o.tls ? tlsConnect({ ...o.tls, ...options }) : tcpConnect(options);
  return settle<Message>(
    o.signal,
    () => socket.destroy(),
    (done) => {
      const chunks: Buffer[] = [];
      let received = 0;
      socket.on("error", (err) => done(err));
      socket.on("close", () =>
        done(new Error(`connection closed after ${received} bytes of the answer`)),
      );
      socket.once(o.tls ? "secureConnect" : "connect", () => {
        markSent();
        const frame = Buffer.alloc(2 + o.query.length);
        frame.writeUInt16BE(o.query.length, 0);
        frame.set(o.query, 2);
        socket.write(frame);
      });
      socket.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received < 2) return;
        const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        chunks.splice(0, chunks.length, all);
        const length = all.readUInt16BE(0);
        if (received < 2 + length) return;
        try {
          const answer = decodeMessage(new Uint8Array(all.subarray(2, 2 + length)));
          if (answer.id !== o.id)
            return done(new Error(`answer id ${answer.id} is not query id ${o.id}`));
          if (!sameQuestion(o.question, answer))
            return done(new Error("the answer is to another question"));
          done(null, answer);
        } catch (err) {
          done(err as Error);
        }
      });
    },
  );
}
