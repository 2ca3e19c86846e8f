/**
 * The natural order `sort_by_label` uses: `Compare` of github.com/facette/natsort (the version
 * Prometheus 3 pins, 2cd4dd1e2dcb). Both values are cut into runs of ASCII digits and runs of
 * other characters; at the first pair of runs that differ, two digit runs that parse as int64
 * (Go's `strconv.Atoi`) compare as numbers, anything else as Go strings (UTF-8 bytes). A digit
 * run above 2^63 - 1 fails to parse and so compares as text. This is not a strict weak order,
 * and the quirks are Prometheus's: runs equal as numbers (`01`, `1`) count as equal, so when
 * every run is equal the shorter list of runs is less, and `a01`/`a1` are each less than the
 * other; an empty value and any other are neither less than the other.
 */
import { compareUtf8 } from "../../../shared/model/order.ts";

const RUNS = /\d+|\D+/g;
const DIGITS = /^\d/;
/** 2^63 - 1, the largest int64, as digits. */
const MAX_INT64 = "9223372036854775807";

/** natsort's `Compare(a, b)`: true when `a` sorts before `b`. */
export function naturalLess(a: string, b: string): boolean {
  const ra = a.match(RUNS) ?? [];
  const rb = b.match(RUNS) ?? [];
  for (let i = 0; i < ra.length; i++) {
    if (i >= rb.length) return false;
    const order = compareRuns(ra[i], rb[i]);
    if (order !== 0) return order < 0;
    if (i === ra.length - 1) return true;
    if (i === rb.length - 1) return false;
  }
  return false;
}

/** Two runs as natsort compares them: as int64 numbers when both parse, else as text. */
function compareRuns(x: string, y: string): number {
  if (x === y) return 0;
  if (isInt64(x) && isInt64(y)) return compareDigits(x, y);
  return compareUtf8(x, y);
}

/** True for a run of digits whose value fits an int64 (leading zeros allowed, as Atoi does). */
function isInt64(run: string): boolean {
  if (!DIGITS.test(run)) return false;
  const start = firstSignificant(run);
  const n = run.length - start;
  if (n !== MAX_INT64.length) return n < MAX_INT64.length;
  for (let i = 0; i < n; i++) {
    const d = run.charCodeAt(start + i) - MAX_INT64.charCodeAt(i);
    if (d !== 0) return d < 0;
  }
  return true;
}

/** Compares two digit runs by value exactly: fewer significant digits first, then digit by digit. */
function compareDigits(x: string, y: string): number {
  const sx = firstSignificant(x);
  const sy = firstSignificant(y);
  const nx = x.length - sx;
  const ny = y.length - sy;
  if (nx !== ny) return nx - ny;
  for (let i = 0; i < nx; i++) {
    const d = x.charCodeAt(sx + i) - y.charCodeAt(sy + i);
    if (d !== 0) return d;
  }
  return 0;
}

/** Index of the first digit that is not a leading zero (the run's length when all are zeros). */
function firstSignificant(run: string): number {
  let i = 0;
  while (i < run.length && run.charCodeAt(i) === 0x30) i++;
  return i;
}
