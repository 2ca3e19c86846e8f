import { type ProbeTlsConfig, tlsOptions } from "../tls.ts";
import { type BunTlsOptions, Conn, type TlsSpec } from "./socket.ts";

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
 * Every connection a probe opens, closed together when the probe ends or its signal aborts,
 * so that a timeout never leaves a connection behind.
 */
export class Connections {
  private readonly open = new Set<Conn>();
  private readonly onAbort = () => this.closeAll(this.signal.reason);

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Tracks a connection, closing it at once if the probe was already aborted. */
  add(conn: Conn): Conn {
    this.open.add(conn);
    if (this.signal.aborted) conn.close(abortError(this.signal.reason));
    return conn;
  }

  /** Closes every connection (with `reason` as their error) and stops listening to the signal. */
  closeAll(reason?: unknown): void {
    this.signal.removeEventListener("abort", this.onAbort);
    for (const conn of this.open) conn.close(abortError(reason));
    this.open.clear();
  }
}

function abortError(reason: unknown): Error | undefined {
  return reason instanceof Error ? reason : undefined;
}

/** Where and how to connect for one exchange. */
export interface Dial {
  /** An IP address, v4 or v6; Bun.connect needs no family for a literal. */
  address: string;
  port: number;
  /** Set for https: the name to send as SNI and to verify the certificate against. */
  tls?: { config: ProbeTlsConfig; name: string };
}

/**
 * Connects (and for https shakes hands, offering only http/1.1 by ALPN), filling in the
 * trace's connect and TLS moments.
 */
export async function dial(d: Dial, trace: HopTrace, conns: Connections): Promise<Conn> {
  const conn = conns.add(new Conn());
  conn.connect(d.address, d.port, d.tls && tlsSpec(d.tls.config, d.tls.name));
  await conn.opened();
  trace.connectDone = conn.openedAt;
  if (!d.tls) {
    trace.gotConn = trace.connectDone;
    return conn;
  }
  trace.tlsStart = conn.openedAt;
  await conn.secured();
  trace.tlsDone = conn.securedAt;
  trace.gotConn = trace.tlsDone;
  return conn;
}

/** TLS version codes for Bun, by node's names. */
const VERSION_CODES: Record<string, number> = {
  TLSv1: 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  "TLSv1.3": 0x0304,
};

/** ALPN's wire format: a length byte, then the protocol. */
const HTTP11_ALPN = Buffer.from("\x08http/1.1", "latin1");

/** The shared tls_config translation (files, SNI rule, version floor), in Bun's terms. */
function tlsSpec(config: ProbeTlsConfig, name: string): TlsSpec {
  const o = tlsOptions(config, name);
  const options: BunTlsOptions = {
    // tlsOptions reads the files as text, so these are strings.
    ca: o.ca as string | undefined,
    cert: o.cert as string | undefined,
    key: o.key as string | undefined,
    // No SNI for an IP address (RFC 6066); Bun would send the address unless given "".
    servername: o.servername ?? "",
    // Verified in Conn, against the name node would check rather than the address.
    rejectUnauthorized: false,
    minVersion: o.minVersion && VERSION_CODES[o.minVersion],
    maxVersion: o.maxVersion && VERSION_CODES[o.maxVersion],
    ALPNProtocols: HTTP11_ALPN,
  };
  return {
    options,
    verifyName: config.server_name ?? name,
    verify: o.rejectUnauthorized !== false,
  };
}
