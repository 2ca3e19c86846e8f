/**
 * The calendar functions (`year()`, `day_of_week(v)`, …): the UTC date parts of a Unix time
 * in whole seconds, computed from the day count with Howard Hinnant's civil-date algorithm
 * rather than a Date object per value.
 */

const SECONDS_PER_DAY = 86_400;

/** Year, month (1–12) and day (1–31) of a day count since 1970-01-01. */
function civil(days: number): { y: number; m: number; d: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function dayCount(seconds: number): number {
  return Math.floor(seconds / SECONDS_PER_DAY);
}

function secondOfDay(seconds: number): number {
  return seconds - dayCount(seconds) * SECONDS_PER_DAY;
}

function guard(f: (seconds: number) => number): (seconds: number) => number {
  return (seconds) => (Number.isFinite(seconds) ? f(seconds) : Number.NaN);
}

/** Calendar functions by name, each taking whole Unix seconds. */
export const DATE_FUNCTIONS: Readonly<Record<string, (seconds: number) => number>> = {
  year: guard((s) => civil(dayCount(s)).y),
  month: guard((s) => civil(dayCount(s)).m),
  day_of_month: guard((s) => civil(dayCount(s)).d),
  day_of_year: guard((s) => {
    const { y, m, d } = civil(dayCount(s));
    return DAYS_BEFORE_MONTH[m - 1] + d + (m > 2 && isLeap(y) ? 1 : 0);
  }),
  // 1970-01-01 was a Thursday (4).
  day_of_week: guard((s) => (((dayCount(s) + 4) % 7) + 7) % 7),
  days_in_month: guard((s) => {
    const { y, m } = civil(dayCount(s));
    return m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1];
  }),
  hour: guard((s) => Math.floor(secondOfDay(s) / 3600)),
  minute: guard((s) => Math.floor(secondOfDay(s) / 60) % 60),
};
