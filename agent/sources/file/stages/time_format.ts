import { daysFromCivil, daysInMonth } from "../../../../shared/time/civil.ts";
import { compileLayout, hasTimeFields, NAMED_LAYOUTS, T } from "./go_layout.ts";
import { parseLayout, type TimeParts, timeParts } from "./go_parse.ts";
import type { Location } from "./zone.ts";

/**
 * Timestamp formats of the `timestamp` stage: Go layouts and their names, and Promtail's
 * Unix epoch formats. A compiled format turns text into nanoseconds since the epoch.
 */

/** Reads a timestamp; null when the text does not fit. `nowMs` places values without a year. */
export type TimeParser = (value: string, nowMs: number) => bigint | null;

/** Epoch formats and how many decimal digits of a second their unit is. */
const UNIX_FORMATS: Readonly<Record<string, number>> = { Unix: 0, UnixMs: 3, UnixUs: 6, UnixNs: 9 };

/** Checks a format at load time; returns why it cannot be used, or null. */
export function formatProblem(format: string): string | null {
  if (Object.hasOwn(UNIX_FORMATS, format) || Object.hasOwn(NAMED_LAYOUTS, format)) return null;
  if (hasTimeFields(compileLayout(format))) return null;
  return `"${format}" is neither a format name (RFC3339, Unix, …) nor a Go layout: write the reference time Mon Jan 2 15:04:05 MST 2006 as your logs show it, e.g. 2006-01-02T15:04:05.000Z07:00`;
}

/** Compiles a format name or Go layout; values without a zone are read in `location` (else UTC). */
export function compileFormat(format: string, location: Location | null): TimeParser {
  if (Object.hasOwn(UNIX_FORMATS, format)) return unixParser(UNIX_FORMATS[format]);
  const tokens = compileLayout(NAMED_LAYOUTS[format] ?? format);
  const kinds = new Set(tokens.map((t) => t.kind));
  const hasYear = kinds.has(T.longYear) || kinds.has(T.year);
  const hasDate =
    hasYear ||
    [
      T.month,
      T.longMonth,
      T.numMonth,
      T.zeroMonth,
      T.day,
      T.zeroDay,
      T.underDay,
      T.zeroYearDay,
      T.underYearDay,
    ].some((k) => kinds.has(k));
  const parts = timeParts();
  return (value, nowMs) => {
    if (!parseLayout(tokens, value, parts)) return null;
    const ms = toEpochMs(parts, location, nowMs, hasYear, hasDate);
    return ms === null ? null : BigInt(ms) * 1_000_000n + BigInt(parts.nanos);
  };
}

/** Integer and optional fraction of a count of `digits`-decimal units of a second. */
function unixParser(digits: number): TimeParser {
  const scale = 10n ** BigInt(9 - digits);
  return (value) => {
    const dot = value.indexOf(".");
    const whole = dot < 0 ? value : value.slice(0, dot);
    const frac = dot < 0 ? "" : value.slice(dot + 1);
    if (!/^-?\d{1,20}$/.test(whole) || (dot >= 0 && !/^\d{1,9}$/.test(frac))) return null;
    const fracNs =
      frac === "" ? 0n : BigInt(frac.padEnd(9 - digits, "0").slice(0, 9 - digits) || "0");
    const sign = whole.startsWith("-") ? -1n : 1n;
    return BigInt(whole) * scale + sign * fracNs;
  };
}

const DAY_MS = 86_400_000;

/**
 * The instant the parts name. Go would put a value without a year in year 0; logs mean the
 * current year (last year when that lands more than a day ahead: December lines read in
 * January). A time without a date means today (yesterday when more than an hour ahead).
 */
function toEpochMs(
  p: TimeParts,
  location: Location | null,
  nowMs: number,
  hasYear: boolean,
  hasDate: boolean,
): number | null {
  if (!hasYear || !hasDate) {
    const today = new Date(location === null ? nowMs : location.wallAt(nowMs));
    if (!hasYear) p.year = today.getUTCFullYear();
    if (!hasDate) {
      p.month = today.getUTCMonth() + 1;
      p.day = today.getUTCDate();
    }
  }
  if (p.yearDay > 0 && !yearDayToDate(p)) return null;
  if (p.month < 0) p.month = 1;
  if (p.day < 0) p.day = 1;
  if (p.day > daysInMonth(p.year, p.month)) return null;
  let ms = instant(p, location);
  if (!hasYear && hasDate && ms > nowMs + DAY_MS) {
    p.year--;
    ms = instant(p, location);
  } else if (!hasDate && ms > nowMs + DAY_MS / 24) {
    ms -= DAY_MS;
  }
  return ms;
}

function instant(p: TimeParts, location: Location | null): number {
  const wall =
    daysFromCivil(p.year, p.month, p.day) * DAY_MS +
    ((p.hour * 60 + p.minute) * 60 + p.second) * 1000;
  if (!Number.isNaN(p.offset)) return wall - p.offset * 1000;
  return location === null ? wall : wall - location.offsetAtWall(wall);
}

/** Sets month and day from the day of the year; false when the year has no such day. */
function yearDayToDate(p: TimeParts): boolean {
  let left = p.yearDay;
  for (let month = 1; month <= 12; month++) {
    const days = daysInMonth(p.year, month);
    if (left <= days) {
      if (p.month > 0 && p.month !== month) return false;
      p.month = month;
      p.day = left;
      return true;
    }
    left -= days;
  }
  return false;
}
