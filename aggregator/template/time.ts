/**
 * Go's time formatting for templates: `Time.String()`, `Time.Format(layout)` with Go's
 * reference-time layouts, and `Duration.String()`. Zones other than UTC come from the
 * runtime's IANA data (Intl); their abbreviations are Intl's, which can differ from Go's.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MONTH_NAMES, WEEKDAY_NAMES } from "../../shared/time/names.ts";
import type { GoDuration, GoTime } from "./values.ts";

const NS_PER_S = 1_000_000_000n;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yday: number;
  nanos: number;
  offset: number; // seconds east of UTC
  abbrev: string;
}

/** The wall-clock parts of a time in its zone. */
function parts(t: GoTime): Parts {
  let seconds = t.nanos / NS_PER_S;
  let nanos = Number(t.nanos % NS_PER_S);
  if (nanos < 0) {
    nanos += 1_000_000_000;
    seconds -= 1n;
  }
  const instant = Number(seconds) * 1000;
  const { offset, abbrev } = zoneAt(t.zone, instant);
  const d = new Date(instant + offset * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - start) / 86_400_000) + 1,
    nanos,
    offset,
    abbrev,
  };
}

const ZONEINFO = "/usr/share/zoneinfo";
let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Whether Go's time.LoadLocation finds the IANA zone `name`: the runtime knows it, spelt as
 * the zone database spells it. Go opens the zone's file by name, so `utc` or `europe/berlin`
 * is unknown to it where Intl, which ignores case, takes them.
 */
export function knownZone(name: string): boolean {
  if (name === "" || name === "UTC" || name === "Local") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
  } catch {
    return false;
  }
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (canonicalZones.has(name)) return true;
  // An alias (`US/Eastern`, `EST`): its file, where this machine has the zone files.
  return existsSync(ZONEINFO) ? existsSync(join(ZONEINFO, name)) : true;
}

function zoneAt(zone: string, instant: number): { offset: number; abbrev: string } {
  if (zone === "UTC" || zone === "" || zone === "Local") return { offset: 0, abbrev: "UTC" };
  const text = (style: "longOffset" | "short") =>
    new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: style })
      .formatToParts(instant)
      .find((p) => p.type === "timeZoneName")?.value ?? "";
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(text("longOffset"));
  const offset = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  let abbrev = text("short");
  if (abbrev.startsWith("GMT")) abbrev = zoneNumeric(offset);
  return { offset, abbrev };
}

// Go names a zone without an abbreviation by its offset: "+03", "-0930".
function zoneNumeric(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const h = String(Math.floor(abs / 3600)).padStart(2, "0");
  const m = Math.floor((abs % 3600) / 60);
  return m === 0 ? `${sign}${h}` : `${sign}${h}${String(m).padStart(2, "0")}`;
}

/** Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`. */
export function timeString(t: GoTime): string {
  return formatTime(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

const MONTHS = MONTH_NAMES;
const DAYS = WEEKDAY_NAMES;

// Longest first, as Go's nextStdChunk tries them.
const TOKENS = [
  "January",
  "Monday",
  "2006",
  "-07:00:00",
  "Z07:00:00",
  "-0700",
  "Z0700",
  "-07:00",
  "Z07:00",
  "Jan",
  "Mon",
  "MST",
  "002",
  "__2",
  "-07",
  "Z07",
  "01",
  "02",
  "_2",
  "03",
  "04",
  "05",
  "06",
  "15",
  "PM",
  "pm",
  "1",
  "2",
  "3",
  "4",
  "5",
];

/** Go's `Time.Format(layout)`. */
export function formatTime(t: GoTime, layout: string): string {
  const p = parts(t);
  let out = "";
  let i = 0;
  outer: while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac && /\d/.test(layout[i + frac[0].length] ?? "") === false && fracAllowed(layout, i)) {
      out += fraction(p.nanos, frac[1]!, layout[i]!);
      i += frac[0].length;
      continue;
    }
    for (const tok of TOKENS) {
      if (layout.startsWith(tok, i) && tokenFits(layout, i, tok)) {
        out += token(tok, p);
        i += tok.length;
        continue outer;
      }
    }
    out += layout[i];
    i++;
  }
  return out;
}

