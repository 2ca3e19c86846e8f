/**
 * Grafana's reducers (`options.reduceOptions.calcs`, legend calcs): a series' values to one
 * number, with Grafana's semantics (packages/grafana-data/src/transformations/fieldReducer.ts,
 * `doStandardCalcs`): nulls count in `count` but in no sum or extreme; `delta` sums the rises,
 * a counter reset adding the first value after it; `diff` is last non-null minus first non-null.
 */

/** The reducer ids Outpost knows, with the names Grafana's legend headers use. */
export const REDUCERS: Record<string, string> = {
  lastNotNull: "Last *",
  last: "Last",
  first: "First",
  firstNotNull: "First *",
  mean: "Mean",
  max: "Max",
  min: "Min",
  sum: "Total",
  count: "Count",
  range: "Range",
  delta: "Delta",
  diff: "Difference",
  logmin: "Min (above zero)",
  changeCount: "Change count",
  distinctCount: "Distinct count",
  allIsNull: "All null",
  allIsZero: "All zero",
};

/** Legacy ids Grafana migrates (singlestat's `valueName`, old legend names). */
const ALIASES: Record<string, string> = {
  current: "lastNotNull",
  avg: "mean",
  total: "sum",
  lastNotNull: "lastNotNull",
};

/** Every standard figure of a series at once, in one pass as Grafana computes them. */
export interface Calcs {
  first: number | null;
  last: number | null;
  firstNotNull: number | null;
  lastNotNull: number | null;
  mean: number | null;
  max: number | null;
  min: number | null;
  sum: number;
  count: number;
  range: number | null;
  delta: number;
  diff: number | null;
  logmin: number | null;
  allIsNull: boolean;
  allIsZero: boolean;
}

/** All standard figures of `values` (null or NaN are gaps). */
export function standardCalcs(values: readonly (number | null)[]): Calcs {
  const c: Calcs = {
    first: null,
    last: null,
    firstNotNull: null,
    lastNotNull: null,
    mean: null,
    max: null,
    min: null,
    sum: 0,
    count: 0,
    range: null,
    delta: 0,
    diff: null,
    logmin: null,
    allIsNull: true,
    allIsZero: true,
  };
  let previous: number | null = null;
  let rising = true;
  let nonNull = 0;
  values.forEach((raw, i) => {
    const v = raw === null || Number.isNaN(raw) ? null : raw;
    if (i === 0) c.first = v;
    c.last = v;
    c.count++;
    if (v === null) return;
    if (c.firstNotNull === null) c.firstNotNull = v;
    c.lastNotNull = v;
    c.sum += v;
    nonNull++;
    c.allIsNull = false;
    if (v !== 0) c.allIsZero = false;
    if (previous !== null) {
      // Grafana's counter-reset rule: a drop adds nothing (unless it is the last sample);
      // the first rise after it adds the whole new value.
      if (v < previous) {
        rising = false;
        if (i === values.length - 1) c.delta += v;
      } else {
        c.delta += rising ? v - previous : v;
        rising = true;
      }
    }
    previous = v;
    if (c.max === null || v > c.max) c.max = v;
    if (c.min === null || v < c.min) c.min = v;
    if (v > 0 && (c.logmin === null || v < c.logmin)) c.logmin = v;
  });
  if (nonNull > 0) c.mean = c.sum / nonNull;
  if (c.allIsNull) c.allIsZero = false;
  if (c.max !== null && c.min !== null) c.range = c.max - c.min;
  if (c.firstNotNull !== null && c.lastNotNull !== null) c.diff = c.lastNotNull - c.firstNotNull;
  return c;
}

/** One reducer over `values`; booleans become 1/0, unknown ids reduce to null. */
export function reduce(values: readonly (number | null)[], calc: string): number | null {
  const id = ALIASES[calc] ?? calc;
  if (id === "changeCount") {
    let n = 0;
    for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) n++;
    return n;
  }
  if (id === "distinctCount") return new Set(values).size;
  const c = standardCalcs(values);
  if (!(id in c)) return null;
  const v = c[id as keyof Calcs];
  return typeof v === "boolean" ? (v ? 1 : 0) : v;
}

/** The header of a reducer (legend table, stat titles). */
export function reducerName(calc: string): string {
  return REDUCERS[ALIASES[calc] ?? calc] ?? calc;
}
