/**
 * Grafana's time expressions (`now-24h`, `now/d`, `now-1d/d`, epoch milliseconds, ISO dates) as
 * dashboards and their URLs write them, resolved to Unix milliseconds.
 */
import { rangeProblem } from "../time.ts";

const FIXED_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A dashboard's time range as written (`from`/`to` texts). */
export interface RawTimeRange {
  from: string;
  to: string;
}

/** Adds `n` of `unit` to `t` (months and years by the calendar, in local time or UTC). */
function add(t: number, n: number, unit: string, utc: boolean): number {
  if (unit in FIXED_MS) return t + n * FIXED_MS[unit];
  const d = new Date(t);
  if (unit === "M") utc ? d.setUTCMonth(d.getUTCMonth() + n) : d.setMonth(d.getMonth() + n);
  else utc ? d.setUTCFullYear(d.getUTCFullYear() + n) : d.setFullYear(d.getFullYear() + n);
  return d.getTime();
}

/** Rounds `t` down (or up to the unit's last millisecond) to the start of its `unit`. */
function round(t: number, unit: string, up: boolean, utc: boolean): number {
  const d = new Date(t);
  const get = (f: "FullYear" | "Month" | "Date" | "Hours" | "Minutes" | "Seconds" | "Day") =>
    (d[`get${utc ? "UTC" : ""}${f}`] as () => number).call(d);
  const y = get("FullYear");
  const parts: Record<string, number[]> = {
    y: [y, 0, 1],
    M: [y, get("Month"), 1],
    w: [y, get("Month"), get("Date") - get("Day")],
    d: [y, get("Month"), get("Date")],
    h: [y, get("Month"), get("Date"), get("Hours")],
    m: [y, get("Month"), get("Date"), get("Hours"), get("Minutes")],
    s: [y, get("Month"), get("Date"), get("Hours"), get("Minutes"), get("Seconds")],
  };
  const p = parts[unit] as [number, number, number?, number?, number?, number?];
  const start = utc ? Date.UTC(...p) : new Date(...(p as [number, number])).getTime();
  return up ? add(start, 1, unit, utc) - 1 : start;
}

/**
 * Unix ms of a time expression, or undefined when it is not one. `roundUp` rounds `/unit` to
 * the unit's end, as Grafana does for a range's `to`.
 */
export function parseTime(
  text: string,
  now: number,
  roundUp = false,
  utc = false,
): number | undefined {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (!s.startsWith("now")) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t;
  }
  let t = now;
  const re = /([+-])(\d+)([smhdwMy])|\/([smhdwMy])/y;
  let at = 3;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (m === null) return undefined;
    if (m[4] !== undefined) t = round(t, m[4], roundUp, utc);
    else t = add(t, (m[1] === "-" ? -1 : 1) * Number(m[2]), m[3], utc);
    at = re.lastIndex;
  }
  return t;
}

/** Unix ms of a range; throws a RangeError naming the expression that is not a time. */
export function resolveRange(
  raw: RawTimeRange,
  now: number,
  utc = false,
): { from: number; to: number } {
  const from = parseTime(raw.from, now, false, utc);
  const to = parseTime(raw.to, now, true, utc);
  if (from === undefined)
    throw new RangeError(`Cannot read time range: "${raw.from}" is not a time`);
  if (to === undefined) throw new RangeError(`Cannot read time range: "${raw.to}" is not a time`);
  const problem = rangeProblem(raw.from, raw.to, from, to);
  if (problem) throw new RangeError(problem);
  return { from, to };
}

/** True when the range moves with the clock (refresh re-resolves it). */
export function isRelative(raw: RawTimeRange): boolean {
  return raw.from.includes("now") || raw.to.includes("now");
}

/** A short label for the picker (`Last 24h`, `now/d → now/d`, or local times). */
export function describeRange(raw: RawTimeRange): string {
  const m = /^now-(\d+[smhdwMy])$/.exec(raw.from);
  if (m && raw.to === "now") return `Last ${m[1]}`;
  const show = (s: string) => (/^\d+$/.test(s) ? new Date(Number(s)).toLocaleString() : s);
  return `${show(raw.from)} → ${show(raw.to)}`;
}
