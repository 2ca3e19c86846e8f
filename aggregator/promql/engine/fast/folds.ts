/**
 * The folds of the fast paths: the reference folds (folds.ts) but for a sum without
 * Prometheus's per-step test for an infinite sum. Both threads of a shared fold use these.
 */
import type { Fold } from "../folds.ts";
import { FOLDS, lost } from "../folds.ts";

const INF = Number.POSITIVE_INFINITY;

/**
 * sum: Kahan–Neumaier as kahanInto, but without its test for an infinite sum at each step
 * (a third of the time of `sum(rate(x))` over thousands of series). The test only zeroes the
 * compensation once the sum is infinite; a sum never comes back from ±Inf (it stays there or
 * turns NaN), so zeroing it when the result is read gives the same answer. Members present at
 * every step of a group already seen at every step take a loop without per-step tests.
 */
const fastSum: Fold = {
  add(g, values, present, n) {
    const { value, aux, seen } = g;
    if (g.full && present.indexOf(0) < 0) {
      for (let i = 0; i < n; i++) {
        const f = values[i];
        const s = value[i];
        const t = s + f;
        value[i] = t;
        aux[i] += lost(s, f, t);
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      if (!present[i]) continue;
      const f = values[i];
      if (seen[i] === 0) {
        seen[i] = 1;
        value[i] = f;
        aux[i] = 0;
        continue;
      }
      const s = value[i];
      const t = s + f;
      value[i] = t;
      aux[i] += lost(s, f, t);
    }
    g.full = seen.indexOf(0) < 0;
  },
  result: (g, i) => {
    const v = g.value[i];
    return v === INF || v === -INF ? v : v + g.aux[i];
  },
};

/** The folds by operator name, sum replaced by the one above. */
export const FAST_FOLDS: Readonly<Record<string, Fold>> = { ...FOLDS, sum: fastSum };
