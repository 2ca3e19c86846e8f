/** Helpers for the head's tests and benchmark: building batches and reading results as words. */
import type { DecodedBatch } from "../../../shared/codec/decode.ts";
import type { Labels } from "../../../shared/model/labels.ts";
import { writeStale } from "../../../shared/model/sample.ts";
import type { SampleRows, SeriesSamples } from "../storage.ts";
import { Head } from "./head.ts";

/** A sample for {@link makeBatch}: series index, time, value ("stale" for the marker). */
export type TestSample = readonly [number, number, number | "stale"];

/** Builds a decoded batch over `series` from samples. */
export function makeBatch(series: Labels[], samples: readonly TestSample[]): DecodedBatch {
  const n = samples.length;
  const values = new Float64Array(n);
  const valueWords = new Uint32Array(values.buffer);
  const cols = {
    length: n,
    series: new Int32Array(n),
    timestamps: new Float64Array(n),
    values,
    valueWords,
  };
  samples.forEach(([s, ts, v], i) => {
    cols.series[i] = s;
    cols.timestamps[i] = ts;
    if (v === "stale") writeStale(valueWords, i);
    else values[i] = v;
  });
  return { series, samples: cols, metadata: [], createdMs: 0 };
}

/** A head holding `series`, each with one sample at `t`: its index as the value. */
export function headWith(series: Labels[], t: number): Head {
  const head = new Head();
  head.append(
    makeBatch(
      series,
      series.map((_, i) => [i, t, i]),
    ),
    1,
  );
  return head;
}

/** Times and values of a selected series as `[ts, hi word, lo word]` triples. */
export function wordsOf(s: SeriesSamples): [number, number, number][] {
  const words = new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.length);
  return Array.from({ length: s.length }, (_, i) => [
    s.timestamps[i],
    words[2 * i + 1],
    words[2 * i],
  ]);
}

/** Cut rows as `series{labels} ts hi lo` lines, sorted, for comparisons. */
export function rowLines(rows: SampleRows): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const labels = rows.series[rows.seriesIndex[i]].labels.join(",");
    const hi = rows.valueWords[2 * i + 1];
    out.push(`${labels} ${rows.timestamps[i]} ${hi} ${rows.valueWords[2 * i]}`);
  }
  return out.sort();
}
