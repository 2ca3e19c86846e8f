import { readFileSync } from "node:fs";

/**
 * The local time zone's abbreviation (`UTC`, `CET`, `EDT`), which node_exporter reports as the
 * `time_zone` label from Go's time.Now().Zone(). JavaScript has no such API (Intl prints
 * `GMT+1` for CET), so the abbreviation comes from the TZif file Go itself would load, and the
 * UTC offset from the JavaScript clock.
 */

/** A TZif file reduced to what naming the zone needs. */
export interface ZoneInfo {
  /** Transition times in seconds since the epoch, ascending. */
  transitions: number[];
  /** Index into `types` of the type in force from each transition on. */
  transitionTypes: number[];
  types: { offset: number; abbreviation: string }[];
  /** The POSIX TZ rule for times after the last transition (v2+ footer), or "". */
  footer: string;
  /** The footer's zone names and offsets. */
  rule: ReturnType<typeof footerNames>;
}

/** Which file Go loads as time.Local, following its TZ rules; null means UTC. */
export function localZoneFile(tz: string | undefined): string | null {
  if (tz === undefined) return "/etc/localtime";
  const name = tz.startsWith(":") ? tz.slice(1) : tz;
  if (name === "" || name === "UTC") return null;
  return name.startsWith("/") ? name : `/usr/share/zoneinfo/${name}`;
}

/** Parses a TZif file (RFC 8536), preferring its 64-bit data when it has some. */
export function parseTzif(data: Uint8Array): ZoneInfo {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = String.fromCharCode(...data.subarray(0, 4));
  if (magic !== "TZif") throw new SyntaxError("Cannot parse zone file: no TZif magic");
  const v1 = readBlock(view, 0, 4);
  if (data[4] === 0) return { ...v1.zone, footer: "", rule: footerNames("") };
  const v2 = readBlock(view, v1.end, 8);
  const footerEnd = data.indexOf(10, v2.end + 1);
  const footer =
    footerEnd > v2.end ? String.fromCharCode(...data.subarray(v2.end + 1, footerEnd)) : "";
  return { ...v2.zone, footer, rule: footerNames(footer) };
}

function readBlock(view: DataView, at: number, timeSize: 4 | 8) {
  const count = (i: number) => view.getUint32(at + 20 + 4 * i);
  const [isut, isstd, leap, time, type, chars] = [0, 1, 2, 3, 4, 5].map(count);
  let p = at + 44;
  const transitions: number[] = [];
  for (let i = 0; i < time; i++, p += timeSize) {
    transitions.push(timeSize === 4 ? view.getInt32(p) : Number(view.getBigInt64(p)));
  }
  const transitionTypes: number[] = [];
  for (let i = 0; i < time; i++) transitionTypes.push(view.getUint8(p++));
  const raw: { offset: number; index: number }[] = [];
  for (let i = 0; i < type; i++, p += 6) {
    raw.push({ offset: view.getInt32(p), index: view.getUint8(p + 5) });
  }
  const abbrevs = new Uint8Array(view.buffer, view.byteOffset + p, chars);
  const types = raw.map(({ offset, index }) => {
    const end = abbrevs.indexOf(0, index);
    return {
      offset,
      abbreviation: String.fromCharCode(...abbrevs.subarray(index, end < 0 ? chars : end)),
    };
  });
  p += chars + leap * (timeSize + 4) + isstd + isut;
  return { zone: { transitions, transitionTypes, types }, end: p };
}

/** The abbreviation in force at `seconds` whose UTC offset is `offset` (seconds east of UTC). */
export function zoneName(zone: ZoneInfo, seconds: number, offset: number): string {
  const n = zone.transitions.length;
  if (n > 0 && seconds < zone.transitions[n - 1]) {
    let i = 0;
    while (i + 1 < n && zone.transitions[i + 1] <= seconds) i++;
    if (seconds >= zone.transitions[0]) return zone.types[zone.transitionTypes[i]].abbreviation;
  }
  const rule = zone.rule;
  if (rule.std && rule.stdOffset === offset) return rule.std;
  if (rule.dst && rule.dstOffset === offset) return rule.dst;
  // After the last transition with no usable footer: the last type, as Go does.
  const last = n > 0 ? zone.transitionTypes[n - 1] : 0;
  return zone.types[last]?.abbreviation ?? "UTC";
}

/** Names and offsets of a POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`, `<+03>-3`, `UTC0`). */
export function footerNames(tz: string) {
  let p = 0;
  const name = (): string => {
    if (tz[p] === "<") {
      const end = tz.indexOf(">", p);
      const out = tz.slice(p + 1, end);
      p = end + 1;
      return out;
    }
    const start = p;
    while (p < tz.length && /[A-Za-z]/.test(tz[p])) p++;
    return tz.slice(start, p);
  };
  const offsetOf = (): number | null => {
    const m = /^([+-]?)(\d+)(?::(\d+))?(?::(\d+))?/.exec(tz.slice(p));
    if (!m) return null;
    p += m[0].length;
    const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    // POSIX offsets are west of UTC: CET-1 is one hour east.
    return m[1] === "-" || secs === 0 ? secs : -secs;
  };
  const std = name();
  const stdOffset = offsetOf();
  const dst = name();
  const explicit = dst && tz[p] !== "," ? offsetOf() : null;
  const dstOffset = explicit ?? (stdOffset === null ? null : stdOffset + 3600);
  return { std, stdOffset, dst, dstOffset };
}

let local: ZoneInfo | null | undefined;

/** The local zone's abbreviation and offset at `ms`, as Go's time.Now().Zone() reports them. */
export function localZone(ms: number): { name: string; offset: number } {
  // `|| 0` turns UTC's -0 into the 0 node_exporter reports.
  const offset = -new Date(ms).getTimezoneOffset() * 60 || 0;
  if (local === undefined) local = loadLocal();
  if (local === null) return { name: "UTC", offset: 0 };
  return { name: zoneName(local, Math.floor(ms / 1000), offset), offset };
}

/** Go falls back to UTC when the zone file cannot be read; so does this. */
function loadLocal(): ZoneInfo | null {
  const file = localZoneFile(process.env.TZ);
  if (file === null) return null;
  try {
    return parseTzif(readFileSync(file));
  } catch {
    return null;
  }
}
