/**
 * Prometheus's `labels.Labels.Hash()`: xxHash64 over `name 0xff value 0xff …` in UTF-8.
 * `limit_ratio` picks series by this hash, so it must match byte for byte for a query to
 * keep the same series Prometheus keeps.
 */
import type { Labels } from "../../../shared/model/labels.ts";

const encoder = new TextEncoder();

/** The 64-bit label-set hash, as Prometheus computes it. */
export function prometheusHash(labels: Labels): bigint {
  const parts = labels.map((s) => encoder.encode(s));
  let size = 0;
  for (const p of parts) size += p.length + 1;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
    bytes[at++] = 0xff;
  }
  return BigInt.asUintN(64, BigInt(Bun.hash.xxHash64(bytes)));
}

/** `HashRatioSampler.SampleOffset`: the hash scaled into [0, 1]. */
export function sampleOffset(labels: Labels): number {
  return Number(prometheusHash(labels)) / 2 ** 64;
}

/** `AddRatioSampleWithOffset`: whether a series with this offset is kept for `ratio`. */
export function keepForRatio(ratio: number, offset: number): boolean {
  return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1 + ratio);
}
