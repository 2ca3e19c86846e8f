import { MONTH_NAMES, WEEKDAY_NAMES } from "../../../../shared/time/names.ts";
import { type LayoutToken, T } from "./go_layout.ts";
import { abbreviationOffset } from "./zone.ts";

/**
 * Reads a value against a compiled Go layout with the rules of Go's time.Parse: fixed-width
 * fields (`01`, `05`) need both digits, others (`1`, `15`) take one or two; names match
 * without regard to case; a fraction after the seconds is read even when the layout has
 * none; the whole value must be used. Unlike Go, a zone abbreviation Go's local zone would
 * not know is looked up in a table of common ones (see zone.ts).
 */

/** What a value said; -1 marks a date field the layout does not have. */
export interface TimeParts {
  year: number;
  month: number;
  day: number;
  yearDay: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  /** Seconds east of UTC, or NaN when the value named no zone (or one we do not know). */
  offset: number;
}

/** A fresh parts record, reused from line to line by its owner. */
export function timeParts(): TimeParts {
  return {
    year: -1,
    month: -1,
    day: -1,
    yearDay: -1,
    hour: 0,
    minute: 0,
    second: 0,
    nanos: 0,
    offset: Number.NaN,
  };
}

const MONTHS = MONTH_NAMES.map((m) => m.toLowerCase());
const DAYS = WEEKDAY_NAMES.map((d) => d.toLowerCase());

/** Parses `value` into `out`; false when it does not fit the layout or a field is out of range. */
export function parseLayout(
  tokens: readonly LayoutToken[],
  value: string,
  out: TimeParts,
): boolean {
  out.year = out.month = out.day = out.yearDay = -1;
  out.hour = out.minute = out.second = out.nanos = 0;
  out.offset = Number.NaN;
  let p = 0;
  let pm = 0; // 0: no AM/PM field, 1: AM, 2: PM
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const k = tok.kind;
    if (k === T.literal) {
      if (!value.startsWith(tok.text, p)) return false;
      p += tok.text.length;
    } else if (k === T.longYear || k === T.year) {
      p = yearField(value, p, k, out);
    } else if (k >= T.longMonth && k <= T.weekDay) {
      p =
        k === T.numMonth || k === T.zeroMonth
          ? num(value, p, k === T.zeroMonth, out, "month")
          : name(value, p, k, out);
    } else if (k >= T.day && k <= T.zeroYearDay) {
      p = dayField(value, p, k, out);
    } else if (k >= T.hour && k <= T.zeroSecond) {
      p = clockField(value, p, k, out);
      if (p >= 0 && (k === T.second || k === T.zeroSecond) && !nextIsFraction(tokens, i)) {
        p = fraction(value, p, -1, out);
      }
    } else if (k === T.pm || k === T.lowerPm) {
      pm = meridiem(value, p, k === T.pm);
      p = pm === 0 ? -1 : p + 2;
    } else if (k === T.tz) {
      p = abbreviation(value, p, out);
    } else if (k === T.fracSecond0 || k === T.fracSecond9) {
      p = fraction(value, p, k === T.fracSecond0 ? tok.digits : 0, out);
    } else {
      p = numericZone(value, p, k, out);
    }
    if (p < 0) return false;
  }
  if (p !== value.length) return false;
  if (pm !== 0 && out.hour > 12) return false;
  if (pm === 2 && out.hour < 12) out.hour += 12;
  if (pm === 1 && out.hour === 12) out.hour = 0;
  return true;
}

/** `2006` (four digits) or `06` (69–99 is 19xx, the rest 20xx, as in Go). */
function yearField(value: string, p: number, kind: number, out: TimeParts): number {
  const width = kind === T.longYear ? 4 : 2;
  const n = digits(value, p, width);
  if (n < 0) return -1;
  out.year = width === 4 ? n : n >= 69 ? 1900 + n : 2000 + n;
  return p + width;
}

/** 1 for AM, 2 for PM, 0 when neither is at `p` (upper case for `PM`, lower for `pm`, as in Go). */
function meridiem(value: string, p: number, upper: boolean): number {
  const am = upper ? "AM" : "am";
  const pm = upper ? "PM" : "pm";
  if (value.startsWith(am, p)) return 1;
  return value.startsWith(pm, p) ? 2 : 0;
}

