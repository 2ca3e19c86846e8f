/**
 * Test helpers for the kernels: series written in the conformance scripts' `load` notation
 * (`0+10x10 _ 5 NaN`) and the window a `[range]` selector takes of them at an evaluation time.
 */
import { expect } from "bun:test";
import type { Window } from "./range.ts";

/** One number of the notation (`Inf`, `-Inf`, `NaN` included). */
function parseNumber(text: string): number {
  const v = Number(text.replace(/^\+?Inf$/i, "Infinity").replace(/^-Inf$/i, "-Infinity"));
  if (Number.isNaN(v) && text !== "NaN") throw new Error(`Cannot parse sample value "${text}"`);
  return v;
}

/**
 * Expands load notation into one value per interval, `null` for `_` (no sample):
 * `a+bxN` and `a-bxN` are N+1 values stepping by b, `axN` repeats a N+1 times.
 */
export function expand(notation: string): (number | null)[] {
  const out: (number | null)[] = [];
  for (const token of notation.trim().split(/\s+/)) {
    if (token === "_") {
      out.push(null);
      continue;
    }
    const times = token.match(/^(.+)x(\d+)$/);
    if (!times) {
      out.push(parseNumber(token));
      continue;
    }
    const [, body, count] = times;
    // The step's sign is the last + or - that does not start the token or an exponent.
    const op = body.search(/(?<=[^eE])[+-](?=[^+-]*$)/);
    const start = parseNumber(op > 0 ? body.slice(0, op) : body);
    const step = op > 0 ? parseNumber(body.slice(op)) : 0;
    let v = start;
    for (let i = 0; i <= Number(count); i++) {
      out.push(v);
      v += step;
    }
  }
  return out;
}

/** A loaded series: timestamps (ms) and values of its samples. */
export interface Loaded {
  ts: Float64Array;
  vs: Float64Array;
}

/** Loads a series in load notation with one sample every `interval` ms from t=0. */
export function load(notation: string, interval: number): Loaded {
  const ts: number[] = [];
  const vs: number[] = [];
  expand(notation).forEach((v, i) => {
    if (v === null) return;
    ts.push(i * interval);
    vs.push(v);
  });
  return { ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
}

/**
 * The window a `[range] offset` selector takes at evaluation time `at`: the samples in
 * (at - offset - range, at - offset], as the engine builds it. A negative offset stands for `@`.
 */
export function windowOf(series: Loaded, at: number, range: number, offset = 0): Window {
  const { ts, vs } = series;
  const end = at - offset;
  const start = end - range;
  let lo = 0;
  while (lo < ts.length && ts[lo] <= start) lo++;
  let hi = lo;
  while (hi < ts.length && ts[hi] <= end) hi++;
  return { ts, vs, lo, hi, start, end, isCounter: false, evalTs: at };
}

/** One table row: function, case name, series, evaluation time, range, expected, offset. */
export type Row = [
  fn: string,
  name: string,
  series: Loaded,
  at: number,
  range: number,
  want: number | null,
  offset?: number,
];

/** Expects `actual` to equal `expected` within `relative` tolerance; NaN, ±Inf and null exactly. */
export function expectClose(actual: number | null, expected: number | null, relative = 1e-12) {
  if (expected === null || actual === null || !Number.isFinite(expected)) {
    expect(actual).toBe(expected as number);
    return;
  }
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Math.abs((actual as number) - expected) / scale).toBeLessThanOrEqual(relative);
}

/** Minutes to ms. */
export const m = (minutes: number) => minutes * 60_000;
/** Seconds to ms. */
export const s = (seconds: number) => seconds * 1000;
