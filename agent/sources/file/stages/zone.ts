/**
 * Time zones for the `timestamp` stage: offsets of IANA locations from the runtime's Intl
 * data, and UTC offsets of common zone abbreviations.
 */

const HOUR = 3600;

/**
 * Abbreviations read with a fixed offset (seconds east of UTC). Go's time.Parse knows only
 * those of its local zone and takes any other as UTC, which silently shifts `EDT` lines by
 * four hours; these are the common unambiguous ones (and CST/IST in their most common
 * sense: US Central, India). Others fall back to the stage's `location`, else UTC.
 */
const ABBREVIATIONS: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  UT: 0,
  Z: 0,
  WET: 0,
  WEST: HOUR,
  BST: HOUR,
  CET: HOUR,
  CEST: 2 * HOUR,
  MET: HOUR,
  MEST: 2 * HOUR,
  EET: 2 * HOUR,
  EEST: 3 * HOUR,
  MSK: 3 * HOUR,
  IST: 5.5 * HOUR,
  HKT: 8 * HOUR,
  SGT: 8 * HOUR,
  AWST: 8 * HOUR,
  JST: 9 * HOUR,
  KST: 9 * HOUR,
  ACST: 9.5 * HOUR,
  ACDT: 10.5 * HOUR,
  AEST: 10 * HOUR,
  AEDT: 11 * HOUR,
  NZST: 12 * HOUR,
  NZDT: 13 * HOUR,
  HST: -10 * HOUR,
  AKST: -9 * HOUR,
  AKDT: -8 * HOUR,
  PST: -8 * HOUR,
  PDT: -7 * HOUR,
  MST: -7 * HOUR,
  MDT: -6 * HOUR,
  CST: -6 * HOUR,
  CDT: -5 * HOUR,
  EST: -5 * HOUR,
  EDT: -4 * HOUR,
  AST: -4 * HOUR,
  ADT: -3 * HOUR,
  NST: -3.5 * HOUR,
  NDT: -2.5 * HOUR,
};

/** The offset (seconds east of UTC) of abbreviation `abbr`, or NaN when it is not known. */
export function abbreviationOffset(abbr: string): number {
  return Object.hasOwn(ABBREVIATIONS, abbr) ? ABBREVIATIONS[abbr] : Number.NaN;
}

/** Whether `name` is a time zone the runtime knows (`Europe/Berlin`, `UTC`, `Local`). */
export function isKnownLocation(name: string): boolean {
  if (name === "Local" || name === "UTC") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Converts wall-clock times in one IANA location to UTC. Intl is slow (microseconds a call),
 * so the offset is computed once per wall-clock hour and cached; offsets change on the hour
 * almost everywhere.
 *
 * `UTC` and `Local` (what the integrations' log stages use) do without Intl: the first
 * Intl.DateTimeFormat in a process pages in ICU's locale data (measured in a bare Bun
 * process: +1 MB anonymous and +4 MB of the binary's pages resident, against +1 and +2 MB for
 * Date's local offset), which an agent reading one service's log paid for nothing. `Local` asks Date for the host's offset instead; `intl: true` keeps the Intl path,
 * the reference zone.test.ts holds the other two to.
 */
export class Location {
  private readonly format: Intl.DateTimeFormat | null;
  private readonly cache = new Map<number, number>();
  private lastAt = Number.NaN;
  private lastWall = 0;

  constructor(
    readonly name: string,
    opts: { intl?: boolean } = {},
  ) {
    this.format = (name === "Local" || name === "UTC") && !opts.intl ? null : intlFormat(name);
  }

  /** The UTC offset (ms) in force at wall-clock time `wallMs` (a UTC-based count of the wall time). */
  offsetAtWall(wallMs: number): number {
    const hour = Math.floor(wallMs / 3_600_000);
    let offset = this.cache.get(hour);
    if (offset === undefined) {
      // The offset at the instant the wall time would be in UTC is right unless a change lies
      // between the two; a second look from the corrected instant settles it.
      const first = this.offsetAt(wallMs);
      offset = this.offsetAt(wallMs - first);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hour, offset);
    }
    return offset;
  }

  /**
   * The wall-clock time (as a UTC-based ms count) of instant `utcMs` here. The last answer
   * is kept: callers ask about the same instant (a batch's "now") for line after line.
   */
  wallAt(utcMs: number): number {
    if (utcMs !== this.lastAt) {
      this.lastAt = utcMs;
      this.lastWall = utcMs + this.offsetAt(utcMs);
    }
    return this.lastWall;
  }

  /** The UTC offset (ms) in force at instant `utcMs`. */
  offsetAt(utcMs: number): number {
    // `0 -`: a host on UTC gets +0, as Intl gives, not -0.
    if (this.format === null)
      return this.name === "UTC" ? 0 : 0 - new Date(utcMs).getTimezoneOffset() * 60_000;
    const parts = this.format.formatToParts(new Date(utcMs));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(
      get("year"),
      get("month") - 1,
      get("day"),
      get("hour"),
      get("minute"),
      get("second"),
    );
    return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  }
}

/** The formatter that reads a location's wall-clock time at an instant. */
function intlFormat(name: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: name === "Local" ? undefined : name,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
}
