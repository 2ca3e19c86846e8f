import type { EventEmitter } from "node:events";
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";
import { type ProbeTlsConfig, tlsOptions } from "../tls.ts";

/**
 * The moments of one request/response exchange (`performance.now()`, 0 when not reached),
 * named after Go's httptrace hooks that blackbox_exporter records.
 */
export interface HopTrace {
  tls: boolean;
  start: number;
  dnsDone: number;
  connectDone: number;
  tlsStart: number;
  tlsDone: number;
  gotConn: number;
  responseStart: number;
  end: number;
}

/** A trace for an exchange starting now. */
export function newTrace(tls: boolean): HopTrace {
  const now = performance.now();
  return {
    tls,
    start: now,
    dnsDone: 0,
    connectDone: 0,
    tlsStart: 0,
    tlsDone: 0,
    gotConn: 0,
    responseStart: 0,
    end: 0,
  };
}

/**
 * Every socket a probe opens, destroyed together when the probe ends or its signal aborts,
 * so that a timeout never leaves a connection behind.
 */
export class Connections {
  private readonly open = new Set<Socket>();
  private readonly onAbort = () => this.closeAll(this.signal.reason);

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Tracks a socket; errors surface through reads and waits, never as unhandled events. */
  add<S extends Socket>(socket: S): S {
    socket.on("error", () => {});
    this.open.add(socket);
    if (this.signal.aborted) socket.destroy(this.signal.reason);
    return socket;
  }

  /** Destroys every socket (with `reason` as their error) and stops listening to the signal. */
  closeAll(reason?: unknown): void {
    this.signal.removeEventListener("abort", this.onAbort);
    for (const socket of this.open) socket.destroy(reason instanceof Error ? reason : undefined);
    this.open.clear();
  }
}

/** Where and how to connect for one exchange. */
export interface Dial {
  address: string;
  family: 4 | 6;
  port: number;
  /** Set for https: the name to send as SNI and to verify the certificate against. */
  tls?: { config: ProbeTlsConfig; name: string };
}

/**
 * Connects (and for https shakes hands, offering only http/1.1 by ALPN), filling in the
 * trace's connect and TLS moments.
 */
export async function dial(d: Dial, trace: HopTrace, conns: Connections): Promise<Socket> {
  const tcp = conns.add(
    connectTcp({ host: d.address, port: d.port, family: d.family, noDelay: true }),
  );
  await settled(tcp, "connect");
  trace.connectDone = performance.now();
  if (!d.tls) {
    trace.gotConn = trace.connectDone;
    return tcp;
  }
  trace.tlsStart = performance.now();
  const options = tlsOptions(d.tls.config, d.tls.name);
  const secure: TLSSocket = conns.add(
    connectTls({
      ...options,
      socket: tcp,
      // Node checks the certificate against `host` when no SNI is sent (IP addresses).
      host: d.tls.config.server_name ?? d.tls.name,
      ALPNProtocols: ["http/1.1"],
    }),
  );
  await settled(secure, "secureConnect");
  trace.tlsDone = performance.now();
  trace.gotConn = trace.tlsDone;
  return secure;
}

/** Resolves on `event`; rejects on an error or when the socket closes first. */
function settled(emitter: EventEmitter, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      emitter.off(event, onEvent);
      emitter.off("error", onError);
      emitter.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onEvent = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error("connection closed"));
    emitter.on(event, onEvent);
    emitter.on("error", onError);
    emitter.on("close", onClose);
  });
}
