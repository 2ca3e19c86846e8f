import type { Labels } from "../../../../shared/model/labels.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { Entry } from "./entry.ts";

/** The most label sets a counter takes from extracted values (`value_labels`). */
export const MAX_VALUE_SERIES = 1000;

/** One series of a counter or histogram. */
interface Series {
  /** Flat name/value pairs, as MetricWriter takes them. */
  readonly labels: readonly string[];
  /** A counter's value; a histogram's count. */
  value: number;
  /** A histogram's observations per bucket (not cumulative; the last is +Inf) and their sum. */
  readonly counts: Float64Array | null;
  sum: number;
  /** When it last counted (ms); idle series are dropped. */
  lastMs: number;
  /** False once dropped for idleness, so that the identity cache does not revive it. */
  live: boolean;
}

/**
 * The series of one counter or histogram of a `metrics` stage, by label set. Records of one stream
 * usually share their labels array, so the series is found by the array's identity first
 * and by its text only when a new array comes along.
 */
export class StageSeries {
  private readonly byKey = new Map<string, Series>();
  private readonly byArray = new WeakMap<Labels, Series>();

  constructor(
    private readonly name: string,
    private readonly help: string,
    /** The stream labels kept, or null for all. */
    private readonly keep: readonly string[] | null,
    private readonly maxIdleMs: number,
    /** Extracted values that become labels of the metric only. */
    private readonly values: readonly string[] = [],
    /** A histogram's upper bounds (without +Inf), or null for a counter. */
    private readonly buckets: readonly number[] | null = null,
  ) {}

  /**
   * Adds `delta` to the series of the entry's current labels (and value labels), or observes
   * it for a histogram; false when that would be a new series past {@link MAX_VALUE_SERIES}.
   */
  add(e: Entry, delta: number): boolean {
    const labels = e.currentLabels();
    if (this.values.length > 0) return this.addWithValues(e, labels, delta);
    let s = this.byArray.get(labels);
    if (s === undefined || !s.live) {
      s = this.find(labels);
      this.byArray.set(labels, s);
    }
    this.update(s, e.nowMs, delta);
    return true;
  }

  private update(s: Series, nowMs: number, delta: number): void {
    s.lastMs = nowMs;
    if (s.counts === null) {
      s.value += delta;
      return;
    }
    const b = this.buckets!;
    let i = 0;
    while (i < b.length && delta > b[i]) i++;
    s.counts[i]++;
    s.value++;
    s.sum += delta;
  }

  private newSeries(labels: readonly string[]): Series {
    const counts = this.buckets === null ? null : new Float64Array(this.buckets.length + 1);
    return { labels, value: 0, counts, sum: 0, lastMs: 0, live: true };
  }

  /** The value-label path: one key per entry (a string join), since the values change per line. */
  private addWithValues(e: Entry, labels: Labels, delta: number): boolean {
    const own = new Map<string, string>();
    const picked = this.keep === null ? labels : pick(labels, this.keep);
    for (let i = 0; i < picked.length; i += 2) own.set(picked[i], picked[i + 1]);
    for (const name of this.values) {
      const v = e.extracted.get(name);
      if (v !== undefined && v !== "") own.set(name, v);
    }
    const flat = [...own].flat();
    const key = flat.join("\xff");
    let s = this.byKey.get(key);
    if (s === undefined) {
      if (this.byKey.size >= MAX_VALUE_SERIES) return false;
      s = this.newSeries(flat);
      this.byKey.set(key, s);
    }
    this.update(s, e.nowMs, delta);
    return true;
  }

  /** Writes the family and every live series; forgets those idle past max_idle_duration. */
  collect(w: MetricWriter, nowMs: number, sourceId: string): void {
    w.family(
      this.name,
      this.buckets === null ? "counter" : "histogram",
      this.help || `Counted by a metrics stage of log source ${sourceId}.`,
    );
    for (const [key, s] of this.byKey) {
      if (nowMs - s.lastMs > this.maxIdleMs) {
        s.live = false;
        this.byKey.delete(key);
        continue;
      }
      if (s.counts === null) w.sample(this.name, s.labels, s.value);
      else this.writeHistogram(w, s, s.counts);
    }
  }

  /** `_bucket` (cumulative, `le`), `_sum` and `_count`, as a Prometheus histogram. */
  private writeHistogram(w: MetricWriter, s: Series, counts: Float64Array): void {
    const b = this.buckets!;
    let cumulative = 0;
    for (let i = 0; i <= b.length; i++) {
      cumulative += counts[i];
      const le = i < b.length ? String(b[i]) : "+Inf";
      w.sample(`${this.name}_bucket`, [...s.labels, "le", le], cumulative);
    }
    w.sample(`${this.name}_sum`, s.labels, s.sum);
    w.sample(`${this.name}_count`, s.labels, s.value);
  }

  private find(labels: Labels): Series {
    const picked = this.keep === null ? labels : pick(labels, this.keep);
    const key = picked.join("\xff");
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = this.newSeries(picked);
      this.byKey.set(key, s);
    }
    return s;
  }
}

function pick(labels: Labels, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    if (names.includes(labels[i])) out.push(labels[i], labels[i + 1]);
  }
  return out;
}
