/**
 * Counter and gauge change kernels: rate, increase, delta (Prometheus 3's extrapolation),
 * irate, idelta (last two samples), changes, resets. Float samples only; start timestamps
 * (OTel created-time resets) are not modelled because storage does not keep them.
 *
 * These are the reference: the engine's reference mode runs every window through them. In
 * the default mode rate/increase/delta take the sliding-window path in ../engine/fast/
 * (`fast_rate.ts` repeats this extrapolation per window shape, `sliding.ts` drives it over
 * stored slices and the helper thread), held to these kernels bit for bit by the conformance
 * modes and the differential test (promqltest/modes.ts, test/harness/promql_differential.ts).
 */
import type { Window } from "./range.ts";

/**
 * A window length in seconds exactly as Go's `time.Duration.Seconds()` computes it (whole
 * seconds plus the remainder in ns / 1e9), so `rate` divides by the same float Prometheus does.
 */
export function rangeSeconds(rangeMs: number): number {
  const whole = Math.trunc(rangeMs / 1000);
  const remainderNs = (rangeMs - whole * 1000) * 1e6;
  return whole + remainderNs / 1e9;
}

/**
 * rate/increase/delta: the change over the samples in the window, extrapolated towards the
 * window's edges (`extrapolate`).
 */
function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | null {
  const { ts, vs, lo, hi } = w;
  const last = hi - 1;
  if (last - lo < 1) return null;
  let result = vs[last] - vs[lo];
  if (isCounter) {
    // A drop is a reset: the counter restarted from zero, so what it had reached is added back.
    for (let i = lo + 1; i <= last; i++) {
      if (vs[i] < vs[i - 1]) result += vs[i - 1];
    }
  }
  return extrapolate(result, ts[lo], vs[lo], ts[last], hi - lo, w.start, w.end, isCounter, isRate);
}

/**
 * Extrapolates `result`, the change over `count` samples from (`firstT`, `firstV`) to the one at
 * `lastT`, over the window (`start`, `end`],
 * towards its edges. An edge is extrapolated to fully when the nearest sample is
 * within 1.1 average sample intervals of it, else by half an interval; a counter is never
 * extrapolated below zero. Shared by the kernels and the rollup path (engine/rollup/), which
 * must round exactly as they do.
 */
export function extrapolate(
  result: number,
  firstT: number,
  firstV: number,
  lastT: number,
  count: number,
  start: number,
  end: number,
  isCounter: boolean,
  isRate: boolean,
): number {
  let durationToStart = (firstT - start) / 1000;
  let durationToEnd = (end - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageInterval = sampledInterval / (count - 1);
  const threshold = averageInterval * 1.1;
  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  if (isCounter && result > 0 && firstV >= 0) {
    // Where the counter's slope would have reached zero: the series cannot start before that.
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;
  let factor =
    sampledInterval !== 0
      ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval
      : 1;
  if (isRate) factor /= rangeSeconds(end - start);
  return result * factor;
}

/** `rate(v[d])`: per-second increase of a counter, extrapolated to the window. */
export function funcRate(w: Window): number | null {
  return extrapolatedRate(w, true, true);
}

/** `increase(v[d])`: increase of a counter over the window, extrapolated. */
export function funcIncrease(w: Window): number | null {
  return extrapolatedRate(w, true, false);
}

/** `delta(v[d])`: change of a gauge over the window, extrapolated. */
export function funcDelta(w: Window): number | null {
  return extrapolatedRate(w, false, false);
}

/**
 * irate/idelta from the last two samples. For irate a drop is a reset, so the increase is the
 * last value itself; a NaN compares as no reset and yields NaN.
 */
function instantValue(w: Window, isRate: boolean): number | null {
  const { ts, vs, hi } = w;
  if (hi - w.lo < 2) return null;
  const interval = ts[hi - 1] - ts[hi - 2];
  if (interval === 0) return null;
  const prev = vs[hi - 2];
  const curr = vs[hi - 1];
  if (!isRate) return curr - prev;
  const increase = curr < prev ? curr : curr - prev;
  return increase / (interval / 1000);
}

/** `irate(v[d])`: per-second rate between the last two samples. */
export function funcIrate(w: Window): number | null {
  return instantValue(w, true);
}

/** `idelta(v[d])`: difference between the last two samples. */
export function funcIdelta(w: Window): number | null {
  return instantValue(w, false);
}

/** `changes(v[d])`: how often the value changed; NaN followed by NaN is no change. */
export function funcChanges(w: Window): number | null {
  const { vs, lo, hi } = w;
  if (hi <= lo) return null;
  let changes = 0;
  for (let i = lo + 1; i < hi; i++) {
    const prev = vs[i - 1];
    const curr = vs[i];
    if (curr !== prev && !(Number.isNaN(curr) && Number.isNaN(prev))) changes++;
  }
  return changes;
}

/** `resets(v[d])`: how often the value dropped (counter resets). */
export function funcResets(w: Window): number | null {
  const { vs, lo, hi } = w;
  if (hi <= lo) return null;
  let resets = 0;
  for (let i = lo + 1; i < hi; i++) {
    if (vs[i] < vs[i - 1]) resets++;
  }
  return resets;
}
