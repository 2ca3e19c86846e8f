/**
 * stddev_over_time / stdvar_over_time: the reference's arithmetic (range_stats.ts variance():
 * Welford's running mean and sum of squared deviations, each a Kahan–Neumaier sum) on each
 * window, with the sums held in locals and the window read where it lies. Welford's steps
 * divide by the running count, so the result depends on where the window starts: no sliding
 * update gives the same bits, and none is tried.
 */
import type { SlidingKernel } from "./slide_kernel.ts";

/** The population variance of vs[lo, hi) (hi > lo), rounded as the reference rounds it. */
function variance(vs: Float64Array, lo: number, hi: number): number {
  let mean = 0;
  let meanC = 0;
  let aux = 0;
  let auxC = 0;
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i];
    count++;
    const delta = v - (mean + meanC);
    // KahanSum.add(delta / count) on the mean.
    const inc = delta / count;
    let t = mean + inc;
    if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) meanC = 0;
    else if (Math.abs(mean) >= Math.abs(inc)) meanC += mean - t + inc;
    else meanC += inc - t + mean;
    mean = t;
    // KahanSum.add(delta * (v - mean)) on the squared deviations.
    const sq = delta * (v - (mean + meanC));
    t = aux + sq;
    if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) auxC = 0;
    else if (Math.abs(aux) >= Math.abs(sq)) auxC += aux - t + sq;
    else auxC += sq - t + aux;
    aux = t;
  }
  return (aux + auxC) / count;
}

/** stddev_over_time, or stdvar_over_time without `sqrt`, over every window of the plan. */
export function varianceKernel(sqrt: boolean): SlidingKernel {
  return (_call, _ts, vs, plan, values, present) => {
    const { lo: los, hi: his } = plan;
    let count = 0;
    for (let i = plan.from; i < plan.to; i++) {
      const lo = los[i];
      const hi = his[i];
      if (hi <= lo) {
        present[i] = 0;
        continue;
      }
      const v = variance(vs, lo, hi);
      values[i] = sqrt ? Math.sqrt(v) : v;
      present[i] = 1;
      count++;
    }
    return count;
  };
}
