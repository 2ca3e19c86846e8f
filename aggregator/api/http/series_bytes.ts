/**
 * The JSON of a range answer's series written straight into UTF-8 bytes: the same bytes as
 * `seriesListJson()` (format.ts) encoded, without its strings. The string writer makes two
 * or three short-lived strings a point, held until a 3 MB string joins them; in an aggregator
 * whose query cache holds millions of objects, that garbage lives long enough to bring on
 * collections of the whole heap, which cost most where fresh pages are dear. Here a point
 * makes at most one string (its value's digits, when it is neither a whole number nor a
 * fraction of six decimals or fewer) and the step times are formatted once an answer: over the
 * same queries an aggregator made a quarter of the full collections (docs/benchmarks.md,
 * "JSON straight as bytes").
 */

import type { SeriesPoints } from "../../promql/value.ts";
import { formatValue, labelsJson, TimestampCache } from "./format.ts";

const utf8 = new TextEncoder();

/** Bytes a point takes at most besides its time: `[`, `,"`, the value (≤ 24), `"]` and `,`. */
const POINT_BYTES_BUT_TIME = 30;

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/**
 * An answer's buffer kept for the next answer: the largest given back (giveBack()), up to
 * SPARE_MAX_BYTES. Memory the process frees is handed back to the kernel at its next
 * collection, and a fresh page costs a fault when first written (~14 µs on some VMs: a 4.8 MB
 * answer's 1,200 pages, ~16 ms). A buffer kept is written again without one. One answer
 * takes it at a time; another written meanwhile gets a fresh one.
 */
let spare: ArrayBuffer | null = null;

/** The largest buffer kept: what it costs in memory at rest. */
const SPARE_MAX_BYTES = 16 << 20;

/**
 * Gives back the buffers of an answer's parts (seriesListBytes()'s bytes among them) once
 * they have been copied (a Blob copies its parts as it is made), so that the next answer
 * writes into the largest. The parts must not be read afterwards.
 */
export function giveBack(answer: string | readonly (string | Uint8Array)[]): void {
  if (typeof answer === "string") return;
  for (const part of answer) {
    if (typeof part === "string") continue;
    const buffer = part.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength > SPARE_MAX_BYTES) continue;
    if (spare === null || spare.byteLength < buffer.byteLength) spare = buffer;
  }
}

/** A growing byte buffer: the spare one when it is large enough. */
class Bytes {
  buf: Uint8Array<ArrayBuffer>;
  n = 0;

  constructor(capacity: number) {
    if (spare !== null && spare.byteLength >= capacity) {
      this.buf = new Uint8Array(spare);
      spare = null;
    } else this.buf = new Uint8Array(capacity);
  }

  /** Makes room for `k` more bytes. */
  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  /** Any text, as UTF-8: into the room there is, the buffer grown only for what is left. */
  text(s: string): void {
    const { read, written } = utf8.encodeInto(s, this.buf.subarray(this.n));
    this.n += written;
    if (read === s.length) return;
    const rest = s.slice(read);
    this.room(rest.length * 3);
    this.n += utf8.encodeInto(rest, this.buf.subarray(this.n)).written;
  }
}

/**
 * Writes `v` as formatValue() does into `buf` at `n`, which has room; returns the end.
 * Whole numbers up to 2^53 print as their digits in JS and in Go alike: written here
 * without a string. Zero keeps its sign (`-0`) through formatValue().
 */
function writeValue(buf: Uint8Array, n: number, v: number): number {
  if (v !== 0 && Number.isSafeInteger(v)) {
    if (v < 0) buf[n++] = MINUS;
    return writeDecimal(buf, n, v < 0 ? -v : v, 0);
  }
  const a = v < 0 ? -v : v;
  if (a >= 1e-6 && a < MAX_DECIMAL) {
    let m = Math.round(a * 1e6);
    if (m / 1e6 === a) {
      let k = 6;
      while (m % 10 === 0) {
        m /= 10;
        k--;
      }
      if (v < 0) buf[n++] = MINUS;
      return writeDecimal(buf, n, m, k);
    }
  }
  const s = formatValue(v);
  for (let i = 0; i < s.length; i++) buf[n++] = s.charCodeAt(i);
  return n;
}

