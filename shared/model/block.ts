import { isStaleAt, writeStale } from "./sample.ts";
import type { Series } from "./series.ts";

/**
 * A columnar run of samples (typically one scrape): series, timestamp (ms) and value per row.
 * Columns are typed arrays so that no sample costs an allocation; the block grows by doubling.
 */
export class SampleBlock {
  series: Series[] = [];
  timestamps: Float64Array;
  values: Float64Array;
  /** The value column seen as 32-bit words: the only safe way to carry staleness markers. */
  valueWords: Uint32Array;
  length = 0;

  constructor(capacity = 256) {
    this.timestamps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.valueWords = new Uint32Array(this.values.buffer);
  }

  /** Appends one sample. */
  push(series: Series, timestampMs: number, value: number): void {
    if (this.length === this.timestamps.length) this.grow();
    const i = this.length++;
    this.series[i] = series;
    this.timestamps[i] = timestampMs;
    this.values[i] = value;
  }

  /** Appends a staleness marker for `series`. */
  pushStale(series: Series, timestampMs: number): void {
    if (this.length === this.timestamps.length) this.grow();
    const i = this.length++;
    this.series[i] = series;
    this.timestamps[i] = timestampMs;
    writeStale(this.valueWords, i);
  }

  /** True when row `i` is a staleness marker. */
  isStale(i: number): boolean {
    return isStaleAt(this.valueWords, i);
  }

  /** Copies row `i` of `from` to the end of this block, staleness bits included. */
  copyRow(from: SampleBlock, i: number): void {
    if (this.length === this.timestamps.length) this.grow();
    const j = this.length++;
    this.series[j] = from.series[i];
    this.timestamps[j] = from.timestamps[i];
    this.valueWords[2 * j] = from.valueWords[2 * i];
    this.valueWords[2 * j + 1] = from.valueWords[2 * i + 1];
  }

  /** Empties the block, keeping its capacity. */
  clear(): void {
    this.series.length = 0;
    this.length = 0;
  }

  private grow(): void {
    const cap = this.timestamps.length * 2;
    const ts = new Float64Array(cap);
    ts.set(this.timestamps);
    const vs = new Float64Array(cap);
    vs.set(this.values);
    this.timestamps = ts;
    this.values = vs;
    this.valueWords = new Uint32Array(vs.buffer);
  }
}
