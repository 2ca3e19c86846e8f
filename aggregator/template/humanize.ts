/**
 * Prometheus's number formatting for templates (humanize, humanize1024, humanizeDuration,
 * humanizePercentage, humanizeTimestamp, toTime), built on Go's `%.4g`. Each takes what
 * Prometheus's convertToFloat takes: a float64, an int or a string to parse.
 */
import { formatValue } from "./fmt.ts";
import { timeString } from "./time.ts";
import { GoTime, stringOf, typeName, type Value } from "./values.ts";

const flags = { plus: false, minus: false, sharp: false, space: false, zero: false };

/** Go's `%.<prec>g`. */
function g(v: number, prec = 4): string {
  return formatValue(v, "g", { ...flags, prec }, 0);
}

/** Prometheus's convertToFloat. */
export function toFloat(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  const s = stringOf(v);
  if (typeof v === "string" && s !== undefined) return parseFloatGo(s);
  throw new Error(
    `can't convert ${v === null || v === undefined ? "<nil>" : typeName(v)} to float`,
  );
}

/** Go's strconv.ParseFloat(s, 64), with its error text. */
export function parseFloatGo(s: string): number {
  const t = s.replaceAll("_", "");
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return Number.NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const v = Number(t);
    if (!Number.isFinite(v))
      throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
    return v;
  }
  if (/^[+-]?0[xX]/.test(t)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(t);
    if (m && (m[2] || m[3])) {
      const v =
        Number.parseInt(`${m[2]}${m[3]}` || "0", 16) * 2 ** (Number(m[4]) - 4 * m[3]!.length);
      return m[1] === "-" ? -v : v;
    }
  }
  throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

function scaled(v: number, prefixes: string[], step: number, down: boolean): [number, string] {
  let prefix = "";
  for (const p of prefixes) {
    if (down ? Math.abs(v) < step : Math.abs(v) >= 1) break;
    prefix = p;
    v = down ? v / step : v * 1000;
  }
  return [v, prefix];
}

/** `humanize`: SI prefixes, 4 significant digits. */
export function humanize(i: Value): string {
  const v = toFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g(v);
  if (Math.abs(v) >= 1) {
    const [x, p] = scaled(v, ["k", "M", "G", "T", "P", "E", "Z", "Y"], 1000, true);
    return g(x) + p;
  }
  const [x, p] = scaled(v, ["m", "u", "n", "p", "f", "a", "z", "y"], 1000, false);
  return g(x) + p;
}

/** `humanize1024`: binary prefixes. */
export function humanize1024(i: Value): string {
  const v = toFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g(v);
  const [x, p] = scaled(v, ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"], 1024, true);
  return g(x) + p;
}

/** `humanizeDuration`: seconds as `1d 2h 3m 4s`, or `1.5s`, `500ms`. */
export function humanizeDuration(i: Value): string {
  let v = toFloat(i);
  if (!Number.isFinite(v)) return g(v);
  if (v === 0) return `${g(v)}s`;
  if (Math.abs(v) >= 1) {
    let sign = "";
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    // Go's int64(v) of a float beyond int64 is the minimum int64 on amd64.
    const total = v >= 2 ** 63 ? -(2n ** 63n) : BigInt(Math.trunc(v));
    const seconds = total % 60n;
    const minutes = (total / 60n) % 60n;
    const hours = (total / 3600n) % 24n;
    const days = total / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g(v)}s`;
  }
  const [x, p] = scaled(v, ["m", "u", "n", "p", "f", "a", "z", "y"], 1000, false);
  return `${g(x)}${p}s`;
}

/** `humanizePercentage`: a ratio as a percentage. */
export function humanizePercentage(i: Value): string {
  return `${g(toFloat(i) * 100)}%`;
}

/** `toTime`: seconds since the epoch as a `*time.Time` (millisecond precision, as Prometheus). */
export function toTime(i: Value): GoTime {
  const v = toFloat(i);
  if (!Number.isFinite(v)) throw new Error("value is NaN or Inf");
  const nanos = v * 1e9;
  if (nanos > 2 ** 63 || nanos < -(2 ** 63)) {
    throw new Error(
      `${formatValue(v, "v", flags, 0)} cannot be represented as a nanoseconds timestamp since it overflows int64`,
    );
  }
  const ms = BigInt(Math.trunc(nanos)) / 1_000_000n;
  return new GoTime(ms * 1_000_000n, "UTC", true);
}

/** `humanizeTimestamp`: seconds since the epoch as Go prints a UTC time. */
export function humanizeTimestamp(i: Value): string {
  const v = toFloat(i);
  if (!Number.isFinite(v)) return g(v);
  return timeString(toTime(v));
}
