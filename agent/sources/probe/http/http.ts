import type { Logger } from "../../../../shared/log/log.ts";
import { ipPreference } from "../fields.ts";
import type { ProbeContext, Prober } from "../prober.ts";
import { resolveTarget } from "../resolve.ts";
import { writeTlsMetrics } from "../tls.ts";
import { readBody } from "./body.ts";
import {
  bodyValid,
  hasBodyChecks,
  headersValid,
  sslValid,
  statusValid,
  versionValid,
} from "./checks.ts";
import { exchange, type FinalResponse } from "./client.ts";
import type { HttpProbeConfig } from "./config.ts";
import { Connections } from "./conn.ts";
import { emptyMeasures, type HttpMeasures, parseHttpDate, writeHttpMetrics } from "./metrics.ts";
import { bodyChunks, contentLength, framingOf, header } from "./response.ts";

/**
 * blackbox_exporter 0.23's `http` prober: resolves the target with the module's IP
 * preference, sends the request over HTTP/1.1 (following redirects), judges status, headers,
 * body, HTTP version and TLS use in blackbox's order, and reports the same families. The
 * target is a URL; `http://` is assumed when it has no scheme.
 */
export const probeHttp: Prober<HttpProbeConfig> = async (ctx) => {
  const m = emptyMeasures();
  const conns = new Connections(ctx.signal);
  try {
    return await probe(ctx, m, conns);
  } catch (error) {
    // Target failures are handled inside; this is a bug, and the probe still reports.
    ctx.log.warn("Cannot finish http probe: unexpected error", { err: String(error) });
    return false;
  } finally {
    conns.closeAll();
    writeHttpMetrics(ctx.w, m);
  }
};

async function probe(
  ctx: ProbeContext<HttpProbeConfig>,
  m: HttpMeasures,
  conns: Connections,
): Promise<boolean> {
  const { config, log } = ctx;
  const url = targetUrl(ctx.target, log);
  if (!url) return false;
  const started = performance.now();
  let address: Awaited<ReturnType<typeof resolveTarget>>;
  try {
    address = await resolveTarget(url.hostname, ipPreference(config), ctx.w, ctx.signal);
  } catch (error) {
    m.resolveSeconds = (performance.now() - started) / 1000;
    log.debug("Error resolving address", { err: reason(error, ctx.signal) });
    return false;
  }
  m.resolveSeconds = address.seconds;
  const result = await exchange({ url, address }, config, conns, ctx.signal);
  m.traces = result.traces;
  m.redirects = result.redirects;
  if (!result.final) {
    log.debug("Error for HTTP request", { err: reason(result.error, ctx.signal) });
    return false;
  }
  return judge(ctx, result.final, m);
}

/** Everything after the final response head arrived, in blackbox_exporter's order. */
async function judge(
  ctx: ProbeContext<HttpProbeConfig>,
  final: FinalResponse,
  m: HttpMeasures,
): Promise<boolean> {
  const { config, log } = ctx;
  const { head } = final;
  // The facts were captured at the handshake: exactly what writeTlsMetrics reads of a socket.
  if (final.tls) writeTlsMetrics(ctx.w, final.tls);
  m.ssl = final.tls !== null;
  m.status = head.status;
  let success = statusValid(config, head.status, log);
  if (
    success &&
    config.fail_if_header_matches.length + config.fail_if_header_not_matches.length > 0
  ) {
    success = headersValid(config, head, log);
    m.failedDueToRegex = !success;
  }
  const checkBody = success && hasBodyChecks(config);
  m.contentLength = contentLength(head, final.method);
  if (!final.bodyClosed) success = (await readAndCheckBody(ctx, final, checkBody, m)) && success;
  else if (checkBody) {
    // Go closed the body of a redirect it did not follow: the body checks cannot read it.
    log.debug("Error reading HTTP body", { err: "read on closed response body" });
    m.failedDueToRegex = true;
    success = false;
  }
  const traces = m.traces;
  traces[traces.length - 1].end = performance.now();
  m.lastModified = parseHttpDate(header(head, "last-modified"));
  m.version = Number(head.proto.slice("HTTP/".length));
  success = versionValid(config, head.proto, log) && success;
  return sslValid(config, m.ssl, log) && success;
}

/** Reads the body to its end (counting it) and runs the body regexps when `check`. */
async function readAndCheckBody(
  ctx: ProbeContext<HttpProbeConfig>,
  final: FinalResponse,
  check: boolean,
  m: HttpMeasures,
): Promise<boolean> {
  const { config, log } = ctx;
  const chunks = bodyChunks(final.reader, framingOf(final.head, final.method));
  const body = await readBody(chunks, {
    compression: config.compression,
    limit: config.body_size_limit,
    keep: check,
  });
  m.bodyBytes = body.bytes;
  let ok = true;
  if (check) {
    ok = body.text !== undefined && bodyValid(config, body.text, log);
    m.failedDueToRegex = !ok;
  }
  if (body.error) {
    log.debug("Failed to read HTTP response body", { err: reason(body.error, ctx.signal) });
    ok = false;
  }
  return ok;
}

/** The target as a URL; blackbox_exporter assumes http:// when there is no scheme. */
function targetUrl(target: string, log: Logger): URL | null {
  const text = /^https?:\/\//.test(target) ? target : `http://${target}`;
  try {
    return new URL(text);
  } catch {
    log.debug("Could not parse target URL", { target });
    return null;
  }
}

/** Why something failed; the signal's reason when the module's timeout cut it short. */
function reason(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return String(signal.reason);
  return error instanceof Error ? error.message : String(error);
}
