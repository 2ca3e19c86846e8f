/**
 * A column of a read's rows that series hold alike, kept once per pattern. A month of hourly
 * rollup rows has the same window ends in every series scraped all month, and at a steady
 * scrape the same counts; the agents' scrapes keep to their ticks (agent/sources/prometheus/
 * loop.ts), so a target's series have the same first and last sample ages in every window;
 * and a counter that never reset holds zeros in `resets`. Written a series at a time, such
 * columns were most of what `rate`'s read of a month wrote into fresh memory
 * (docs/benchmarks.md, "The month's first read: columns kept once", and "Sample ages and
 * resets kept once").
 *
 * A series follows the pattern its first value begins: targets scraped at other offsets have
 * other ages, series that begin later other ends. Its rows are placed in order, each at its row
 * within the series; while they equal the pattern's values there they are only compared (a
 * row past the pattern's so far extends it). At the first that differs (a missed scrape, a
 * reset) the series follows the pattern that parts from its own there with that value, and
 * the next series that parts so finds it. Patterns are made while their room lasts (an eighth
 * of the read's rows); a series no pattern holds gets rows of its own, the pattern's values
 * before copied in. A series' column is then a view of its pattern's values (shared: nobody
 * writes to rows once read) or of its own.
 */
import { runningTotal } from "./rollup_rows.ts";

/** The arrays a common column holds: its field's kind (rollup_rows.ts `fieldArray`). */
export type CommonValues = Float64Array | Int32Array;

/** A series not placed yet, and one with rows of its own (else: its pattern's index). */
const UNPLACED = -1;
const OWN = -2;

/**
 * The patterns' values hold at most this share of the read's rows, so that series alike in
 * nothing cost no more than an eighth more than their own rows; a read of a few series may
 * have a few patterns more (each made by a series, so never more than there are series).
 */
const PATTERN_SHARE = 1 / 8;
const FEWEST_PATTERNS = 4;

export class CommonColumn<A extends CommonValues = Float64Array> {
  private readonly patterns: A[] = [];
  /** By pattern: its leading values set. */
  private readonly known: number[] = [];
  /** By pattern: the running totals of its values (made on first use, once rows are placed). */
  private readonly totals: (Float64Array | undefined)[] = [];
  /** A pattern's index by its first value. */
  private readonly byFirst = new Map<number, number>();
  /** By pattern and row (`p` × (longest + 1) + row): the patterns that part from it there. */
  private readonly forks = new Map<number, number[]>();
  private readonly room: number;
  /** By series: its pattern, UNPLACED or OWN. */
  private readonly of: Int32Array;
  /** By the read's row: the rows of series that differ (allocated at the first of them). */
  private own: A | null = null;
  /** Whether values may be −0 (not in integers, where the check would cost a division). */
  private readonly floats: boolean;

  /** Values of `kind`, for `rows` rows in all, of `series` series, the longest `longest` rows. */
  constructor(
    private readonly kind: new (length: number) => A,
    private readonly rows: number,
    private readonly longest: number,
    series: number,
  ) {
    this.room = Math.max(
      FEWEST_PATTERNS,
      Math.floor((rows * PATTERN_SHARE) / Math.max(1, longest)),
    );
    this.of = new Int32Array(series).fill(UNPLACED);
    this.floats = (kind as unknown) === Float64Array;
  }

  /**
   * Places `n` values of `src` from `from` as rows [row, row + n) of series `i`, whose rows
   * begin at `start` among the read's. A series' rows come in order, from its first.
   */
  place(i: number, start: number, row: number, src: A, from: number, n: number): void {
    let p = this.of[i];
    if (p === UNPLACED) {
      p = row === 0 && n > 0 ? this.patternOf(src[from]) : OWN;
      this.of[i] = p;
    }
    while (p >= 0) {
      const t = this.follow(p, row, src, from, n);
      if (t === n) return;
      // The first row that differs: another pattern that parts from this one there, or rows
      // of its own, with the pattern's values before it.
      row += t;
      from += t;
      n -= t;
      const q = this.forkOf(p, row, src[from]);
      if (q < 0) this.copy(this.ownRows(), start, this.patterns[p], 0, row);
      this.of[i] = q;
      p = q;
    }
    this.copy(this.ownRows(), start + row, src, from, n);
  }

  /**
   * How many of `n` values of `src` from `from` pattern `p` holds from `row` on, extending it
   * where they pass its values known so far.
   */
  private follow(p: number, row: number, src: A, from: number, n: number): number {
    const known = this.known[p];
    // Never so: a series' rows come in order, and it followed the pattern to `row`.
    if (row > known) throw new Error(`Row ${row} of a series placed before row ${known}`);
    const t = this.floats
      ? followF64(this.patterns[p] as Float64Array, known, row, src as Float64Array, from, n)
      : followI32(this.patterns[p] as Int32Array, known, row, src as Int32Array, from, n);
    // A pattern is extended from its known values on, one after another.
    this.known[p] = Math.max(known, row + t);
    return t;
  }

