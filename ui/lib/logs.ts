/** The Logs page's state in the URL, and its lines: flattened, newest first, with a level. */
import { parseDuration } from "./time.ts";

/** What the Logs page shows. */
export interface LogsState {
  query: string;
  /** The range's length, as a duration (`1h`), ending now. */
  range: string;
}

/** The Logs page's state when the URL says nothing. */
export const DEFAULT_LOGS: LogsState = { query: "", range: "1h" };

/** Reads the state from a query string; what is missing or malformed takes its default. */
export function readLogs(search: string): LogsState {
  const p = new URLSearchParams(search);
  const range = p.get("range") ?? "";
  return {
    query: p.get("q") ?? DEFAULT_LOGS.query,
    range: parseDuration(range) === undefined ? DEFAULT_LOGS.range : range,
  };
}

/** The query string of the state. */
export function writeLogs(s: LogsState): string {
  const p = new URLSearchParams();
  if (s.query !== "") p.set("q", s.query);
  p.set("range", s.range);
  return `?${p.toString()}`;
}

interface Pair {
  name: string;
  value: string;
}

/** One log line with its stream, as the page lists it. */
export interface LogLine {
  /** Unique within one page: stream, time and position. */
  key: string;
  timeNs: bigint;
  line: string;
  labels: readonly Pair[];
  metadata: readonly Pair[];
  level: string;
}

interface StreamLike {
  labels: readonly Pair[];
  entries: readonly { timeNs: bigint; line: string; metadata: readonly Pair[] }[];
}

/** The level a line is shown with: `level`, then `detected_level`, of metadata or labels. */
export function levelOf(labels: readonly Pair[], metadata: readonly Pair[]): string {
  for (const name of ["level", "detected_level"])
    for (const set of [metadata, labels]) {
      const found = set.find((l) => l.name === name);
      if (found) return found.value.toLowerCase();
    }
  return "";
}

/** The Mantine colour of a level: error red, warn amber, info blue, debug grey. */
export function levelColor(level: string): string {
  if (/^(err|error|fatal|crit|critical|panic|emerg|alert)$/.test(level)) return "red";
  if (/^(warn|warning)$/.test(level)) return "yellow";
  if (/^(info|notice|information)$/.test(level)) return "blue";
  if (/^(debug|trace)$/.test(level)) return "gray";
  return "dark";
}

/** A level's colour in the volume graph, as a CSS colour readable in both themes. */
export function levelStroke(level: string): string {
  return (
    { red: "#e03131", yellow: "#f59f00", blue: "#1c7ed6", gray: "#868e96" }[levelColor(level)] ??
    "#12b886"
  );
}

/** The streams' entries as lines, newest first (ties keep the streams' order). */
export function flattenLines(streams: readonly StreamLike[], prefix = ""): LogLine[] {
  const out: LogLine[] = [];
  streams.forEach((s, si) => {
    s.entries.forEach((e, ei) => {
      out.push({
        key: `${prefix}${si}:${ei}:${e.timeNs}`,
        timeNs: e.timeNs,
        line: e.line,
        labels: s.labels,
        metadata: e.metadata,
        level: levelOf(s.labels, e.metadata),
      });
    });
  });
  return out.sort((a, b) => (a.timeNs < b.timeNs ? 1 : a.timeNs > b.timeNs ? -1 : 0));
}

/** A nanosecond time as local `YYYY-MM-DD HH:MM:SS.mmm`. */
export function formatLogTime(timeNs: bigint): string {
  const d = new Date(Number(timeNs / 1_000_000n));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

/** The stream selector of a log query (`{…}`), for Volume; the query itself when none is found. */
export function selectorOf(query: string): string {
  const m = /^\s*(\{[^}]*\})/.exec(query);
  return m ? m[1] : query;
}
