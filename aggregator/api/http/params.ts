/**
 * Parameter parsing with Prometheus's rules and error texts: times are Unix seconds with
 * decimals (rounded to the millisecond) or RFC 3339; durations are float seconds or Prometheus
 * durations (`5m`, `1h30m`). Errors are thrown as `RangeError` with the message Prometheus
 * gives; handlers prefix it with `invalid parameter "<name>": `.
 */

import { parseRfc3339 } from "../../../shared/time/civil.ts";
import { parseDuration as parsePrometheusDuration } from "../../../shared/time/duration.ts";
import { MAX_TIME_MS, MIN_TIME_MS } from "../query/times.ts";
import type { Form } from "./form.ts";

export { MAX_TIME_MS, MIN_TIME_MS } from "../query/times.ts";

/** How Prometheus writes its bounds in RFC 3339 (clients echo them back). */
const MIN_TIME_TEXT = "-292273086-05-16T16:47:06Z";
const MAX_TIME_TEXT = "292277025-08-18T07:12:54.999999999Z";

/** Go's `strconv.ParseFloat` syntax for decimal numbers, `Inf` and `NaN`. */
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)$|^nan$/i;

/** Quotes like Go's `%q`: JSON's escapes, but `\x..` for other control characters. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(
    /\\u00([01][0-9a-f])|\x7f/g,
    (_match, hex: string | undefined) =>
      hex === undefined ? "\\x7f" : hex === "07" ? "\\a" : hex === "0b" ? "\\v" : `\\x${hex}`,
  );
}

/** Parses a timestamp (Unix seconds or RFC 3339) into Unix ms, as Prometheus's `parseTime`. */
export function parseTime(s: string): number {
  // Go turns Inf and NaN into nonsense times; they are refused here instead.
  if (FLOAT.test(s) && Number.isFinite(Number(s))) return floatSecondsToMs(Number(s));
  const ms = parseRfc3339Ms(s);
  if (ms !== undefined) return ms;
  if (s === MIN_TIME_TEXT) return MIN_TIME_MS;
  if (s === MAX_TIME_TEXT) return MAX_TIME_MS;
  throw new RangeError(`cannot parse ${goQuote(s)} to a valid timestamp`);
}

/** An optional time parameter: `fallback` when absent, as Prometheus's `parseTimeParam`. */
export function parseTimeParam(form: Form, name: string, fallback: number): number {
  const value = form.get(name);
  if (value === "") return fallback;
  try {
    return parseTime(value);
  } catch (err) {
    throw new RangeError(`invalid time value for '${name}': ${(err as Error).message}`);
  }
}

/** Parses a duration (float seconds or `1h30m`) into ms, as Prometheus's `parseDuration`. */
export function parseDuration(s: string): number {
  if (FLOAT.test(s)) {
    const seconds = Number(s.replace(/inf(inity)?/i, "Infinity"));
    if (Number.isNaN(seconds)) return Number.NEGATIVE_INFINITY; // Go turns NaN into MinInt64
    const ns = Math.trunc(seconds * 1e9);
    if (Math.abs(ns) >= 2 ** 63) {
      throw new RangeError(`cannot parse ${goQuote(s)} to a valid duration. It overflows int64`);
    }
    return ns / 1e6;
  }
  try {
    return parsePrometheusDuration(s);
  } catch {
    throw new RangeError(`cannot parse ${goQuote(s)} to a valid duration`);
  }
}

/** Parses `limit` (absent = 0 = no limit), as Prometheus's `parseLimitParam`. */
export function parseLimit(s: string): number {
  if (s === "") return 0;
  const n = parseAtoi(s);
  if (n < 0) throw new RangeError("limit must be non-negative");
  return n;
}

/** Go's `strconv.Atoi`, with its error texts. */
export function parseAtoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) {
    throw new RangeError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  }
  const n = Number(s);
  if (Math.abs(n) >= 2 ** 63) {
    throw new RangeError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  }
  return n;
}

/** Unix seconds to ms as Go's `time.Unix(Modf(t))` then `timestamp.FromTime`: ms-rounded. */
function floatSecondsToMs(t: number): number {
  let sec = Math.trunc(t);
  const frac = t - sec;
  const roundedFrac = (Math.sign(frac) * Math.round(Math.abs(frac) * 1000)) / 1000;
  let nsec = Math.trunc(roundedFrac * 1e9);
  if (nsec < 0) {
    sec -= 1;
    nsec += 1e9;
  }
  return sec * 1000 + Math.floor(nsec / 1e6);
}

/** RFC 3339 with optional fraction (Go's `time.RFC3339Nano` layout) to Unix ms. */
function parseRfc3339Ms(text: string): number | undefined {
  const t = parseRfc3339(text);
  return t && t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}
