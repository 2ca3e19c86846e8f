import { expect, test } from "bun:test";
import { writeStale } from "../../../shared/model/sample.ts";
import { planReads, SelectedSeries } from "./data.ts";
import { sel } from "./testing.ts";

function series(values: (number | "stale")[]): SelectedSeries {
  const vs = new Float64Array(values.length);
  const words = new Uint32Array(vs.buffer);
  values.forEach((v, i) => {
    if (v === "stale") writeStale(words, i);
    else vs[i] = v;
  });
  const timestamps = Float64Array.from(values, (_, i) => i * 1000);
  return new SelectedSeries({
    labels: ["__name__", "x"],
    length: values.length,
    timestamps,
    values: vs,
  });
}

test("SelectedSeries tells staleness markers from ordinary NaNs", () => {
  const s = series([1, Number.NaN, "stale", 4]);
  expect([0, 1, 2, 3].map((i) => s.isStale(i))).toEqual([false, false, true, false]);
});

test("SelectedSeries.rangeSamples() drops staleness markers and keeps NaNs", () => {
  const { ts, vs } = series([1, "stale", Number.NaN, 4]).rangeSamples();
  expect([...ts]).toEqual([0, 2000, 3000]);
  expect([...vs]).toEqual([1, Number.NaN, 4]);
});

test("SelectedSeries.rangeSamples() returns the stored arrays when there is no marker", () => {
  const s = series([1, 2]);
  expect(s.rangeSamples().vs).toBe(s.vs);
});

test("planReads() reads a matcher set once per span of overlapping ranges", () => {
  const a = sel("x");
  const b = sel("x");
  const c = sel("x");
  const d = sel("y");
  const reads = planReads(
    new Map([
      [a, { start: 0, end: 100 }],
      [b, { start: 50, end: 200 }],
      [c, { start: 1_000, end: 2_000 }],
      [d, { start: 0, end: 10 }],
    ]),
  );
  expect(reads.map((r) => [r.range, r.selectors.length])).toEqual([
    [{ start: 0, end: 200 }, 2],
    [{ start: 1_000, end: 2_000 }, 1],
    [{ start: 0, end: 10 }, 1],
  ]);
});
