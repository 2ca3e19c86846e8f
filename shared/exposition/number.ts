import { ascii, fail } from "./bytes.ts";

/**
 * Number parsing with Go's `strconv.ParseFloat` semantics, as Prometheus applies them to
 * exposition values: decimal floats with optional exponent, `NaN` and `[+-]Inf[inity]` in any
 * case. Hex floats and `_` are rejected (Prometheus keeps to pre-Go-1.13 float syntax), and
 * an overflow to infinity is an error (Go's ErrRange).
 */

// 10^0 … 10^22 are exact doubles, which makes the fast path below correctly rounded.
const POW10 = new Float64Array(23).map((_, k) => 10 ** k);
const MAX_FAST_DIGITS = 15; // 10^15 < 2^53: the mantissa stays an exact integer
const TWO_63 = 2 ** 63;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const NAN = /^nan$/i;

/**
 * Parses `b[s, e)` as a float like Go's ParseFloat, or returns undefined when it is not one.
 * Plain decimals with up to 15 digits and a small exponent take an exact fast path
 * (mantissa and power of ten are exact doubles, so one division or multiplication rounds
 * correctly, exactly as `parseFloat` would); everything else goes through {@link parseFloatText}.
 */
export function parseFloatBytes(b: Uint8Array, s: number, e: number): number | undefined {
  let p = s;
  let neg = false;
  if (b[p] === 45) {
    neg = true;
    p++;
  }
  let m = 0;
  let digits = 0;
  let scale = 0;
  for (; p < e; p++) {
    const d = b[p] - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
  }
  if (p < e && b[p] === 46) {
    p++;
    for (; p < e; p++) {
      const d = b[p] - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      scale--;
    }
  }
  if (p < e && (b[p] | 0x20) === 101 && digits > 0) {
    // exponent: e[+-]digits
    p++;
    let expNeg = false;
    if (b[p] === 45 || b[p] === 43) expNeg = b[p++] === 45;
    let x = 0;
    const start = p;
    for (; p < e && x < 1000; p++) {
      const d = b[p] - 48;
      if (d < 0 || d > 9) break;
      x = x * 10 + d;
    }
    if (p === start) return undefined;
    scale += expNeg ? -x : x;
  }
  if (p !== e || digits === 0 || digits > MAX_FAST_DIGITS || scale < -22 || scale > 22) {
    return parseFloatText(ascii(b, s, e));
  }
  const v = scale >= 0 ? m * POW10[scale] : m / POW10[-scale];
  return neg ? -v : v;
}

/** Parses text like Go's ParseFloat (see the module comment), or returns undefined. */
export function parseFloatText(text: string): number | undefined {
  if (DECIMAL.test(text)) {
    const v = Number(text);
    return Number.isFinite(v) ? v : undefined;
  }
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  return NAN.test(text) ? Number.NaN : undefined;
}

/** Parses a sample value at `b[s, e)`, throwing a line-numbered SyntaxError when invalid. */
export function parseValue(b: Uint8Array, s: number, e: number): number {
  const v = parseFloatBytes(b, s, e);
  if (v === undefined) badNumber(b, s, e, "a number as sample value");
  return v;
}

/** Parses a text-format timestamp: an integer of milliseconds (digits only, below 2^63). */
export function parseTextTimestamp(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let p = s; p < e; p++) {
    const d = b[p] - 48;
    if (d < 0 || d > 9) badNumber(b, s, e, "an integer timestamp in milliseconds");
    v = v * 10 + d;
  }
  if (e - s > 15 && Number(ascii(b, s, e)) >= TWO_63) {
    fail(b, s, `timestamp ${ascii(b, s, e)} is out of range`);
  }
  return v;
}

/**
 * Parses an OpenMetrics timestamp (float seconds) into milliseconds. Like Prometheus,
 * the product `seconds * 1000` is truncated toward zero, so `1.0019` becomes 1001 ms.
 */
export function parseOpenMetricsTimestamp(b: Uint8Array, s: number, e: number): number {
  const seconds = parseFloatBytes(b, s, e);
  if (seconds === undefined || !Number.isFinite(seconds)) {
    badNumber(b, s, e, "a timestamp in seconds");
  }
  const ms = Math.trunc(seconds * 1000);
  if (ms >= TWO_63 || ms < -TWO_63) fail(b, s, `timestamp ${ascii(b, s, e)} is out of range`);
  return ms === 0 ? 0 : ms; // no -0 timestamps
}

function badNumber(b: Uint8Array, s: number, e: number, what: string): never {
  const text = new TextDecoder().decode(b.subarray(s, Math.min(e, s + 40)));
  return fail(b, s, `expected ${what}, got ${JSON.stringify(text)}`);
}

/**
 * Formats a float the way Prometheus 3 rewrites `le` and `quantile` label values
 * (Go's shortest `%g`, plus ".0" when the result has neither "." nor "e"): 1 → "1.0",
 * 0.25 → "0.25", 1e6 → "1e+06", +Inf → "+Inf".
 */
export function formatOpenMetricsFloat(f: number): string {
  if (f === 0) return "0.0";
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  const [mantissa, expText] = f.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  const s = String(f); // fixed notation in this range, with the same shortest digits as Go
  return s.includes(".") ? s : `${s}.0`;
}
