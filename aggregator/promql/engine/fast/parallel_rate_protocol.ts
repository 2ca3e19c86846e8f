/** What the main thread and the rate helper thread share (parallel_rate.ts). */
import type { SlideCall } from "./slide_kernel.ts";

/** Cells of the shared control array. */
export const Control = {
  /** Series the helper has finished, in order. */
  Produced: 0,
  /** Series whose results the main thread has taken (their slots are free again). */
  Consumed: 1,
  /** Set by the main thread: stop the job. */
  Cancel: 2,
  /** The job the helper finished last. */
  Done: 3,
  /** Set by the helper when its job failed. */
  Failed: 4,
  /** The job running now. */
  Job: 5,
} as const;

/** Result slots of the ring: the helper runs at most this many series ahead. */
export const RING_SLOTS = 256;

/** The ring of result slots: `steps` values and presence bytes per slot. */
export interface RingArrays {
  readonly steps: number;
  readonly values: Float64Array;
  readonly present: Uint8Array;
  readonly counts: Int32Array;
}

/**
 * The fold state of a job's groups in shared memory: `groups × steps` slots per array, group
 * `g` at [g × steps, (g + 1) × steps). `mean` and `count` are empty for the folds that use
 * neither (sum, min, max).
 */
export interface FoldState {
  readonly groups: number;
  readonly value: Float64Array;
  readonly aux: Float64Array;
  readonly mean: Float64Array;
  readonly count: Float64Array;
  readonly seen: Uint8Array;
}

/** Who claimed a block of a hand-off job (WalkJob.owners). */
export const Owner = { Helper: 1, Main: 2 } as const;

/**
 * A hand-off job (parallel_rate.ts, HelperJob): the helper walks the series of the blocks it
 * claims, in order, into the ring.
 */
export interface WalkJob {
  readonly type: "job";
  readonly job: number;
  readonly call: WalkCall;
  /** The series' slices, as describe() writes them. */
  readonly parts: Int32Array;
  readonly ring: RingArrays;
  /** Series per block. */
  readonly block: number;
  /** Block `j`'s claim (shared, taken with Atomics.compareExchange): 0, or an Owner. */
  readonly owners: Int32Array;
}

/** The range-function call a job walks (walks.ts): its function, windows and arguments. */
export interface WalkCall extends SlideCall {
  readonly func: string;
}

/**
 * A job of whole groups (helped_fold.ts): both threads claim groups in turn from `claims`,
 * rate each member and fold it into its group.
 */
export interface FoldJob {
  readonly type: "fold";
  readonly job: number;
  readonly call: WalkCall;
  /** The series' slices, as describe() writes them, group after group. */
  readonly parts: Int32Array;
  /** Group `g`'s series are [groupStart[g], groupStart[g + 1]) of `parts`. */
  readonly groupStart: Int32Array;
  /** The next group to claim (shared, taken with Atomics.add). */
  readonly claims: Int32Array;
  /** The aggregation operator: a key of FOLDS. */
  readonly op: string;
  /** Written by the helper: the steps each series it rated produced. */
  readonly counts: Int32Array;
  /** The helper's groups' state, by group. */
  readonly state: FoldState;
}

/** Folds that read and write `mean` and `count`. */
export function foldNeedsCounts(op: string): boolean {
  return op !== "sum" && op !== "min" && op !== "max";
}

/** Shared fold state for `groups` groups of `steps` steps. */
export function foldState(op: string, groups: number, steps: number): FoldState {
  const size = groups * steps;
  const f64 = (n: number) => new Float64Array(new SharedArrayBuffer(n * 8));
  const counted = foldNeedsCounts(op) ? size : 0;
  return {
    groups,
    value: f64(size),
    aux: f64(size),
    mean: f64(counted),
    count: f64(counted),
    seen: new Uint8Array(new SharedArrayBuffer(size)),
  };
}

/** Group `g`'s arrays of a fold state, as views. */
export function stateOf(state: FoldState, g: number, steps: number) {
  const at = g * steps;
  const slot = <T extends Float64Array | Uint8Array>(a: T): T =>
    (a.length === 0 ? a : a.subarray(at, at + steps)) as T;
  return {
    value: slot(state.value),
    aux: slot(state.aux),
    mean: slot(state.mean),
    count: slot(state.count),
    seen: slot(state.seen),
  };
}
