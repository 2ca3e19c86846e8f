/**
 * Calendar arithmetic without Date (which is ms-only and local-time prone), shared by the
 * time parsers of the HTTP APIs and of the agent's timestamp stage.
 */

/** Days in `month` (1–12) of a proleptic Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Reads RFC 3339 with an optional fraction (Go's `time.RFC3339Nano` layout): whole Unix
 * seconds and the fraction's first nine digits as nanoseconds; undefined when the text is not
 * such a time, names an impossible date, or has more than `maxFractionDigits` digits.
 */
export function parseRfc3339(
  s: string,
  maxFractionDigits = Number.POSITIVE_INFINITY,
): { seconds: number; nanos: number } | undefined {
  const m = RFC3339.exec(s);
  if (!m || (m[7] !== undefined && m[7].length > maxFractionDigits)) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const nanos = m[7] ? Number(m[7].slice(0, 9).padEnd(9, "0")) : 0;
  const seconds =
    daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetMin * 60;
  return { seconds, nanos };
}