  /** Copies `n` values of `src` from `from` to `to` from `at`. */
  private copy(to: A, at: number, src: A, from: number, n: number): void {
    if (this.floats) copyF64(to as Float64Array, at, src as Float64Array, from, n);
    else copyI32(to as Int32Array, at, src as Int32Array, from, n);
  }

  /** Series `i`'s `length` rows (beginning at `start` among the read's). */
  values(i: number, start: number, length: number): A {
    const p = this.of[i];
    if (p >= 0) return this.patterns[p].subarray(0, length) as A;
    return this.ownRows().subarray(start, start + length) as A;
  }

  /**
   * The running total of series `i`'s rows when they are its pattern's (a view, shared), else
   * null: the caller totals its own.
   */
  commonTotal(i: number, length: number): Float64Array | null {
    const p = this.of[i];
    if (p < 0) return null;
    this.totals[p] ??= runningTotal(this.patterns[p], this.known[p]);
    return (this.totals[p] as Float64Array).subarray(0, length + 1);
  }

  /** Whether series `i`'s rows are a pattern's. */
  shares(i: number): boolean {
    return this.of[i] >= 0;
  }

  /**
   * The pattern whose first value is `first` (made when new and there is room), or OWN. NaN and
   * −0 begin none: a Map takes them for any NaN and for 0.
   */
  private patternOf(first: number): number {
    if (Number.isNaN(first) || Object.is(first, -0)) return OWN;
    const known = this.byFirst.get(first);
    if (known !== undefined) return known;
    const p = this.made(0, 0);
    if (p >= 0) this.byFirst.set(first, p);
    return p;
  }

  /**
   * The pattern that holds pattern `p`'s values before `row` and `value` at it (made when new
   * and there is room; a pattern that parts from `p` anywhere else cannot hold the rows of a
   * series that followed `p` to `row`), or OWN. A series brings a pattern's values as it
   * extends it, so one that resets, or misses a scrape, and comes first would leave the others
   * rows of their own without this.
   */
  private forkOf(p: number, row: number, value: number): number {
    const key = p * (this.longest + 1) + row;
    const forks = this.forks.get(key) ?? [];
    for (const q of forks) {
      if (this.patterns[q][row] === value) return q;
    }
    if (Number.isNaN(value) || Object.is(value, -0)) return OWN;
    const q = this.made(p, row);
    if (q >= 0) this.forks.set(key, [...forks, q]);
    return q;
  }

  /** A new pattern holding pattern `p`'s values before `row`, or OWN when there is no room. */
  private made(p: number, row: number): number {
    if (this.patterns.length >= this.room) return OWN;
    const values = new this.kind(this.longest);
    if (row > 0) values.set(this.patterns[p].subarray(0, row));
    this.patterns.push(values as A);
    this.known.push(row);
    this.totals.push(undefined);
    return this.patterns.length - 1;
  }

  private ownRows(): A {
    this.own ??= new this.kind(this.rows);
    return this.own;
  }
}

/**
 * How many of `n` values of `src` from `from` a pattern (`common`, its first `known` values set)
 * holds from `row` on: those before `known` compared, the others written (the caller extends
 * `known`). −0 is in no pattern, so `===` tells values apart (NaN, unequal to itself, too).
 * A function a kind of array, each monomorphic in the JIT: through one method over both
 * kinds, the integer columns cost more kept than copied (docs/benchmarks.md, "Sample ages and
 * resets kept once").
 */
function followF64(
  common: Float64Array,
  known: number,
  row: number,
  src: Float64Array,
  from: number,
  n: number,
): number {
  let t = 0;
  for (; t < n; t++) {
    const k = row + t;
    const v = src[from + t];
    if (v === 0 && 1 / v < 0) break;
    if (k < known) {
      if (v !== common[k]) break;
    } else if (k < common.length) {
      common[k] = v;
    } else break;
  }
  return t;
}

/** {@link followF64} for integers, which hold no −0. */
function followI32(
  common: Int32Array,
  known: number,
  row: number,
  src: Int32Array,
  from: number,
  n: number,
): number {
  let t = 0;
  for (; t < n; t++) {
    const k = row + t;
    const v = src[from + t];
    if (k < known) {
      if (v !== common[k]) break;
    } else if (k < common.length) {
      common[k] = v;
    } else break;
  }
  return t;
}

/** Copies `n` values of `src` from `from` to `to` from `at` (a function a kind, as followF64). */
function copyF64(to: Float64Array, at: number, src: Float64Array, from: number, n: number): void {
  for (let t = 0; t < n; t++) to[at + t] = src[from + t];
}

/** {@link copyF64} for integers. */
function copyI32(to: Int32Array, at: number, src: Int32Array, from: number, n: number): void {
  for (let t = 0; t < n; t++) to[at + t] = src[from + t];
}
