/**
 * Opening a TCP or Unix socket to a service within a timeout, shared by the Redis and
 * memcached clients: a connect that lands after its timeout is closed, never left open.
 */
import type { Socket } from "bun";
import { withTimeout } from "./timeout.ts";

/** Where to connect: `host:port`, `[v6]:port`, or a Unix socket path. */
export function socketTarget(
  address: string,
): { hostname: string; port: number } | { unix: string } {
  if (address.startsWith("/")) return { unix: address };
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  return { hostname: host, port: Number(address.slice(colon + 1)) };
}

/** Connects to `address` with `handlers`, failing after `timeoutMs`, naming the address. */
export async function connectWithin(
  address: string,
  handlers: object,
  timeoutMs: number,
): Promise<Socket<undefined>> {
  const connecting = (
    Bun.connect({ ...socketTarget(address), socket: handlers } as Parameters<
      typeof Bun.connect
    >[0]) as Promise<Socket<undefined>>
  ).catch((err: Error) => {
    throw new Error(`Cannot connect to ${address}: ${err.message}`);
  });
  let timedOut = false;
  const socket = await withTimeout(connecting, timeoutMs, `connect to ${address}`).catch((err) => {
    timedOut = true;
    throw err;
  });
  connecting.then(
    (s) => timedOut && s.end(),
    () => {},
  );
  return socket;
}
