/**
 * Grafana's time units: durations in s, ms, µs, ns, m, h, d scaled to the unit that reads
 * best ("1.50 min"), `dtdurations` ("1 hour, 2 minutes"), `dtdhms` ("1 d 02:03:04"), and the
 * date units' local ISO time and "5 minutes ago" (valueFormats/dateTimeFormatters.ts).
 */
import { type Formatted, type Formatter, toFixed } from "./fixed.ts";

/** Steps of a time unit: below `limit` (in the input unit) divide by `div` and name it. */
type Step = [limit: number, div: number, name: string];

function timeUnit(steps: Step[], last: [div: number, name: string]): Formatter {
  return (v, d) => {
    if (v === 0) return { text: "0", suffix: ` ${steps.find((s) => s[1] === 1)?.[2] ?? ""}` };
    const abs = Math.abs(v);
    for (const [limit, div, name] of steps) {
      if (abs < limit) return { text: toFixed(v / div, d), suffix: ` ${name}` };
    }
    return { text: toFixed(v / last[0], d), suffix: ` ${last[1]}` };
  };
}

const seconds = timeUnit(
  [
    [1e-6, 1e-9, "ns"],
    [1e-3, 1e-6, "µs"],
    [1, 1e-3, "ms"],
    [60, 1, "s"],
    [3600, 60, "min"],
    [86400, 3600, "hour"],
    [604800, 86400, "day"],
    [31536000, 604800, "week"],
  ],
  [3.15569e7, "year"],
);

const DURATION_UNITS: [name: string, seconds: number][] = [
  ["year", 31536000],
  ["month", 2592000],
  ["week", 604800],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
  ["millisecond", 0.001],
];

/** Grafana's `toDuration`: the largest unit, then `decimals` more ("1 hour, 2 minutes"). */
function duration(seconds: number, decimals?: number | null): Formatted {
  if (seconds === 0) return { text: "0", suffix: " seconds" };
  if (seconds < 0) {
    const r = duration(-seconds, decimals);
    return { ...r, suffix: `${r.suffix ?? ""} ago` };
  }
  let ms = seconds * 1000;
  let left = decimals ?? 0;
  const parts: string[] = [];
  for (const [name, secs] of DURATION_UNITS) {
    if (left < 0) break;
    const unitMs = secs * 1000;
    const n = ms / unitMs;
    if (n >= 1 || parts.length > 0) {
      const whole = Math.floor(n);
      parts.push(`${whole} ${name}${whole !== 1 ? "s" : ""}`);
      ms %= unitMs;
      left--;
    }
  }
  return { text: parts.join(", ") };
}

const pad = (n: number) => String(Math.floor(n)).padStart(2, "0");

/** Grafana's `dtdhms`: "1 d 02:03:04". */
function dhms(v: number): Formatted {
  if (v < 0) return { text: `-${dhms(-v).text}` };
  const days = Math.floor(v / 86400);
  const rest = v - days * 86400;
  const hms = `${pad(rest / 3600)}:${pad((rest % 3600) / 60)}:${pad(rest % 60)}`;
  return { text: days > 0 ? `${days} d ${hms}` : hms };
}

/** Local time as "YYYY-MM-DD HH:mm:ss" (Grafana's dateTimeAsIso). */
export function isoLocal(ms: number): string {
  const t = new Date(ms);
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/**
 * A time axis's labels, Unix seconds from `minS` to `maxS`, as Grafana labels them: hours and
 * minutes, dates when the range spans days, and seconds when ticks are less than a minute apart
 * (30 s ticks over 5 minutes read "16:36 16:36 16:37" with minutes alone).
 */
export function tickLabels(minS: number, maxS: number, splits: readonly number[]): string[] {
  const days = (maxS - minS) / 86400 > 2;
  const seconds = splits.length > 1 && splits[1] - splits[0] < 60;
  return splits.map((s) => {
    const t = isoLocal(s * 1000);
    if (days) return `${t.slice(5, 10).replace("-", "/")} ${t.slice(11, 16)}`;
    return seconds ? t.slice(11, 19) : t.slice(11, 16);
  });
}

/** "5 minutes ago", "in 2 hours" (Grafana's dateTimeFromNow, moment's wording). */
export function fromNow(ms: number, now = Date.now()): string {
  const s = Math.abs(now - ms) / 1000;
  const [n, unit] =
    s < 45
      ? [0, "a few seconds"]
      : s < 90
        ? [0, "a minute"]
        : s < 2700
          ? [Math.round(s / 60), "minutes"]
          : s < 5400
            ? [0, "an hour"]
            : s < 79200
              ? [Math.round(s / 3600), "hours"]
              : s < 129600
                ? [0, "a day"]
                : [Math.round(s / 86400), "days"];
  const text = n ? `${n} ${unit}` : unit;
  return ms <= now ? `${text} ago` : `in ${text}`;
}

/** The time units by Grafana's ids. */
export const TIME_UNITS: Record<string, Formatter> = {
  s: seconds,
  ms: timeUnit(
    [
      [1000, 1, "ms"],
      [60000, 1000, "s"],
      [3600000, 60000, "min"],
      [86400000, 3600000, "hour"],
      [31536000000, 86400000, "day"],
    ],
    [31536000000, "year"],
  ),
  µs: timeUnit(
    [
      [1000, 1, "µs"],
      [1e6, 1000, "ms"],
    ],
    [1e6, "s"],
  ),
  ns: timeUnit(
    [
      [1000, 1, "ns"],
      [1e6, 1000, "µs"],
      [1e9, 1e6, "ms"],
      [60e9, 1e9, "s"],
      [3600e9, 60e9, "min"],
      [86400e9, 3600e9, "hour"],
    ],
    [86400e9, "day"],
  ),
  m: timeUnit(
    [
      [60, 1, "min"],
      [1440, 60, "hour"],
      [10080, 1440, "day"],
      [604800, 10080, "week"],
    ],
    [525948, "year"],
  ),
  h: timeUnit(
    [
      [24, 1, "hour"],
      [168, 24, "day"],
      [8760, 168, "week"],
    ],
    [8760, "year"],
  ),
  d: timeUnit(
    [
      [7, 1, "day"],
      [365, 7, "week"],
    ],
    [365, "year"],
  ),
  dtdurations: duration,
  dtdurationms: (v, d) => duration(v / 1000, d),
  dtdhms: (v) => dhms(v),
  dateTimeAsIso: (v) => ({ text: isoLocal(v) }),
  dateTimeAsLocal: (v) => ({ text: new Date(v).toLocaleString() }),
  dateTimeFromNow: (v) => ({ text: fromNow(v) }),
};
// Grafana spells microseconds both ways.
TIME_UNITS.us = TIME_UNITS.µs;
