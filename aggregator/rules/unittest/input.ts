/**
 * A test group's `input_series` loaded into memory: each description's values placed one
 * `interval` apart from time 0, `_` left out and `stale` written as the staleness marker,
 * in the notation the PromQL test scripts use (the promqltest parser reads both).
 */

import { parseSeriesDesc } from "../../promql/promqltest/series.ts";
import { type MemorySample, MemoryStorage } from "../../storage/memory.ts";

/** One `input_series` entry. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** The storage a test group starts with; throws a SyntaxError for a bad description. */
export function loadInputSeries(input: readonly InputSeries[], intervalMs: number): MemoryStorage {
  const storage = new MemoryStorage();
  for (const { series, values } of input) {
    const desc = parseSeriesDesc(`${series} ${values}`);
    const samples: MemorySample[] = [];
    desc.values.forEach((v, i) => {
      // Native histograms are not modelled (series.ts): such points are left out.
      if (v === "_" || v === "histogram") return;
      samples.push([i * intervalMs, v]);
    });
    storage.append(desc.labels, samples);
  }
  return storage;
}
