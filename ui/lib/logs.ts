/** The Logs page's state in the URL, and its lines: flattened, newest first, with a level. */
import { parseDuration } from "./time.ts";

/** What the Logs page shows. */
export interface LogsState {
  query: string;
  /** The range's length, as a duration (`1h`). */
  range: string;
  /** The range's end in Unix ms (a drag on the volume sets it); null follows the clock. */
  end: number | null;
  /** The order lines are listed in. */
  order: "newest" | "oldest";
  /** Most lines asked of Query, one of LINE_LIMITS. */
  limit: number;
}

/** The line limits offered; LogsService gives at most 5,000. */
export const LINE_LIMITS = [100, 1000, 5000];

/** The Logs page's state when the URL says nothing. */
export const DEFAULT_LOGS: LogsState = {
  query: "",
  range: "1h",
  end: null,
  order: "newest",
  limit: 1000,
};

/** Reads the state from a query string; what is missing or malformed takes its default. */
export function readLogs(search: string): LogsState {
  const p = new URLSearchParams(search);
  const range = p.get("range") ?? "";
  const end = Number(p.get("end"));
  return {
    query: p.get("q") ?? DEFAULT_LOGS.query,
    range: parseDuration(range) === undefined ? DEFAULT_LOGS.range : range,
    end: p.has("end") && Number.isFinite(end) && end > 0 ? Math.round(end) : null,
    order: p.get("order") === "oldest" ? "oldest" : "newest",
    limit: LINE_LIMITS.includes(Number(p.get("limit")))
      ? Number(p.get("limit"))
      : DEFAULT_LOGS.limit,
  };
}

/** The query string of the state. */
export function writeLogs(s: LogsState): string {
  const p = new URLSearchParams();
  if (s.query !== "") p.set("q", s.query);
  p.set("range", s.range);
  if (s.end !== null) p.set("end", String(s.end));
  if (s.order !== "newest") p.set("order", s.order);
  if (s.limit !== DEFAULT_LOGS.limit) p.set("limit", String(s.limit));
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

/** The class of a level, most severe first; its index orders the volume's bars. */
export const LEVEL_CLASSES = ["error", "warn", "info", "debug", "unknown"] as const;

/** Which of LEVEL_CLASSES a level's value belongs to. */
export function levelClass(level: string): (typeof LEVEL_CLASSES)[number] {
  const l = level.toLowerCase();
  if (/^(err|error|fatal|crit|critical|panic|emerg|alert)$/.test(l)) return "error";
  if (/^(warn|warning)$/.test(l)) return "warn";
  if (/^(info|notice|information)$/.test(l)) return "info";
  if (/^(debug|trace)$/.test(l)) return "debug";
  return "unknown";
}

/** The Mantine colour of a level: error red, warn orange, info blue, debug grey. */
export function levelColor(level: string): string {
  return { error: "red", warn: "orange", info: "blue", debug: "gray", unknown: "dark" }[
    levelClass(level)
  ];
}

/** A level's colour in the volume bars, as a CSS colour readable in both themes. */
export function levelStroke(level: string): string {
  return {
    error: "#e03131",
    warn: "#f76707",
    info: "#1c7ed6",
    debug: "#868e96",
    unknown: "#a9a27c",
  }[levelClass(level)];
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

/** A leading stream selector, quoted strings and all (sticky: reset `lastIndex` before use). */
const SELECTOR = /\s*(\{(?:[^}"`]|"(?:[^"\\]|\\.)*"|`[^`]*`)*\})/y;

/**
 * What Volume can count of a log query: its stream selector and the line filters right after
 * it (`{…} |= "x" != "y"`); parsers and what follows them are left out. The query itself when
 * it does not start with a selector.
 */
export function selectorOf(query: string): string {
  SELECTOR.lastIndex = 0;
  const m = SELECTOR.exec(query);
  if (m === null) return query;
  let end = SELECTOR.lastIndex;
  const filter = /\s*(?:\|=|!=|\|~|!~)\s*(?:"(?:[^"\\]|\\.)*"|`[^`]*`)/y;
  filter.lastIndex = end;
  while (filter.exec(query) !== null) end = filter.lastIndex;
  return query.slice(0, end).trim();
}

/** The query's stream selector alone (`{…}`), or null when it does not start with one. */
export function streamSelectorOf(query: string): string | null {
  SELECTOR.lastIndex = 0;
  return SELECTOR.exec(query)?.[1] ?? null;
}

/**
 * The stored stream a line came from, among `candidates` (Series' label sets for the query's
 * selector): the largest whose every label the line has with the same value. A parser stage
 * adds labels to a line's stream, so its labels are not a stored stream's; null when none fits.
 */
export function streamOf(
  line: readonly Pair[],
  candidates: readonly (readonly Pair[])[],
): readonly Pair[] | null {
  const have = new Map(line.map((p) => [p.name, p.value]));
  let best: readonly Pair[] | null = null;
  for (const c of candidates)
    if (c.every((p) => have.get(p.name) === p.value) && (best === null || c.length > best.length))
      best = c;
  return best;
}

/** Lines held back while a tail is paused: `fresh` on top, the oldest beyond `cap` dropped. */
export function holdLines<T>(
  held: readonly T[],
  fresh: readonly T[],
  cap: number,
): { kept: T[]; dropped: number } {
  const all = [...fresh, ...held];
  return { kept: all.slice(0, cap), dropped: Math.max(0, all.length - cap) };
}
