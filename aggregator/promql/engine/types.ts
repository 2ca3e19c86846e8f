/**
 * The engine's internal values. Every node evaluates over a step grid at once: a vector is a
 * list of series, each holding one value per step and a presence mask, so that no per-step
 * objects exist; a scalar is one value per step; a range vector (only a top-level result or a
 * function argument) keeps raw timestamps.
 */
import type { Labels } from "../../../shared/model/labels.ts";

/** The evaluation steps: `start + i * step` for `i` in `[0, n)`. */
export interface Grid {
  readonly start: number;
  readonly step: number;
  readonly n: number;
}

/** The last step's time. */
export function gridEnd(grid: Grid): number {
  return grid.start + (grid.n - 1) * grid.step;
}

/** One series of an instant vector over the grid. */
export interface StepSeries {
  labels: Labels;
  readonly values: Float64Array;
  /** 1 where the series has a value at that step. */
  readonly present: Uint8Array;
  /** Prometheus's delayed name removal: drop `__name__` when the query finishes. */
  dropName: boolean;
}

/** One series of a range vector: ascending timestamps, staleness markers removed. */
export interface RangeSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly dropName: boolean;
}

/** A node's value. */
export type Value =
  | { readonly kind: "vector"; readonly series: StepSeries[] }
  | { readonly kind: "scalar"; readonly values: Float64Array }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "matrix"; readonly series: RangeSeries[] };

/**
 * Receives the series of a vector one at a time. `values` and `present` are the producer's
 * scratch buffers: read them before returning, copy what must outlive the call.
 */
export type SeriesSink = (
  labels: Labels,
  values: Float64Array,
  present: Uint8Array,
  dropName: boolean,
) => void;

/** Counts the steps a presence mask marks. */
export function countPresent(present: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < present.length; i++) n += present[i];
  return n;
}

/** A scalar that holds `v` at every step. */
export function constantScalar(n: number, v: number): Float64Array {
  return new Float64Array(n).fill(v);
}
