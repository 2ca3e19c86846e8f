/**
 * Whether a time falls in a time interval, as Alertmanager decides it for
 * `mute_time_intervals` and `active_time_intervals`. Zones are read through Intl, so a
 * location follows the same tz database rules (summer time included) as Go's.
 */
import { daysInMonth } from "../../../shared/time/civil.ts";
import type { InclusiveRange, TimeInterval } from "./model.ts";

/** A time's calendar fields in a zone. */
interface Civil {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "numeric",
      minute: "numeric",
    });
    formats.set(zone, f);
  }
  return f;
}

/** The calendar fields of `date` in `zone` (UTC when undefined). */
export function civilTime(date: Date, zone?: string): Civil {
  if (zone === undefined || zone === "UTC") {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
      minute: date.getUTCHours() * 60 + date.getUTCMinutes(),
    };
  }
  const parts: Record<string, string> = {};
  for (const p of format(zone).formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday],
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const within = (ranges: readonly InclusiveRange[], v: number) =>
  ranges.length === 0 || ranges.some((r) => v >= r.begin && v <= r.end);

/** Whether `date` falls in the interval. */
export function containsTime(interval: TimeInterval, date: Date): boolean {
  const t = civilTime(date, interval.location);
  if (
    interval.times.length > 0 &&
    !interval.times.some((r) => t.minute >= r.startMinute && t.minute < r.endMinute)
  ) {
    return false;
  }
  if (!within(interval.weekdays, t.weekday)) return false;
  if (!within(interval.months, t.month)) return false;
  if (!within(interval.years, t.year)) return false;
  return interval.daysOfMonth.length === 0 || interval.daysOfMonth.some((r) => dayIn(r, t));
}

/**
 * A day-of-month range in the month of `t`: negative days count back from its last day, a
 * range reaching past the month's end stops there, one starting past it matches nothing.
 */
function dayIn(range: InclusiveRange, t: Civil): boolean {
  const days = daysInMonth(t.year, t.month);
  const resolve = (d: number) => (d < 0 ? days + d + 1 : d);
  const begin = resolve(range.begin);
  if (begin > days) return false;
  const end = Math.min(resolve(range.end), days);
  return t.day >= Math.max(begin, -days) && t.day <= end;
}

/** Whether `date` falls in any of the intervals (a named interval's list). */
export function isActive(intervals: readonly TimeInterval[], date: Date): boolean {
  return intervals.some((i) => containsTime(i, date));
}
