/**
 * An in-memory Queryable for the conformance scripts: series held as typed arrays with
 * staleness markers written bit-exact, answering the storage seam exactly as the real
 * stores do (sorted series, inclusive ranges, Prometheus matcher semantics).
 */

import { compareLabels, type Labels } from "../../../shared/model/labels.ts";
import { sortUtf8 } from "../../../shared/model/order.ts";
import { isStaleAt, writeStale } from "../../../shared/model/sample.ts";
import { lowerBound, upperBound } from "../../../shared/model/search.ts";
import { compileMatchers } from "../../storage/matchers.ts";
import type {
  LabelMatcher,
  Querier,
  Queryable,
  SeriesSamples,
  TimeRange,
} from "../../storage/storage.ts";

/** A sample to append: time in ms and a value, or `"stale"` for the staleness marker. */
export type MemorySample = readonly [t: number, v: number | "stale"];

interface StoredSeries {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** Mutable test storage: `append` and `clear` between queries; each query sees a snapshot. */
export class MemoryStorage implements Queryable {
  #series = new Map<string, StoredSeries>();
  #sorted: StoredSeries[] | null = null;
  #version = 0;

  /** Changes whenever the data does: views of it (modes.ts) reload then. */
  get version(): number {
    return this.#version;
  }

  /**
   * Adds samples to the series `labels` (sorted, without empty values), creating it. Samples
   * are kept ascending by time; a later sample at an existing time replaces the earlier one.
   */
  append(labels: Labels, samples: readonly MemorySample[]): void {
    if (samples.length === 0) return;
    const key = JSON.stringify(labels);
    const old = this.#series.get(key);
    const merged = new Map<number, number | "stale">();
    if (old !== undefined) {
      const words = wordsOf(old.values);
      for (let i = 0; i < old.timestamps.length; i++) {
        merged.set(old.timestamps[i], isStaleAt(words, i) ? "stale" : old.values[i]);
      }
    }
    for (const [t, v] of samples) merged.set(t, v);
    const times = [...merged.keys()].sort((a, b) => a - b);
    const timestamps = Float64Array.from(times);
    const values = new Float64Array(times.length);
    const words = wordsOf(values);
    times.forEach((t, i) => {
      const v = merged.get(t)!;
      if (v === "stale") writeStale(words, i);
      else values[i] = v;
    });
    this.#series.set(key, { labels, timestamps, values });
    this.#sorted = null;
    this.#version++;
  }

  /** Drops every series. */
  clear(): void {
    this.#series.clear();
    this.#sorted = null;
    this.#version++;
  }

  /** Opens a view over the series stored now; later appends do not change it. */
  async querier(): Promise<Querier> {
    this.#sorted ??= [...this.#series.values()].sort((a, b) => compareLabels(a.labels, b.labels));
    return new MemoryQuerier(this.#sorted);
  }
}

function wordsOf(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
}

/** A snapshot of the storage's series, sorted by labels. */
class MemoryQuerier implements Querier {
  constructor(private readonly series: readonly StoredSeries[]) {}

  /** Series matching every matcher that have samples in `range`, sorted by labels. */
  async select(matchers: readonly LabelMatcher[], range: TimeRange): Promise<SeriesSamples[]> {
    const matches = compileMatchers(matchers);
    const out: SeriesSamples[] = [];
    for (const s of this.series) {
      if (!matches(s.labels)) continue;
      const lo = lowerBound(s.timestamps, range.start);
      const hi = upperBound(s.timestamps, range.end);
      if (hi <= lo) continue;
      out.push({
        labels: s.labels,
        length: hi - lo,
        timestamps: s.timestamps.subarray(lo, hi),
        values: s.values.subarray(lo, hi),
      });
    }
    return out;
  }

  /** Label names of the matching series with samples in `range`, sorted. */
  async labelNames(matchers: readonly LabelMatcher[], range: TimeRange): Promise<string[]> {
    const names = new Set<string>();
    for (const labels of await this.#labels(matchers, range)) {
      for (let i = 0; i < labels.length; i += 2) names.add(labels[i]);
    }
    return sortUtf8([...names]);
  }

  /** Values of label `name` over the matching series with samples in `range`, sorted. */
  async labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    range: TimeRange,
  ): Promise<string[]> {
    const values = new Set<string>();
    for (const labels of await this.#labels(matchers, range)) {
      for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) values.add(labels[i + 1]);
    }
    return sortUtf8([...values]);
  }

  /** Nothing to release: the snapshot's arrays are never written again. */
  close(): void {}

  async #labels(matchers: readonly LabelMatcher[], range: TimeRange): Promise<Labels[]> {
    return (await this.select(matchers, range)).map((s) => s.labels);
  }
}
