/**
 * The in-memory Queryable of the tests (the engine's, the conformance runner's, the API's):
 * series held as typed arrays with staleness markers written bit-exact, answering the storage
 * seam exactly as the real stores do (sorted series, inclusive ranges, only series with
 * samples in the range, Prometheus matcher semantics).
 */

import { compareLabels, type Labels, labelsFromRecord } from "../../shared/model/labels.ts";
import { isStaleAt, writeStale } from "../../shared/model/sample.ts";
import { lowerBound, upperBound } from "../../shared/model/search.ts";
import { labelNamesOf, labelValuesOf } from "./labels.ts";
import { compileMatchers } from "./matchers.ts";
import type { LabelMatcher, Querier, Queryable, SeriesSamples, TimeRange } from "./storage.ts";

/** A sample to append: time in ms and a value, or `"stale"` for the staleness marker. */
export type MemorySample = readonly [t: number, v: number | "stale"];

interface StoredSeries {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/**
 * Mutable test storage: `append` (or the builders `add`, `addEvery`, `addSeries`) and
 * `clear` between queries; each query sees a snapshot.
 */
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

  /** Adds a series with samples `[t, v]` (a builder for tests). */
  add(labels: Record<string, string>, samples: readonly MemorySample[]): this {
    this.append(labelsFromRecord(labels), samples);
    return this;
  }

  /** Adds a series with a value every `stepMs` from 0 (`null` leaves a gap). */
  addEvery(
    labels: Record<string, string>,
    stepMs: number,
    values: readonly (number | "stale" | null)[],
  ): this {
    const samples: MemorySample[] = [];
    values.forEach((v, i) => {
      if (v !== null) samples.push([i * stepMs, v]);
    });
    return this.add(labels, samples);
  }

  /**
   * Adds ready-made series (ascending timestamps, arrays kept as they are): benchmarks build
   * millions of samples. A series already held is merged sample by sample.
   */
  addSeries(series: readonly SeriesSamples[]): this {
    for (const s of series) {
      const key = JSON.stringify(s.labels);
      const timestamps = s.timestamps.subarray(0, s.length);
      const values = s.values.subarray(0, s.length);
      if (!this.#series.has(key)) this.#series.set(key, { labels: s.labels, timestamps, values });
      else this.append(s.labels, samplesOf(timestamps, values));
    }
    this.#sorted = null;
    this.#version++;
    return this;
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
    return memoryQuerier(this.#sorted);
  }
}

function samplesOf(timestamps: Float64Array, values: Float64Array): MemorySample[] {
  const words = wordsOf(values);
  return Array.from(
    timestamps,
    (t, i): MemorySample => [t, isStaleAt(words, i) ? "stale" : values[i]],
  );
}

function wordsOf(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
}

/**
 * A snapshot of the storage's series, sorted by labels. A plain object, so that a test can
 * spread it to replace one of its methods.
 */
function memoryQuerier(series: readonly StoredSeries[]): Querier {
  /** Series matching every matcher that have samples in `range`, sorted by labels. */
  const select = async (
    matchers: readonly LabelMatcher[],
    range: TimeRange,
  ): Promise<SeriesSamples[]> => {
    const matches = compileMatchers(matchers);
    const out: SeriesSamples[] = [];
    for (const s of series) {
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
  };
  const labelsOf = async (matchers: readonly LabelMatcher[], range: TimeRange) =>
    (await select(matchers, range)).map((s) => s.labels);
  return {
    select,
    labelNames: async (matchers, range) => labelNamesOf(await labelsOf(matchers, range)),
    labelValues: async (name, matchers, range) =>
      labelValuesOf(name, await labelsOf(matchers, range)),
    // Nothing to release: the snapshot's arrays are never written again.
    close() {},
  };
}
