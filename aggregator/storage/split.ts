import { hourOf } from "./catalog/entry.ts";
import type { SampleRows } from "./storage.ts";

/**
 * Splits rows by the hour partition of their timestamps: a flush after an outage may hold
 * several hours, and each file belongs to exactly one hour folder.
 */
export function splitByHour(rows: SampleRows): Map<number, SampleRows> {
  const counts = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) {
    const h = hourOf(rows.timestamps[i]);
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  if (counts.size <= 1) {
    const only = counts.keys().next();
    return only.done ? new Map() : new Map([[only.value, rows]]);
  }
  const parts = new Map<number, Builder>();
  for (const [h, n] of counts) parts.set(h, new Builder(rows, n));
  for (let i = 0; i < rows.length; i++) parts.get(hourOf(rows.timestamps[i]))!.copy(i);
  return new Map([...parts].map(([h, b]) => [h, b.build()]));
}

class Builder {
  private n = 0;
  private readonly seriesIndex: Int32Array;
  private readonly timestamps: Float64Array;
  private readonly values: Float64Array;
  private readonly valueWords: Uint32Array;

  constructor(
    private readonly from: SampleRows,
    size: number,
  ) {
    this.seriesIndex = new Int32Array(size);
    this.timestamps = new Float64Array(size);
    this.values = new Float64Array(size);
    this.valueWords = new Uint32Array(this.values.buffer);
  }

  copy(i: number): void {
    const j = this.n++;
    const f = this.from;
    this.seriesIndex[j] = f.seriesIndex[i];
    this.timestamps[j] = f.timestamps[i];
    // Word copies keep the staleness marker's NaN bits.
    this.valueWords[2 * j] = f.valueWords[2 * i];
    this.valueWords[2 * j + 1] = f.valueWords[2 * i + 1];
  }

  build(): SampleRows {
    const { seriesIndex, timestamps, values, valueWords } = this;
    return {
      series: this.from.series,
      length: this.n,
      seriesIndex,
      timestamps,
      values,
      valueWords,
    };
  }
}
