import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { HopTrace } from "./conn.ts";

/** The phases of probe_http_duration_seconds, in blackbox_exporter's order. */
const PHASES = ["resolve", "connect", "tls", "processing", "transfer"] as const;

/** What an HTTP probe reports besides the resolve and TLS families. */
export interface HttpMeasures {
  /** Seconds of the first lookup (the prober's own resolve step). */
  resolveSeconds: number;
  traces: HopTrace[];
  status: number;
  contentLength: number;
  bodyBytes: number;
  redirects: number;
  ssl: boolean;
  /** The status line's version as a number (1.1, 1), 0 without a response. */
  version: number;
  failedDueToRegex: boolean;
  /** Last-Modified as Unix seconds, when the response had a valid one. */
  lastModified?: number;
}

/** A report with nothing measured yet: what blackbox_exporter shows when a probe fails early. */
export function emptyMeasures(): HttpMeasures {
  return {
    resolveSeconds: 0,
    traces: [],
    status: 0,
    contentLength: 0,
    bodyBytes: 0,
    redirects: 0,
    ssl: false,
    version: 0,
    failedDueToRegex: false,
  };
}

/** Writes blackbox_exporter 0.23's probe_http_* families and probe_failed_due_to_regex. */
export function writeHttpMetrics(w: MetricWriter, m: HttpMeasures): void {
  const phases = phaseSeconds(m.resolveSeconds, m.traces);
  w.family(
    "probe_http_duration_seconds",
    "gauge",
    "Duration of http request by phase, summed over all redirects",
  );
  for (const [i, phase] of PHASES.entries()) {
    w.sample("probe_http_duration_seconds", ["phase", phase], phases[i]);
  }
  gauge(w, "probe_http_content_length", "Length of http content response", m.contentLength);
  gauge(
    w,
    "probe_http_uncompressed_body_length",
    "Length of uncompressed response body",
    m.bodyBytes,
  );
  gauge(w, "probe_http_redirects", "The number of redirects", m.redirects);
  gauge(w, "probe_http_ssl", "Indicates if SSL was used for the final redirect", m.ssl ? 1 : 0);
  gauge(w, "probe_http_status_code", "Response HTTP status code", m.status);
  gauge(w, "probe_http_version", "Returns the version of HTTP of the probe response", m.version);
  gauge(
    w,
    "probe_failed_due_to_regex",
    "Indicates if probe failed due to regex",
    m.failedDueToRegex ? 1 : 0,
  );
  if (m.lastModified !== undefined) {
    gauge(
      w,
      "probe_http_last_modified_timestamp_seconds",
      "Returns the Last-Modified HTTP response header in unixtime",
      m.lastModified,
    );
  }
}

function gauge(w: MetricWriter, name: string, help: string, value: number): void {
  w.family(name, "gauge", help);
  w.sample(name, [], value);
}

/**
 * Seconds per phase, summed over the exchanges exactly as blackbox_exporter sums its
 * httptrace moments: an exchange counts up to the last moment it reached; the first
 * exchange's resolve time is the prober's lookup; transfer needs the body's end, which only
 * the final exchange has.
 */
export function phaseSeconds(resolveSeconds: number, traces: readonly HopTrace[]): number[] {
  const ms = [resolveSeconds * 1000, 0, 0, 0, 0];
  traces.forEach((t, i) => {
    if (i > 0) ms[0] += t.dnsDone - t.start;
    if (t.gotConn === 0) return;
    if (t.tls) {
      ms[1] += t.connectDone - t.dnsDone;
      ms[2] += t.tlsDone - t.tlsStart;
    } else {
      ms[1] += t.gotConn - t.dnsDone;
    }
    if (t.responseStart === 0) return;
    ms[3] += t.responseStart - t.gotConn;
    if (t.end === 0) return;
    ms[4] += t.end - t.responseStart;
  });
  return ms.map((v) => v / 1000);
}

/** HTTP-date formats Go's http.ParseTime accepts: RFC 1123, RFC 850 and asctime, all GMT. */
const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
const HTTP_DATES = [
  /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/,
  /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/,
  /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/,
];

/** A Last-Modified value as Unix seconds, or undefined when Go would not parse it. */
export function parseHttpDate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  for (const [i, re] of HTTP_DATES.entries()) {
    const m = re.exec(text);
    if (!m) continue;
    const [day, mon, year, h, min, s] =
      i === 2 ? [m[2], m[1], m[6], m[3], m[4], m[5]] : [m[1], m[2], m[3], m[4], m[5], m[6]];
    const month = MONTHS.indexOf(mon) / 3;
    if (!Number.isInteger(month)) return undefined;
    // Go reads a two-digit RFC 850 year as 1969–2068.
    let y = Number(year);
    if (i === 1) y += y >= 69 ? 1900 : 2000;
    const ms = Date.UTC(y, month, Number(day.trim()), Number(h), Number(min), Number(s));
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
  return undefined;
}
