/** Listen addresses as Bun.serve and Prometheus's listen flags take them. */

/** `host:port`, `[v6]:port` or `:port`. */
const LISTEN = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]*):(\d{1,5})$/;

/** True for `host:port`, `[v6]:port` or `:port` with a valid port. */
export function isListenAddress(text: string): boolean {
  const match = LISTEN.exec(text);
  return match !== null && Number(match[2]) <= 65535;
}

/** Parses "host:port" (host may be empty, meaning every interface, or a bracketed IPv6 address). */
export function parseListen(listen: string): { hostname: string; port: number } {
  const i = listen.lastIndexOf(":");
  const port = Number(listen.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`Cannot listen on "${listen}": expected host:port`);
  }
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, "$1");
  return { hostname: host || "0.0.0.0", port };
}