/**
 * Below this, a fraction of at most six decimals is written without a string. With m the
 * value × 10^6 rounded, `m / 10^6` is the value exactly when the text of m with six decimals
 * reads back as the value: IEEE division is correctly rounded, as the parse of that text is.
 * While m < 2^51, the doubles lie less than 10^-6 apart, so no other text of six decimals or
 * fewer reads back as the value: that text, its trailing zeros cut, is the shortest that
 * does, which Go and JS write. So one multiplication and one division tell, and a value of
 * more decimals (most computed ones) costs no more. Exporters' gauges mostly have a few
 * decimals (a load average's 0.43).
 */
const MAX_DECIMAL = 2 ** 51 / 1e6;

/**
 * Writes m / 10^k in fixed notation (m ≥ 1; a whole number when k is 0, else not a multiple
 * of 10); returns the end.
 */
function writeDecimal(buf: Uint8Array, n: number, m: number, k: number): number {
  let digits = 1;
  for (let p = 10; p <= m; p *= 10) digits++;
  if (digits <= k) {
    buf[n++] = ZERO;
    buf[n++] = DOT;
    for (let z = k - digits; z > 0; z--) buf[n++] = ZERO;
  }
  // The digits from the last, the point put in after the k-th.
  const width = k === 0 || digits <= k ? digits : digits + 1;
  let at = n + width - 1;
  for (let written = 0; written < digits; written++) {
    if (written === k && k > 0) buf[at--] = DOT;
    const q = Math.floor(m / 10);
    buf[at--] = ZERO + (m - q * 10);
    m = q;
  }
  return n + width;
}

/**
 * Room for the points of `series` at their longest, so that the buffer is not grown: a grown
 * buffer is fresh memory written twice, and fresh pages are what a large answer costs most
 * where page faults are dear. Pages past the end of what is written are never touched. The
 * labels are guessed; a series with longer ones grows the buffer.
 */
function capacityFor(series: readonly SeriesPoints[]): number {
  let points = 0;
  let widest = 0;
  for (const { timestamps } of series) {
    const n = timestamps.length;
    if (n === 0) continue;
    points += n;
    // Times are in order: the widest is the first or the last.
    widest = Math.max(widest, Math.abs(timestamps[0]), Math.abs(timestamps[n - 1]));
  }
  // Sign, whole seconds, a point and three decimals.
  const timeBytes = String(Math.floor(widest / 1000)).length + 5;
  return points * (timeBytes + POINT_BYTES_BUT_TIME) + series.length * 256 + 64;
}

/** seriesListJson(series) as UTF-8: comma-separated series, HTML-safe. */
export function seriesListBytes(series: readonly SeriesPoints[]): Uint8Array<ArrayBuffer> {
  const out = new Bytes(capacityFor(series));
  const times = new TimestampCache();
  for (let k = 0; k < series.length; k++) {
    const { labels, timestamps, values } = series[k];
    out.text(`${k > 0 ? "," : ""}{"metric":${labelsJson(labels)},"values":[`);
    let buf = out.buf;
    let n = out.n;
    for (let i = 0; i < timestamps.length; i++) {
      const t = times.at(i, timestamps[i]);
      if (n + t.length + POINT_BYTES_BUT_TIME > buf.length) {
        out.n = n;
        out.room(t.length + POINT_BYTES_BUT_TIME);
        buf = out.buf;
      }
      if (i > 0) buf[n++] = COMMA;
      buf[n++] = OPEN_BRACKET;
      for (let j = 0; j < t.length; j++) buf[n++] = t.charCodeAt(j);
      buf[n++] = COMMA;
      buf[n++] = QUOTE;
      n = writeValue(buf, n, values[i]);
      buf[n++] = QUOTE;
      buf[n++] = CLOSE_BRACKET;
    }
    out.n = n;
    out.room(2);
    out.buf[out.n++] = CLOSE_BRACKET;
    out.buf[out.n++] = CLOSE_BRACE;
  }
  return out.buf.subarray(0, out.n);
}
