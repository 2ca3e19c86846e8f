/**
 * Down intervals from a target's raw `probe_success` samples: each run of failed probes, from
 * the first failure to the first success after it. Computed from the raw samples (a matrix
 * selector), not from a range query's steps, so the edges are the probes' own times.
 */

/** A run of failed probes; `ongoing` when no success followed it. */
export interface DownInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly ongoing: boolean;
}

/**
 * The runs of zeros in `values` (ascending `timestamps`). A run ends at the next success; one
 * still running at the last sample ends there and is `ongoing`. Gaps without samples do not
 * split a run: nothing says the target came back. Runs never overlap, so none need merging.
 */
export function downIntervals(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
): DownInterval[] {
  const out: DownInterval[] = [];
  let start = -1;
  for (let i = 0; i < timestamps.length; i++) {
    const failed = values[i] === 0;
    if (failed && start < 0) start = timestamps[i];
    else if (!failed && start >= 0 && !Number.isNaN(values[i])) {
      out.push({ startMs: start, endMs: timestamps[i], ongoing: false });
      start = -1;
    }
  }
  if (start >= 0)
    out.push({ startMs: start, endMs: timestamps[timestamps.length - 1], ongoing: true });
  return out;
}
