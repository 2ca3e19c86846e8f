/**
 * Timestamps and durations as Loki 3 reads them (`pkg/loghttp/params.go`), in nanoseconds:
 * RFC 3339 first, then a float (seconds when its integer part is at most 1e10, nanoseconds
 * above), then an integer (same rule). Errors carry Go's `strconv` wording, which Loki
 * passes to the client unchanged.
 */
import { parseRfc3339 } from "../../../../shared/time/civil.ts";
import { goQuote } from "../params.ts";

const NS_PER_SECOND = 1_000_000_000n;
const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
/** Go's `strconv.ParseFloat` syntax for decimal numbers, `Inf` and `NaN` (hex floats aside). */
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)$|^nan$/i;
const INT = /^[+-]?\d+$/;
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS_MS = [
  31_536_000_000n,
  604_800_000n,
  86_400_000n,
  3_600_000n,
  60_000n,
  1000n,
  1n,
];

/** Parses one timestamp into Unix nanoseconds, as Loki's `parseTimestamp`. */
export function parseTimestampNs(value: string): bigint {
  const rfc = parseRfc3339Ns(value);
  if (rfc !== undefined) return rfc;
  if (value.includes(".")) return floatTimestampNs(value);
  const n = parseGoInt(value, "ParseInt");
  return n <= 10_000_000_000n ? n * NS_PER_SECOND : n;
}

/** A float timestamp: seconds with the fraction rounded to the millisecond, or nanoseconds. */
function floatTimestampNs(value: string): bigint {
  const t = parseGoFloat(value);
  if (!Number.isFinite(t)) throw new RangeError("floating point timestamp is NaN or Inf");
  const high = Math.trunc(t);
  if (high >= 2 ** 63 || high < -(2 ** 63)) {
    throw new RangeError("floating point timestamp exceeds integer range");
  }
  if (high > 1e10) return BigInt(high);
  // Go rounds the fraction to ms, then truncates `low * 1e9` to an int64: 0.123 gives 122999999.
  const low = t - high;
  const rounded = (Math.sign(low) * Math.round(Math.abs(low) * 1000)) / 1000;
  return BigInt(high) * NS_PER_SECOND + BigInt(Math.trunc(rounded * 1e9));
}

/**
 * A duration as Prometheus's `model.ParseDuration` (`1h30m`, `90s`, no floats) into
 * nanoseconds; Loki reads `since` with it.
 */
export function parsePromDurationNs(value: string): bigint {
  if (value === "") throw new RangeError("empty duration string");
  if (value === "0") return 0n;
  const m = DURATION.exec(value);
  if (!m) throw new RangeError(`not a valid duration string: ${goQuote(value)}`);
  let ms = 0n;
  for (let i = 0; i < DURATION_UNITS_MS.length; i++) {
    if (m[i + 1] !== undefined) ms += BigInt(m[i + 1]) * DURATION_UNITS_MS[i];
  }
  if (ms * 1_000_000n > MAX_INT64) throw new RangeError("duration out of range");
  return ms * 1_000_000n;
}

/** A step or interval: float seconds, else a Prometheus duration (Loki's `parseSecondsOrDuration`). */
export function parseSecondsOrDurationNs(value: string): bigint {
  if (FLOAT.test(value)) {
    const seconds = parseGoFloat(value);
    // Go turns NaN into MinInt64 when converting to a Duration.
    if (Number.isNaN(seconds)) return MIN_INT64;
    const ns = seconds * 1e9;
    if (ns > 2 ** 63 || ns < -(2 ** 63)) {
      throw new RangeError(
        `cannot parse ${goQuote(value)} to a valid duration. It overflows int64`,
      );
    }
    return BigInt(Math.trunc(ns));
  }
  try {
    return parsePromDurationNs(value);
  } catch {
    throw new RangeError(`cannot parse ${goQuote(value)} to a valid duration`);
  }
}

/** Go's `strconv.ParseInt(s, 10, 64)` (or `Atoi`), with its error texts. */
export function parseGoInt(value: string, fn: "ParseInt" | "Atoi"): bigint {
  if (!INT.test(value)) {
    throw new RangeError(`strconv.${fn}: parsing ${goQuote(value)}: invalid syntax`);
  }
  const n = BigInt(value);
  if (n > MAX_INT64 || n < MIN_INT64) {
    throw new RangeError(`strconv.${fn}: parsing ${goQuote(value)}: value out of range`);
  }
  return n;
}

/** Go's `strconv.ParseFloat(s, 64)` for decimal input, with its error texts. */
function parseGoFloat(value: string): number {
  if (!FLOAT.test(value)) {
    throw new RangeError(`strconv.ParseFloat: parsing ${goQuote(value)}: invalid syntax`);
  }
  if (/nan/i.test(value)) return Number.NaN;
  if (/inf/i.test(value)) return value.startsWith("-") ? -Infinity : Infinity;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    throw new RangeError(`strconv.ParseFloat: parsing ${goQuote(value)}: value out of range`);
  }
  return n;
}

/** RFC 3339 with an optional fraction of at most 9 digits (Go's `time.RFC3339Nano`) into Unix ns. */
function parseRfc3339Ns(text: string): bigint | undefined {
  const t = parseRfc3339(text, 9);
  return t && BigInt(t.seconds) * NS_PER_SECOND + BigInt(t.nanos);
}
