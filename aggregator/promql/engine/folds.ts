/**
 * The per-step arithmetic of the folding aggregations, one tight loop per operator over a
 * member series' values. Each reproduces Prometheus 3's `aggregation()` exactly, rounding
 * included: the conformance scripts test sums like `1e100 + 1 - 1e100`.
 */
import type { GroupState } from "./aggregate.ts";

/** How an aggregation folds a member series into its group, and reads the result. */
export interface Fold {
  add(g: GroupState, values: Float64Array, present: Uint8Array, n: number): void;
  result(g: GroupState, i: number): number;
  /** True when `add` reads only `present` (count, group): a selector need not read values. */
  readonly presenceOnly?: boolean;
}

const INF = Number.POSITIVE_INFINITY;

/** Kahan–Neumaier step on slot `i` of `sum`/`comp` (Prometheus's `kahanSumInc`). */
function kahanInto(sum: Float64Array, comp: Float64Array, i: number, f: number): void {
  const s = sum[i];
  const t = s + f;
  if (t === INF || t === -INF) comp[i] = 0;
  else comp[i] += lost(s, f, t);
  sum[i] = t;
}

/** What rounding lost when `s + f` gave `t`: the Kahan–Neumaier compensation of one step. */
export function lost(s: number, f: number, t: number): number {
  return Math.abs(s) >= Math.abs(f) ? s - t + f : f - t + s;
}

/** sum: Kahan–Neumaier step by step, as Prometheus's `kahanSumInc`. */
const sum: Fold = {
  add(g, values, present, n) {
    const { value, aux, seen } = g;
    for (let i = 0; i < n; i++) {
      if (!present[i]) continue;
      if (seen[i] === 0) {
        seen[i] = 1;
        value[i] = values[i];
        aux[i] = 0;
      } else kahanInto(value, aux, i, values[i]);
    }
  },
  result: (g, i) => g.value[i] + g.aux[i],
};

/**
 * avg: a compensated running sum divided at the end, unless the sum would overflow, in which
 * case the mean is carried incrementally from there on (seen = 2 marks that switch).
 */
const avg: Fold = {
  add(g, values, present, n) {
    const { value, aux, mean, count, seen } = g;
    for (let i = 0; i < n; i++) {
      if (!present[i]) continue;
      const f = values[i];
      if (seen[i] === 0) {
        seen[i] = 1;
        value[i] = f;
        mean[i] = f;
        aux[i] = 0;
        count[i] = 1;
        continue;
      }
      const c = ++count[i];
      if (seen[i] === 1) {
        const s = value[i];
        const t = s + f;
        if (t !== INF && t !== -INF) {
          kahanInto(value, aux, i, f);
          continue;
        }
        seen[i] = 2;
        mean[i] = s / (c - 1);
        aux[i] /= c - 1;
      }
      const q = (c - 1) / c;
      mean[i] *= q;
      aux[i] *= q;
      kahanInto(mean, aux, i, f / c);
    }
  },
  result: (g, i) =>
    g.seen[i] === 2 ? g.mean[i] + g.aux[i] : g.value[i] / g.count[i] + g.aux[i] / g.count[i],
};

function counting(result: (g: GroupState, i: number) => number): Fold {
  return {
    presenceOnly: true,
    add(g, _values, present, n) {
      // Read once: `count` is made on first use behind a getter.
      const { seen, count } = g;
      for (let i = 0; i < n; i++) {
        if (!present[i]) continue;
        seen[i] = 1;
        count[i]++;
      }
    },
    result,
  };
}

function extreme(better: (candidate: number, current: number) => boolean): Fold {
  return {
    add(g, values, present, n) {
      const { value, seen } = g;
      for (let i = 0; i < n; i++) {
        if (!present[i]) continue;
        const f = values[i];
        if (seen[i] === 0) {
          seen[i] = 1;
          value[i] = f;
        } else if (better(f, value[i]) || Number.isNaN(value[i])) {
          value[i] = f;
        }
      }
    },
    result: (g, i) => g.value[i],
  };
}

/** Welford's running variance: `aux` holds the mean, `value` the sum of squared deviations. */
function variance(result: (v: number) => number): Fold {
  return {
    add(g, values, present, n) {
      const { value, aux, count, seen } = g;
      for (let i = 0; i < n; i++) {
        if (!present[i]) continue;
        const f = values[i];
        if (seen[i] === 0) {
          seen[i] = 1;
          count[i] = 1;
          aux[i] = f;
          value[i] = Number.isFinite(f) ? 0 : Number.NaN;
          continue;
        }
        const c = ++count[i];
        const delta = f - aux[i];
        aux[i] += delta / c;
        value[i] += delta * (f - aux[i]);
      }
    },
    result: (g, i) => result(g.value[i] / g.count[i]),
  };
}

/** The folds by operator name. */
export const FOLDS: Readonly<Record<string, Fold>> = {
  sum,
  avg,
  count: counting((g, i) => g.count[i]),
  group: counting(() => 1),
  min: extreme((f, v) => v > f),
  max: extreme((f, v) => v < f),
  stddev: variance(Math.sqrt),
  stdvar: variance((v) => v),
};
