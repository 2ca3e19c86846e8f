/**
 * The counter loop over rollup rows (row_counters.ts) against its reference, the row kernels
 * of rollup/kernels.ts over the same window walk: the same values, bit for bit, and the same
 * windows present, over random counters with resets inside rows and between them, rows of one
 * sample, gaps, and windows of one to many rows.
 */
import { expect, test } from "bun:test";
import { Rand } from "../../../../test/harness/promql_differential.ts";
import { ROW_KERNELS, type RowWindow } from "../rollup/kernels.ts";
import { type Rows, rowsFromSamples } from "../rollup/rows.ts";
import { counterRows } from "./row_counters.ts";

const MIN = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % (60 * MIN));

/** A counter's samples at jittered times, with resets and gaps; fractional values at times. */
function counter(r: Rand, n: number): { ts: Float64Array; vs: Float64Array } {
  const ts: number[] = [];
  const vs: number[] = [];
  let t = T0 + r.int(MIN);
  let v = r.int(100);
  for (let i = 0; i < n; i++) {
    t += r.chance(0.05) ? 30 * MIN : 15_000 + r.int(45_000);
    v = r.chance(0.03) ? r.int(10) : v + (r.chance(0.3) ? r.next() * 5 : r.int(20));
    ts.push(t);
    vs.push(v);
  }
  return { ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
}

/** The reference: the walk of windows.ts, the row kernel at each window with rows. */
function reference(rows: Rows, ends: Float64Array, range: number, isRate: boolean) {
  const kernel = ROW_KERNELS[isRate ? "rate" : "increase"];
  const values = new Float64Array(ends.length);
  const present = new Uint8Array(ends.length);
  const w: RowWindow = { rows, a: 0, b: 0, start: 0, end: 0 };
  let lo = 0;
  let hi = 0;
  let touched = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    while (hi < rows.length && rows.ends[hi] <= end) hi++;
    while (lo < hi && rows.ends[lo] <= end - range) lo++;
    if (hi === lo) continue;
    touched += hi - lo;
    Object.assign(w, { a: lo, b: hi, start: end - range, end });
    const v = kernel(w);
    if (v === null) continue;
    values[i] = v;
    present[i] = 1;
  }
  return { values, present, touched };
}

test.each([
  [5, 5, 5],
  [5, 15, 5],
  [60, 60, 60],
  [60, 180, 60],
  [5, 60, 30],
])(
  "rows of %i min, windows of %i min every %i min: as the row kernels give",
  (row, range, step) => {
    const r = new Rand(row * 1000 + range + step);
    for (let k = 0; k < 40; k++) {
      const { ts, vs } = counter(r, 50 + r.int(400));
      const rows = rowsFromSamples(ts, vs, row * MIN);
      const from = Math.floor(ts[0] / (step * MIN)) * step * MIN;
      const ends = Float64Array.from({ length: 200 }, (_, i) => from + i * step * MIN);
      for (const isRate of [true, false]) {
        const want = reference(rows, ends, range * MIN, isRate);
        const values = new Float64Array(ends.length);
        const present = new Uint8Array(ends.length).fill(1);
        const got = counterRows(rows, ends, range * MIN, isRate, values, present);
        expect(Array.from(present)).toEqual(Array.from(want.present));
        const bits = (a: Float64Array, p: Uint8Array) =>
          Array.from(new BigUint64Array(a.buffer)).filter((_, i) => p[i] === 1);
        expect(bits(values, present)).toEqual(bits(want.values, want.present));
        expect(got.count).toBe(want.present.reduce((n, p) => n + p, 0));
        expect(got.touched).toBe(want.touched);
      }
    }
  },
);
