import { compareNames, type Labels } from "../../../../shared/model/labels.ts";
import type { LogRecord } from "../../../../shared/model/log.ts";

/**
 * The mutable view of one log record that stages work on. One Entry is reused for every
 * record a processor sees, and its label map is only built when a stage touches labels, so a
 * pipeline that only filters lines allocates nothing per line.
 */
export class Entry {
  /** Nanoseconds since the epoch; the read time until a `timestamp` stage sets it. */
  timeNs = 0n;
  /** The line, which `output` may replace. */
  line = "";
  /** Values extracted by parsing stages, cleared for every record. */
  readonly extracted = new Map<string, string>();
  /** When the current batch is processed (ms), for `older_than` and metric idleness. */
  nowMs = 0;
  private record: LogRecord = EMPTY;
  private readonly map = new Map<string, string>();
  private mapped = false;
  private touched = false;
  /** The labels built from the map since it was last handed out, or null. */
  private built: Labels | null = null;
  /** The last labels array built, reused while streams repeat (keeps identity stable). */
  private previous: Labels = [];
  private fields: string[] | null = null;

  /** Points the entry at `record`, forgetting everything the previous one left. */
  reset(record: LogRecord, nowMs: number): void {
    this.record = record;
    this.timeNs = record.timeNs;
    this.line = record.line;
    this.nowMs = nowMs;
    if (this.extracted.size > 0) this.extracted.clear();
    this.mapped = false;
    this.touched = false;
    this.built = null;
    this.fields = null;
  }

  /** The stream labels, as a map a stage may edit; building it marks the labels as changed. */
  get labels(): Map<string, string> {
    if (!this.mapped) {
      this.map.clear();
      const l = this.record.labels;
      for (let i = 0; i < l.length; i += 2) this.map.set(l[i], l[i + 1]);
      this.mapped = true;
    }
    this.touched = true;
    this.built = null;
    return this.map;
  }

  /** The value of stream label `name`, without building the map. */
  label(name: string): string | undefined {
    if (this.mapped) return this.map.get(name);
    const l = this.record.labels;
    for (let i = 0; i < l.length; i += 2) if (l[i] === name) return l[i + 1];
    return undefined;
  }

  /** An extracted value, or else a stream label of that name (Promtail seeds extracted data with labels). */
  value(name: string): string | undefined {
    return this.extracted.get(name) ?? this.label(name);
  }

  /** The stream labels as they stand, sorted and flat; the record's own array while untouched. */
  currentLabels(): Labels {
    if (!this.touched) return this.record.labels;
    if (this.built === null) this.built = this.build();
    return this.built;
  }

  /** Sets structured field `name` (replacing an earlier one), copying the record's fields once. */
  setField(name: string, value: string): void {
    if (this.fields === null) this.fields = this.record.fields.slice();
    const f = this.fields;
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === name) {
        f[i + 1] = value;
        return;
      }
    }
    f.push(name, value);
  }

  /** The record as the stages left it: the original object when nothing changed. */
  toRecord(): LogRecord {
    const r = this.record;
    const labels = this.currentLabels();
    if (this.timeNs === r.timeNs && this.line === r.line && labels === r.labels && !this.fields) {
      return r;
    }
    return { timeNs: this.timeNs, labels, line: this.line, fields: this.fields ?? r.fields };
  }

  private build(): Labels {
    const names: string[] = [];
    for (const [name, value] of this.map) if (value !== "") names.push(name);
    names.sort(compareNames);
    // Most records of a stream end with the labels the one before had: hand out the same array.
    if (sameLabels(this.record.labels, names, this.map)) return this.record.labels;
    if (sameLabels(this.previous, names, this.map)) return this.previous;
    const out: string[] = new Array(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      out[2 * i] = names[i];
      out[2 * i + 1] = this.map.get(names[i])!;
    }
    this.previous = out;
    return out;
  }
}

const EMPTY: LogRecord = { timeNs: 0n, labels: [], line: "", fields: [] };

function sameLabels(labels: Labels, names: string[], map: Map<string, string>): boolean {
  if (labels.length !== names.length * 2) return false;
  for (let i = 0; i < names.length; i++) {
    if (labels[2 * i] !== names[i] || labels[2 * i + 1] !== map.get(names[i])) return false;
  }
  return true;
}
