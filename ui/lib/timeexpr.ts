/**
 * Grafana's time expressions for Explore's range: `now`, `now-6h`, `now/d`, `now-1d/d`, an
 * absolute `2026-11-23 04:00[:00]` read in the chosen time zone, or Unix ms. `/unit` rounds down
 * to the unit's start for a range's start and up to its end for the range's end, as Grafana does.
 */

/** Where times are read and shown: the browser's zone, or UTC. */
export type TimeZone = "local" | "utc";

const RELATIVE = /^now(?:([+-])(\d+)([smhdwMy]))?(?:\/([smhdwMy]))?$/;
const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const FIXED_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A Date's calendar fields in `tz`, and the way back to a time. */
function fields(ms: number, tz: TimeZone): number[] {
  const d = new Date(ms);
  return tz === "utc"
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ]
    : [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
}

function toMs(f: number[], tz: TimeZone): number {
  const [y, mo, d, h, mi, s] = f;
  return tz === "utc" ? Date.UTC(y, mo, d, h, mi, s) : new Date(y, mo, d, h, mi, s).getTime();
}

/** `ms` moved by `n` units: calendar units (d, w, M, y) follow the zone's calendar. */
function add(ms: number, n: number, unit: string, tz: TimeZone): number {
  if (unit === "s" || unit === "m" || unit === "h") return ms + n * FIXED_MS[unit];
  const f = fields(ms, tz);
  const ms1000 = ms % 1000;
  if (unit === "d") f[2] += n;
  else if (unit === "w") f[2] += 7 * n;
  else if (unit === "M") f[1] += n;
  else f[0] += n;
  return toMs(f, tz) + ms1000;
}

/** The start of the unit that holds `ms` (weeks start on Monday, as Grafana's default). */
function startOf(ms: number, unit: string, tz: TimeZone): number {
  const f = fields(ms, tz);
  const zero = { s: 6, m: 5, h: 4, d: 3, w: 3, M: 2, y: 1 }[unit]!;
  for (let i = zero; i < 6; i++) f[i] = i === 2 ? 1 : 0;
  if (unit === "w") {
    const day = new Date(toMs(f, tz))[tz === "utc" ? "getUTCDay" : "getDay"]();
    f[2] -= (day + 6) % 7;
  }
  return toMs(f, tz);
}

/**
 * The time `text` names, in Unix ms, with `now` as the clock; `roundUp` for a range's end.
 * Throws a SyntaxError naming the text when it is none of the forms above.
 */
export function parseTimeExpr(text: string, now: number, tz: TimeZone, roundUp = false): number {
  const ms = readTimeExpr(text, now, tz, roundUp);
  // now-1000000y reads, but no Date (nor the API's times) holds it: said, not a NaN later.
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS)
    throw new RangeError(
      `Cannot show the time "${text}": it is further from now than a date can be`,
    );
  return ms;
}

/** The most a JavaScript Date holds either side of 1970, in ms. */
const MAX_DATE_MS = 8.64e15;

function readTimeExpr(text: string, now: number, tz: TimeZone, roundUp: boolean): number {
  const t = text.trim();
  const rel = RELATIVE.exec(t);
  if (rel) {
    const [, sign, n, unit, round] = rel;
    let ms = sign ? add(now, (sign === "-" ? -1 : 1) * Number(n), unit, tz) : now;
    if (round) {
      ms = startOf(ms, round, tz);
      if (roundUp) ms = add(ms, 1, round, tz) - 1;
    }
    return ms;
  }
  if (/^\d{10,}$/.test(t)) return Number(t);
  const abs = ABSOLUTE.exec(t);
  if (abs) {
    const [y, mo, d, h, mi, s] = abs.slice(1).map((x) => Number(x ?? 0));
    const ms = toMs([y, mo - 1, d, h, mi, s], tz);
    // Date rolls 2026-02-30 over into March: a field that moved was out of range.
    const back = fields(ms, tz);
    if (back[1] === mo - 1 && back[2] === d && back[3] === h && back[4] === mi) return ms;
  }
  throw new SyntaxError(
    `Cannot read the time "${text}": write now, now-6h, now/d, now-1d/d, 2026-01-31 13:45 or Unix ms (10 digits or more)`,
  );
}

/** True when `text` is relative to the clock (starts with `now`). */
export function isRelative(text: string): boolean {
  return text.trim().startsWith("now");
}

/** A time as `YYYY-MM-DD HH:MM:SS` in `tz`: what the picker shows and parseTimeExpr() reads back. */
export function formatTime(ms: number, tz: TimeZone): string {
  const [y, mo, d, h, mi, s] = fields(ms, tz);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${y}-${p(mo + 1)}-${p(d)} ${p(h)}:${p(mi)}:${p(s)}`;
}

/** The value of an `<input type="datetime-local">` for `ms` in `tz` (`YYYY-MM-DDTHH:MM:SS`). */
export function toDateTimeInput(ms: number, tz: TimeZone): string {
  return formatTime(ms, tz).replace(" ", "T");
}

/** Where the browser keeps the time zone setting. */
export const TZ_KEY = "outpost-time-zone";

/** The time zone setting kept in `storage` (local when unset or unknown). */
export function storedTimeZone(storage: Pick<Storage, "getItem">): TimeZone {
  return storage.getItem(TZ_KEY) === "utc" ? "utc" : "local";
}
