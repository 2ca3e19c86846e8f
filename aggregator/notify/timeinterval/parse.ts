/**
 * Reading a `time_intervals` entry's strings (`monday:friday`, `-3:-1`, `09:00`) into ranges,
 * refusing what Alertmanager 0.25 refuses with its wording.
 */
import { MONTH_NAMES, WEEKDAY_NAMES } from "../../../shared/time/names.ts";
import { knownZone } from "../../template/time.ts";
import type { InclusiveRange, TimeInterval, TimeRange } from "./model.ts";

const WEEKDAYS = WEEKDAY_NAMES.map((d) => d.toLowerCase());
const MONTHS = MONTH_NAMES.map((m) => m.toLowerCase());

/** The strings of one decoded time interval, as written. */
export interface WrittenInterval {
  times?: { start_time?: string; end_time?: string }[];
  weekdays?: string[];
  days_of_month?: string[];
  months?: string[];
  years?: string[];
  location?: string;
}

/** Splits `a:b` (or `a`) into its two ends. */
function ends(text: string): [string, string] {
  const parts = text.split(":");
  if (parts.length > 2) throw new RangeError(`couldn't parse range ${text}, invalid format`);
  return [parts[0], parts[parts.length - 1]];
}

/** Go's strconv.Atoi, with its message. */
function atoi(text: string): number {
  if (!/^[-+]?\d+$/.test(text))
    throw new RangeError(`strconv.Atoi: parsing "${text}": invalid syntax`);
  return Number(text);
}

function weekday(text: string): InclusiveRange {
  const [a, b] = ends(text).map((s) => {
    const i = WEEKDAYS.indexOf(s.toLowerCase());
    if (i < 0) throw new RangeError(`${s} is not a valid weekday`);
    return i;
  });
  if (a > b) throw new RangeError("start day cannot be before end day");
  return { begin: a, end: b };
}

function dayOfMonth(text: string): InclusiveRange {
  const [a, b] = ends(text).map((s) => {
    const d = atoi(s);
    if (d === 0 || d < -31 || d > 31) {
      throw new RangeError(`${d} is not a valid day of the month: out of range`);
    }
    return d;
  });
  if (a < 0 && b > 0) throw new RangeError("end day must be negative if start day is negative");
  if (Math.sign(a) === Math.sign(b) && b < a) {
    throw new RangeError(`end day ${b} is always before start day ${a}`);
  }
  return { begin: a, end: b };
}

function month(text: string): InclusiveRange {
  const [a, b] = ends(text).map((s) => {
    const i = MONTHS.indexOf(s.toLowerCase());
    if (i >= 0) return i + 1;
    // 0.25 takes any number here; one outside 1-12 never matches.
    if (/^[-+]?\d+$/.test(s)) return Number(s);
    throw new RangeError(`${s} is not a valid month`);
  });
  if (b < a) {
    const name = (m: number) => MONTHS[m - 1] ?? String(m);
    throw new RangeError(`end month ${name(b)} is before start month ${name(a)}`);
  }
  return { begin: a, end: b };
}

function year(text: string): InclusiveRange {
  const [a, b] = ends(text).map(atoi);
  if (b < a) throw new RangeError(`end year ${b} is before start year ${a}`);
  return { begin: a, end: b };
}

const CLOCK = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

function minuteOfDay(text: string): number {
  const m = CLOCK.exec(text);
  if (m === null) throw new RangeError(`couldn't parse timestamp ${text}, invalid format`);
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

function timeRange(t: { start_time?: string; end_time?: string }): TimeRange {
  if (!t.start_time || !t.end_time) {
    throw new RangeError("both start and end times must be provided");
  }
  const startMinute = minuteOfDay(t.start_time);
  const endMinute = minuteOfDay(t.end_time);
  if (startMinute >= endMinute) {
    throw new RangeError("start time cannot be equal or greater than end time");
  }
  return { startMinute, endMinute };
}

/** The zone a `location` names: undefined for UTC; `Local` is this machine's zone. */
function location(text: string | undefined): string | undefined {
  if (text === undefined || text === "" || text === "UTC") return undefined;
  if (text === "Local") return Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!knownZone(text)) throw new RangeError(`unknown time zone ${text}`);
  return text;
}

/**
 * Reads a written interval; `fail` receives each problem with the field it concerns (the
 * interval keeps the parts that were right, so one problem does not hide the next).
 */
export function parseTimeInterval(
  w: WrittenInterval,
  fail: (field: string, reason: string) => void,
): TimeInterval {
  const each = <T>(field: string, list: readonly unknown[] | undefined, read: (v: never) => T) => {
    const out: T[] = [];
    for (const v of list ?? []) {
      try {
        out.push(read(v as never));
      } catch (error) {
        fail(field, (error as Error).message);
      }
    }
    return out;
  };
  let zone: string | undefined;
  try {
    zone = location(w.location);
  } catch (error) {
    fail("location", (error as Error).message);
  }
  return {
    times: each("times", w.times, timeRange),
    weekdays: each("weekdays", w.weekdays, weekday),
    daysOfMonth: each("days_of_month", w.days_of_month, dayOfMonth),
    months: each("months", w.months, month),
    years: each("years", w.years, year),
    location: zone,
  };
}
