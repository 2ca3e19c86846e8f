/** A TCP probe target split into host and port. */
export interface HostPort {
  /** Host name or IP literal, without brackets. */
  host: string;
  port: number;
}

/**
 * Splits `host:port` or `[v6]:port` with the rules and messages of Go's net.SplitHostPort,
 * which blackbox_exporter uses. Ports must be numbers: service names (`host:smtp`), which Go
 * looks up in /etc/services, are refused.
 */
export function splitHostPort(target: string): HostPort {
  const fail = (why: string) => new Error(`Cannot parse target "${target}": ${why}`);
  const colon = target.lastIndexOf(":");
  if (colon < 0) throw fail("missing port in address");
  let host: string;
  let from = 0;
  let after = 0;
  if (target.startsWith("[")) {
    const end = target.indexOf("]");
    if (end < 0) throw fail("missing ']' in address");
    if (end + 1 !== colon) {
      throw fail(
        target[end + 1] === ":" ? "too many colons in address" : "missing port in address",
      );
    }
    host = target.slice(1, end);
    from = 1;
    after = end + 1;
  } else {
    host = target.slice(0, colon);
    if (host.includes(":")) throw fail("too many colons in address");
  }
  if (target.indexOf("[", from) >= 0) throw fail("unexpected '[' in address");
  if (target.indexOf("]", after) >= 0) throw fail("unexpected ']' in address");
  const text = target.slice(colon + 1);
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) {
    throw fail(`port "${text}" is not a number from 0 to 65535`);
  }
  return { host, port };
}
