import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";
import { type ProbeTlsConfig, tlsOptions } from "../tls.ts";

/** Where and how to connect. */
export interface DialTarget {
  /** The resolved IP address. */
  address: string;
  family: 4 | 6;
  port: number;
  /** The host as written in the target: the TLS server name unless tls_config sets one. */
  host: string;
  /** `source_ip_address`, when set. */
  source?: string;
}

/** Connects over TCP, or TLS when `tls` is given; rejects with a "Cannot connect …" error. */
export function dial(
  target: DialTarget,
  tls: ProbeTlsConfig | null,
  signal: AbortSignal,
): Promise<Socket | TLSSocket> {
  const where = `${target.family === 6 ? `[${target.address}]` : target.address}:${target.port}`;
  const common = {
    host: target.address,
    port: target.port,
    family: target.family,
    localAddress: target.source,
  };
  const socket = tls
    ? connectTls({ ...common, ...tlsOptions(tls, target.host) })
    : connectTcp(common);
  const ready = tls ? "secureConnect" : "connect";
  return established(socket, ready, `Cannot connect to ${where}`, signal);
}

/** Upgrades a connected socket to TLS (a `starttls` step); rejects with a "Cannot start TLS …" error. */
export function startTls(
  socket: Socket,
  target: DialTarget,
  tls: ProbeTlsConfig,
  signal: AbortSignal,
): Promise<TLSSocket> {
  const upgraded = connectTls({ socket, host: target.address, ...tlsOptions(tls, target.host) });
  return established(upgraded, "secureConnect", "Cannot start TLS", signal);
}

/**
 * Resolves with `socket` once it emits `ready`; on an error or the probe's timeout first,
 * destroys it and rejects.
 */
function established<S extends Socket>(
  socket: S,
  ready: string,
  action: string,
  signal: AbortSignal,
): Promise<S> {
  // Errors are reported through this promise and the LineReader; this keeps a late one (after
  // the probe ended) from being an uncaught 'error' event that stops the agent.
  socket.on("error", () => {});
  return new Promise<S>((resolve, reject) => {
    const settle = (error: Error | null) => {
      socket.off(ready, onReady);
      socket.off("error", onError);
      signal.removeEventListener("abort", onAbort);
      if (!error) return resolve(socket);
      socket.destroy();
      reject(new Error(`${action}: ${error.message}`));
    };
    const onReady = () => settle(null);
    const onError = (error: Error) => settle(error);
    const onAbort = () => settle(new Error("timed out"));
    socket.once(ready, onReady);
    socket.once("error", onError);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}