// Go reads ".000" as a fraction only right after a seconds field.
function fracAllowed(layout: string, i: number): boolean {
  return /(05|5)$/.test(layout.slice(0, i));
}

function tokenFits(layout: string, i: number, tok: string): boolean {
  // "Jan"/"Mon" followed by a lower-case letter are words ("Monkey"), as in Go.
  if ((tok === "Jan" || tok === "Mon") && /[a-z]/.test(layout[i + 3] ?? "")) return false;
  return true;
}

function fraction(nanos: number, digits: string, sep: string): string {
  const all = String(nanos).padStart(9, "0").slice(0, digits.length);
  if (digits[0] === "0") return sep + all;
  const trimmed = all.replace(/0+$/, "");
  return trimmed === "" ? "" : sep + trimmed;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

function token(tok: string, p: Parts): string {
  switch (tok) {
    case "January":
      return MONTHS[p.month - 1]!;
    case "Jan":
      return MONTHS[p.month - 1]!.slice(0, 3);
    case "Monday":
      return DAYS[p.weekday]!;
    case "Mon":
      return DAYS[p.weekday]!.slice(0, 3);
    case "2006":
      return String(p.year).padStart(4, "0");
    case "06":
      return two(p.year % 100);
    case "01":
      return two(p.month);
    case "1":
      return String(p.month);
    case "02":
      return two(p.day);
    case "_2":
      return String(p.day).padStart(2, " ");
    case "2":
      return String(p.day);
    case "002":
      return String(p.yday).padStart(3, "0");
    case "__2":
      return String(p.yday).padStart(3, " ");
    case "15":
      return two(p.hour);
    case "03":
      return two(p.hour % 12 === 0 ? 12 : p.hour % 12);
    case "3":
      return String(p.hour % 12 === 0 ? 12 : p.hour % 12);
    case "04":
      return two(p.minute);
    case "4":
      return String(p.minute);
    case "05":
      return two(p.second);
    case "5":
      return String(p.second);
    case "PM":
      return p.hour >= 12 ? "PM" : "AM";
    case "pm":
      return p.hour >= 12 ? "pm" : "am";
    case "MST":
      return p.abbrev;
  }
  return offsetToken(tok, p.offset);
}

function offsetToken(tok: string, offset: number): string {
  if (tok.startsWith("Z") && offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const h = two(Math.floor(abs / 3600));
  const m = two(Math.floor((abs % 3600) / 60));
  const s = two(abs % 60);
  const body = tok.replace(/^Z/, "-");
  if (body === "-07") return sign + h;
  if (body === "-0700") return sign + h + m;
  if (body === "-07:00") return `${sign}${h}:${m}`;
  return `${sign}${h}:${m}:${s}`;
}

/** Go's `Duration.String()`: `72h3m0.5s`, `1.5s`, `500ms`, `0s`. */
export function durationString(d: GoDuration): string {
  const neg = d.nanos < 0n;
  const u = neg ? -d.nanos : d.nanos;
  const sign = neg ? "-" : "";
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    const [unit, scale] =
      u < 1000n ? ["ns", 1n] : u < 1_000_000n ? ["µs", 1000n] : ["ms", 1_000_000n];
    return sign + decimal(u, scale) + unit;
  }
  const hours = u / 3_600_000_000_000n;
  const minutes = (u / 60_000_000_000n) % 60n;
  const seconds = decimal(u % 60_000_000_000n, 1_000_000_000n);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function decimal(n: bigint, scale: bigint): string {
  const whole = n / scale;
  const frac = n % scale;
  if (frac === 0n) return String(whole);
  const width = String(scale).length - 1;
  return `${whole}.${String(frac).padStart(width, "0").replace(/0+$/, "")}`;
}
