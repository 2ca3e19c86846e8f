import { describe, expect, test } from "bun:test";
import { Density, type Span } from "./windows.ts";

// File 0: 100 rows over [0, 99]; file 1: 10 rows, all at time 500; file 2: 100 rows over [1000, 1099].
const spans: Span[] = [
  { file: 0, minNs: 0n, maxNs: 99n, rows: 100 },
  { file: 1, minNs: 500n, maxNs: 500n, rows: 10 },
  { file: 2, minNs: 1000n, maxNs: 1099n, rows: 100 },
];
const density = new Density(spans);

describe("Density.estimate()", () => {
  test.each([
    [0n, 100n, 100],
    [0n, 50n, 50],
    [50n, 1050n, 110],
    [500n, 501n, 10],
    [501n, 1000n, 0],
    [-1000n, 5000n, 210],
  ])("counts rows in [%p, %p) as %p", (lo, hi, want) => {
    expect(density.estimate(lo, hi)).toBeCloseTo(want, 6);
  });
});

describe("Density.files()", () => {
  test.each([
    [0n, 2000n, [0, 1, 2]],
    [99n, 500n, [0]],
    [100n, 501n, [1]],
    [501n, 1000n, []],
  ])("lists the files overlapping [%p, %p)", (lo, hi, want) => {
    expect(density.files(lo, hi)).toEqual(want);
  });
});

describe("Density.edge()", () => {
  test.each([
    ["backward, a window of about 50 rows", 1100n, 0n, 50, 1050n],
    ["backward past an empty stretch to the next rows", 1000n, 0n, 5, 500n],
    ["backward to the bound when the rest is short", 1100n, 0n, 1000, 0n],
    ["forward, a window of about 50 rows", 0n, 1100n, 50, 50n],
    ["forward over the single-time file", 100n, 1100n, 10, 501n],
    ["never an empty window", 1100n, 0n, 0, 1099n],
  ])("%s", (_, from, bound, target, want) => {
    expect(density.edge(from, bound, target)).toBe(want);
  });
});