/** Exactly `width` digits at `p` as a number, or -1. */
function digits(value: string, p: number, width: number): number {
  let n = 0;
  for (let i = p; i < p + width; i++) {
    const c = value.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** One or two digits (two when `fixed`) into `field`, checked against its range. */
function num(
  value: string,
  p: number,
  fixed: boolean,
  out: TimeParts,
  field: keyof TimeParts,
): number {
  const first = digits(value, p, 1);
  if (first < 0) return -1;
  const second = digits(value, p + 1, 1);
  if (second < 0 && fixed) return -1;
  const n = second < 0 ? first : first * 10 + second;
  if (!inRange(field, n)) return -1;
  out[field] = n;
  return p + (second < 0 ? 1 : 2);
}

const RANGES: Partial<Record<keyof TimeParts, readonly [number, number]>> = {
  month: [1, 12],
  day: [1, 31],
  hour: [0, 23],
  minute: [0, 59],
  second: [0, 59],
};

function inRange(field: keyof TimeParts, n: number): boolean {
  const range = RANGES[field];
  return range === undefined || (n >= range[0] && n <= range[1]);
}

function name(value: string, p: number, kind: number, out: TimeParts): number {
  const months = kind === T.longMonth || kind === T.month;
  const names = months ? MONTHS : DAYS;
  const long = kind === T.longMonth || kind === T.longWeekDay;
  for (let i = 0; i < names.length; i++) {
    const word = long ? names[i] : names[i].slice(0, 3);
    if (value.slice(p, p + word.length).toLowerCase() !== word) continue;
    if (months) out.month = i + 1;
    return p + word.length;
  }
  return -1;
}

function dayField(value: string, p: number, kind: number, out: TimeParts): number {
  if (kind === T.zeroYearDay || kind === T.underYearDay) {
    while (kind === T.underYearDay && value[p] === " ") p++;
    let end = p;
    while (end < p + 3 && digits(value, end, 1) >= 0) end++;
    if (end === p || (kind === T.zeroYearDay && end - p !== 3)) return -1;
    out.yearDay = Number(value.slice(p, end));
    return out.yearDay >= 1 && out.yearDay <= 366 ? end : -1;
  }
  if (kind === T.underDay && value[p] === " ") p++;
  return num(value, p, kind === T.zeroDay, out, "day");
}

function clockField(value: string, p: number, kind: number, out: TimeParts): number {
  if (kind === T.hour) return num(value, p, false, out, "hour");
  if (kind === T.hour12 || kind === T.zeroHour12) {
    const end = num(value, p, kind === T.zeroHour12, out, "hour");
    return end >= 0 && out.hour <= 12 ? end : -1;
  }
  if (kind === T.minute || kind === T.zeroMinute)
    return num(value, p, kind === T.zeroMinute, out, "minute");
  return num(value, p, kind === T.zeroSecond, out, "second");
}

function nextIsFraction(tokens: readonly LayoutToken[], i: number): boolean {
  const next = tokens[i + 1];
  return next !== undefined && (next.kind === T.fracSecond0 || next.kind === T.fracSecond9);
}

/**
 * A `.` or `,` and digits into nanoseconds. `width` > 0 needs exactly that many digits; 0
 * takes any number; -1 (no fraction in the layout) takes any number but also none.
 */
function fraction(value: string, p: number, width: number, out: TimeParts): number {
  const sep = value[p];
  const hasDigit = digits(value, p + 1, 1) >= 0;
  if ((sep !== "." && sep !== ",") || !hasDigit) return width > 0 ? -1 : p;
  let end = p + 1;
  while (digits(value, end, 1) >= 0) end++;
  if (width > 0 && end - p - 1 !== width) return -1;
  // Digits past the ninth are read and ignored, as Go does.
  const text = value.slice(p + 1, Math.min(end, p + 10)).padEnd(9, "0");
  out.nanos = Number(text);
  return end;
}

/** `Z` (only for the ISO kinds) or a sign with hours, then minutes and seconds as the kind says. */
function numericZone(value: string, p: number, kind: number, out: TimeParts): number {
  const iso = kind >= T.isoTz && kind <= T.isoColonSecondsTz;
  if (iso && value[p] === "Z") {
    out.offset = 0;
    return p + 1;
  }
  const sign = value[p] === "+" ? 1 : value[p] === "-" ? -1 : 0;
  if (sign === 0) return -1;
  const shape = iso ? kind - T.isoTz : kind - T.numTz; // 0: hhmm, 1: hhmmss, 2: hh, 3: hh:mm, 4: hh:mm:ss
  const colon = shape >= 3;
  const fields = shape === 2 ? 1 : shape === 1 || shape === 4 ? 3 : 2;
  let q = p + 1;
  let seconds = 0;
  for (let f = 0; f < fields; f++) {
    if (f > 0 && colon && value[q++] !== ":") return -1;
    const n = digits(value, q, 2);
    if (n < 0) return -1;
    seconds = seconds * 60 + n;
    q += 2;
  }
  for (let f = fields; f < 3; f++) seconds *= 60;
  out.offset = sign * seconds;
  return q;
}

/** A zone abbreviation (`UTC`, `CEST`), `GMT+2`, or `+03` as Go's parseTimeZone reads them. */
function abbreviation(value: string, p: number, out: TimeParts): number {
  if (value.startsWith("GMT", p) || value.startsWith("UTC", p)) {
    out.offset = 0;
    const sign = value[p + 3] === "+" ? 1 : value[p + 3] === "-" ? -1 : 0;
    if (sign === 0) return p + 3;
    let end = p + 4;
    while (end < p + 6 && digits(value, end, 1) >= 0) end++;
    if (end === p + 4) return -1;
    out.offset = sign * Number(value.slice(p + 4, end)) * 3600;
    return end;
  }
  if (value[p] === "+" || value[p] === "-")
    return numericZone(value, p, digits(value, p + 3, 2) >= 0 ? T.numTz : T.numShortTz, out);
  let end = p;
  while (end < p + 5 && value.charCodeAt(end) >= 65 && value.charCodeAt(end) <= 90) end++;
  if (end - p < 3) return -1;
  out.offset = abbreviationOffset(value.slice(p, end));
  return end;
}
