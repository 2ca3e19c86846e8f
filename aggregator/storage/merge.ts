import type { SeriesSamples } from "./storage.ts";

/**
 * Merges the samples of one series from two sources into one ascending run; where both have
 * a sample at the same timestamp, `preferred`'s wins (the head's, being the newest word).
 */
export function mergeSamples(preferred: SeriesSamples, other: SeriesSamples): SeriesSamples {
  if (other.length === 0) return preferred;
  if (preferred.length === 0) return other;
  const n = preferred.length + other.length;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const out = new Uint32Array(values.buffer);
  const pw = words(preferred);
  const ow = words(other);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < preferred.length || j < other.length) {
    const tp = i < preferred.length ? preferred.timestamps[i] : Infinity;
    const to = j < other.length ? other.timestamps[j] : Infinity;
    if (tp <= to) {
      timestamps[k] = tp;
      out[2 * k] = pw[2 * i];
      out[2 * k + 1] = pw[2 * i + 1];
      i++;
      if (to === tp) j++;
    } else {
      timestamps[k] = to;
      out[2 * k] = ow[2 * j];
      out[2 * k + 1] = ow[2 * j + 1];
      j++;
    }
    k++;
  }
  return {
    labels: preferred.labels,
    length: k,
    timestamps: timestamps.subarray(0, k),
    values: values.subarray(0, k),
  };
}

function words(s: SeriesSamples): Uint32Array {
  return new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.length);
}
