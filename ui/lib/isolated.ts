/**
 * Samples with no neighbour. A line needs two adjacent points, so a sample between gaps (the
 * first rate() of a fresh install, a scrape that succeeded once) draws nothing; Grafana and
 * Prometheus's graphs show such a sample as a dot, and so does Explore's.
 */
import type uPlot from "uplot";

/**
 * The indices in `ys[from..to]` (inclusive) of values whose neighbours on both sides are
 * missing; null when there are none (uPlot's `points.filter` answer for "no dots").
 */
export function isolatedPoints(
  ys: ArrayLike<number | null | undefined>,
  from = 0,
  to = ys.length - 1,
): number[] | null {
  const out: number[] = [];
  for (let i = Math.max(0, from); i <= Math.min(to, ys.length - 1); i++) {
    if (ys[i] == null) continue;
    if ((i === 0 || ys[i - 1] == null) && (i === ys.length - 1 || ys[i + 1] == null)) out.push(i);
  }
  return out.length > 0 ? out : null;
}

/** uPlot's `points.filter`: nothing when it shows every point anyway, else the lone samples in view. */
export function isolatedFilter(u: uPlot, si: number, show: boolean): number[] | null {
  if (show) return null;
  const [from, to] = u.series[si].idxs ?? [];
  return isolatedPoints(u.data[si], from ?? undefined, to ?? undefined);
}
