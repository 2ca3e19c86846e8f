/** What the main thread and the rate helper thread share (parallel_rate.ts). */

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
