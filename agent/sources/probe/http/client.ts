import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { ipPreference } from "../fields.ts";
import { type Resolved, resolveTarget } from "../resolve.ts";
import { followsRedirects, type HttpProbeConfig } from "./config.ts";
import { type Connections, type Dial, dial, type HopTrace, newTrace } from "./conn.ts";
import { ResponseReader } from "./reader.ts";
import { encodeRequest, hostOverride, requestHeaders } from "./request.ts";
import { framingOf, header, type ResponseHead, readResponseHead } from "./response.ts";
import type { Conn, TlsFacts } from "./socket.ts";
import {
  bare,
  hostnameOf,
  isAbsolute,
  portOf,
  refererOf,
  resolveLocation,
  sameEndpoint,
} from "./urls.ts";

/** Go's client follows at most 10 redirects; blackbox_exporter stops at the 11th. */
const MAX_REDIRECTS = 10;

/** The response a probe judges: the last one received, redirects followed or not. */
export interface FinalResponse {
  head: ResponseHead;
  reader: ResponseReader;
  method: string;
  /** The TLS facts of the connection it came over, or null for plain http. */
  tls: TlsFacts | null;
  /**
   * A redirect that was not followed: Go hands back the response with its body already
   * closed, so the body is not read (and body checks fail).
   */
  bodyClosed: boolean;
}

/** What the exchanges of one probe produced. */
export interface ClientResult {
  traces: HopTrace[];
  /** blackbox_exporter's count: redirects seen, followed or not. */
  redirects: number;
  final?: FinalResponse;
  error?: Error;
}

/** The first exchange's target, already resolved by the prober. */
export interface Start {
  url: URL;
  address: Resolved;
}

/** One request of a redirect chain. */
interface Hop {
  url: URL;
  host: string;
  method: string;
  body: string;
  referer?: string;
}

/** What one exchange got back. */
interface Answer {
  head: ResponseHead;
  reader: ResponseReader;
  conn: Conn;
  address: Resolved;
}

const NO_METRICS: MetricWriter = { family() {}, sample() {} };

/**
 * Sends the module's request to `start` and follows redirects as Go's http.Client does:
 * 301/302/303 turn into GET without a body, 307/308 repeat the request, relative Locations
 * keep the original Host header. Each exchange has its own connection and trace.
 */
export async function exchange(
  start: Start,
  config: HttpProbeConfig,
  conns: Connections,
  signal: AbortSignal,
): Promise<ClientResult> {
  const result: ClientResult = { traces: [], redirects: 0 };
  const chain = new Chain(start, config, conns, signal, result.traces);
  let hop: Hop = {
    url: start.url,
    host: chain.firstHost,
    method: config.method,
    body: config.body,
  };
  try {
    for (;;) {
      const answer = await chain.send(hop);
      const { head, reader, conn } = answer;
      const location = redirectLocation(head);
      const final = { head, reader, method: hop.method, tls: conn.tls, bodyClosed: false };
      if (location === undefined) return { ...result, final };
      result.redirects++;
      if (!followsRedirects(config) || result.redirects > MAX_REDIRECTS) {
        return { ...result, final: { ...final, bodyClosed: true } };
      }
      conn.close();
      hop = chain.next(hop, head.status, location, answer.address);
    }
  } catch (error) {
    return { ...result, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** The Location of a response Go's client would follow, or undefined. */
function redirectLocation(head: ResponseHead): string | undefined {
  if (![301, 302, 303, 307, 308].includes(head.status)) return undefined;
  const location = header(head, "location");
  return location === "" ? undefined : location;
}

/** The state a redirect chain shares: the first endpoint's names and every exchange's trace. */
class Chain {
  /** The Host header of the first request: the module's `Host` header or the URL's host. */
  readonly firstHost: string;
  /** The TLS name of the first endpoint (blackbox prefers the Host header to the URL). */
  private readonly firstName: string;

  constructor(
    private readonly start: Start,
    private readonly config: HttpProbeConfig,
    private readonly conns: Connections,
    private readonly signal: AbortSignal,
    private readonly traces: HopTrace[],
  ) {
    const override = hostOverride(config);
    this.firstHost = override ?? start.url.host;
    this.firstName = override === undefined ? bare(start.url.hostname) : hostnameOf(override);
  }

  /** Connects, sends the request and reads the response head, recording a trace. */
  async send(hop: Hop): Promise<Answer> {
    const same = sameEndpoint(hop.url, this.start.url);
    const trace = newTrace(hop.url.protocol === "https:");
    this.traces.push(trace);
    const address = same ? this.start.address : await this.lookup(hop.url.hostname);
    trace.dnsDone = same ? trace.start : performance.now();
    const conn = await dial(this.dialFor(hop.url, address, same), trace, this.conns);
    const headers = requestHeaders(this.config, hop.body, hop.method, hop.referer);
    const path = hop.url.pathname + hop.url.search;
    conn.write(
      encodeRequest({ method: hop.method, path, host: hop.host, headers, body: hop.body }),
    );
    const reader = new ResponseReader(conn);
    const head = await readResponseHead(reader);
    trace.responseStart = reader.firstByteAt;
    framingOf(head, hop.method); // throws on a bad Content-Length, failing the exchange as in Go
    return { head, reader, conn, address };
  }

  /** The request that follows a redirect. */
  next(hop: Hop, status: number, location: string, address: Resolved): Hop {
    const url = resolveLocation(hop.url, location);
    const same = sameEndpoint(hop.url, this.start.url);
    const rewrite = status <= 303; // 301, 302 and 303 repeat as GET without a body
    return {
      url,
      host: isAbsolute(location) ? url.host : this.firstHost,
      method: rewrite && hop.method !== "HEAD" ? "GET" : hop.method,
      body: rewrite ? "" : hop.body,
      referer: refererOf(hop.url, url, same ? address : undefined),
    };
  }

  private dialFor(url: URL, address: Resolved, same: boolean): Dial {
    const d: Dial = { ...address, port: portOf(url) };
    if (url.protocol !== "https:") return d;
    // Away from the first endpoint blackbox drops server_name and Go verifies the URL's host.
    d.tls = same
      ? { config: this.config.tls_config, name: this.firstName }
      : { config: { ...this.config.tls_config, server_name: undefined }, name: bare(url.hostname) };
    return d;
  }

  /** Resolves a redirect's host with the module's preference; only the first lookup is reported. */
  private async lookup(hostname: string): Promise<Resolved> {
    const pref = ipPreference(this.config);
    const { address, family } = await resolveTarget(hostname, pref, NO_METRICS, this.signal);
    return { address, family };
  }
}
