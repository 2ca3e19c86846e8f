/**
 * One `journalctl --output=json` entry as a log record: the message is the line, the unit and
 * level are stream labels (few values each), the pid and identifier are structured fields
 * (many values: as labels they would make a stream per process).
 */
import { type Labels, labelsFromRecord } from "../../../shared/model/labels.ts";
import type { LogRecord } from "../../../shared/model/log.ts";

/** syslog priorities (0–7) as the level names Grafana and Loki recognise. */
const LEVELS = [
  "critical", // emerg
  "critical", // alert
  "critical", // crit
  "error",
  "warning",
  "info", // notice
  "info",
  "debug",
] as const;

/** The `level` of a journal PRIORITY, "" when absent or not 0–7. */
export function levelOf(priority: unknown): string {
  const p = typeof priority === "string" && /^[0-7]$/.test(priority) ? Number(priority) : -1;
  return p < 0 ? "" : LEVELS[p];
}

/** Where an entry sits in the journal: its cursor, and the sequence number space it counts in. */
export interface EntryPosition {
  cursor: string;
  /** The cursor's `s=`: the journal's sequence number id. */
  seqnumId: string;
  /** The cursor's `i=` (hexadecimal in the cursor). */
  seqnum: number;
}

/** The `s=` and `i=` of a cursor, or null when it has neither. */
export function parseCursor(cursor: string): EntryPosition | null {
  const s = /(?:^|;)s=([0-9a-f]+)/.exec(cursor)?.[1];
  const i = /(?:^|;)i=([0-9a-f]+)/.exec(cursor)?.[1];
  if (!s || !i) return null;
  return { cursor, seqnumId: s, seqnum: Number.parseInt(i, 16) };
}

/** The shortest cursor journalctl seeks by: the sequence number in its id's space. */
export function cursorAt(seqnumId: string, seqnum: number): string {
  return `s=${seqnumId};i=${seqnum.toString(16)}`;
}

/** Caches stream labels by (unit, level): a few dozen combinations on a host. */
export class JournalLabels {
  private readonly cache = new Map<string, Labels>();

  constructor(private readonly base: Readonly<Record<string, string>>) {}

  /** The labels of an entry of `unit` at `level` ("" leaves the label out). */
  get(unit: string, level: string): Labels {
    const key = `${unit}\xff${level}`;
    let labels = this.cache.get(key);
    if (labels === undefined) {
      const record: Record<string, string> = { ...this.base };
      if (unit !== "") record.unit = unit;
      if (level !== "") record.level = level;
      labels = labelsFromRecord(record);
      // Units come and go (transient scopes): the cache is bounded by being dropped.
      if (this.cache.size >= 1024) this.cache.clear();
      this.cache.set(key, labels);
    }
    return labels;
  }
}

/** A journal field's value as text: a string, or bytes (journalctl's array form) as UTF-8. */
function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return Buffer.from(v.filter((b) => typeof b === "number")).toString("utf8");
  return "";
}

/** The structured fields kept from an entry, by journal field name and field name. */
const FIELDS: readonly (readonly [string, string])[] = [
  ["_PID", "pid"],
  ["SYSLOG_IDENTIFIER", "identifier"],
  ["PRIORITY", "priority"],
  ["_COMM", "comm"],
  ["_TRANSPORT", "transport"],
  ["_HOSTNAME", "hostname"],
];

/**
 * The record of one parsed entry, its message cut at `maxLineBytes`; null when the entry has
 * no cursor or time (then it is not a journalctl entry at all).
 */
export function entryRecord(
  entry: Record<string, unknown>,
  labels: JournalLabels,
  maxLineBytes: number,
): { record: LogRecord; position: EntryPosition } | null {
  const position = parseCursor(text(entry.__CURSOR));
  const micros = text(entry.__REALTIME_TIMESTAMP);
  if (position === null || !/^\d+$/.test(micros)) return null;
  let line = text(entry.MESSAGE);
  if (line.length > maxLineBytes) line = Buffer.from(line).subarray(0, maxLineBytes).toString();
  if (line.endsWith("\n")) line = line.slice(0, -1);
  const fields: string[] = [];
  for (const [from, to] of FIELDS) {
    const v = text(entry[from]);
    if (v !== "") fields.push(to, v);
  }
  const unit = text(entry._SYSTEMD_UNIT);
  const record: LogRecord = {
    timeNs: BigInt(micros) * 1000n,
    labels: labels.get(unit, levelOf(entry.PRIORITY)),
    line,
    fields,
  };
  return { record, position };
}
