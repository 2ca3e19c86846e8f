import type { SampleRows, SeriesRef } from "../storage.ts";
import type { SampleColumns } from "./chunk.ts";

/** Growable `SampleRows` columns: what `cut()` hands out and the head's list of late samples. */
export class RowsBuilder {
  length = 0;
  seriesIndex = new Int32Array(256);
  timestamps = new Float64Array(256);
  values = new Float64Array(256);
  valueWords = new Uint32Array(this.values.buffer);

  /** Appends one sample (its value as 32-bit words). */
  push(series: number, ts: number, lo: number, hi: number): void {
    if (this.length === this.seriesIndex.length) this.grow(this.length + 1);
    const i = this.length++;
    this.seriesIndex[i] = series;
    this.timestamps[i] = ts;
    this.valueWords[2 * i] = lo;
    this.valueWords[2 * i + 1] = hi;
  }

  /** Appends samples `from … to-1` of decoded columns. */
  pushRun(series: number, cols: SampleColumns, from: number, to: number): void {
    const n = to - from;
    if (this.length + n > this.seriesIndex.length) this.grow(this.length + n);
    const at = this.length;
    this.seriesIndex.fill(series, at, at + n);
    this.timestamps.set(cols.timestamps.subarray(from, to), at);
    this.valueWords.set(cols.words.subarray(2 * from, 2 * to), 2 * at);
    this.length += n;
  }

  /** Bytes the columns hold. */
  bytes(): number {
    return this.seriesIndex.length * 20;
  }

  /** The rows so far, over `series`. */
  build(series: readonly SeriesRef[]): SampleRows {
    const n = this.length;
    const values = this.values.subarray(0, n);
    return {
      series,
      length: n,
      seriesIndex: this.seriesIndex.subarray(0, n),
      timestamps: this.timestamps.subarray(0, n),
      values,
      valueWords: new Uint32Array(values.buffer, values.byteOffset, 2 * n),
    };
  }

  private grow(need: number): void {
    const cap = Math.max(need, 2 * this.seriesIndex.length);
    const seriesIndex = new Int32Array(cap);
    seriesIndex.set(this.seriesIndex);
    const timestamps = new Float64Array(cap);
    timestamps.set(this.timestamps);
    const values = new Float64Array(cap);
    const valueWords = new Uint32Array(values.buffer);
    valueWords.set(this.valueWords);
    this.seriesIndex = seriesIndex;
    this.timestamps = timestamps;
    this.values = values;
    this.valueWords = valueWords;
  }
}
