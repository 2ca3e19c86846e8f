/**
 * A column of a read's rows that most series hold alike, kept once. A month of hourly rollup
 * rows has the same window ends in every series scraped all month, and at a steady scrape the
 * same counts: written a series at a time, those two columns and `count`'s running total were
 * 24 of the 60 bytes a row `rate`'s read wrote into fresh memory (docs/benchmarks.md, "The
 * month's first read: columns kept once").
 *
 * A series' rows are placed in order, each at its row within the series. While they equal the
 * common values there they are only compared (a row past the common ones so far extends
 * them); at the first that differs the series gets rows of its own, the common values before
 * it copied in. A series' column is then a view of the common values (shared: nobody writes
 * to rows once read) or of its own.
 */
import { runningTotal } from "./rollup_rows.ts";

export class CommonColumn {
  private readonly common: Float64Array;
  /** Leading values of `common` set. */
  private known = 0;
  /** By the read's row: the rows of series that differ (allocated at the first of them). */
  private own: Float64Array | null = null;
  /** By series: whether it has rows of its own. */
  private readonly owns: Uint8Array;
  /** Running totals of `common` (made on first use, once every row is placed). */
  private total: Float64Array | null = null;

  /** For `rows` rows in all, of `series` series, the longest `longest` rows. */
  constructor(
    private readonly rows: number,
    longest: number,
    series: number,
  ) {
    this.common = new Float64Array(longest);
    this.owns = new Uint8Array(series);
  }

  /**
   * Places `n` values of `src` from `from` as rows [row, row + n) of series `i`, whose rows
   * begin at `start` among the read's. A series' rows come in order.
   */
  place(i: number, start: number, row: number, src: Float64Array, from: number, n: number): void {
    if (this.owns[i] === 0) {
      const common = this.common;
      let t = 0;
      for (; t < n; t++) {
        const k = row + t;
        const v = src[from + t];
        if (k < this.known) {
          if (v !== common[k] || (v === 0 && 1 / v !== 1 / common[k])) break;
        } else if (k === this.known && k < common.length) {
          common[k] = v;
          this.known++;
        } else break;
      }
      if (t === n) return;
      // The first that differs: the series' rows so far are the common ones.
      const own = this.ownRows();
      for (let k = 0; k < row + t; k++) own[start + k] = common[k];
      this.owns[i] = 1;
      row += t;
      from += t;
      n -= t;
    }
    const own = this.own as Float64Array;
    for (let t = 0; t < n; t++) own[start + row + t] = src[from + t];
  }

  /** Series `i`'s `length` rows (beginning at `start` among the read's). */
  values(i: number, start: number, length: number): Float64Array {
    if (this.owns[i] === 1) return (this.own as Float64Array).subarray(start, start + length);
    return this.common.subarray(0, length);
  }

  /**
   * The running total of series `i`'s rows when they are the common ones (a view, shared),
   * else null: the caller totals its own.
   */
  commonTotal(i: number, length: number): Float64Array | null {
    if (this.owns[i] === 1) return null;
    this.total ??= runningTotal(this.common, this.known);
    return this.total.subarray(0, length + 1);
  }

  /** Whether series `i`'s rows are the common ones. */
  shares(i: number): boolean {
    return this.owns[i] === 0;
  }

  private ownRows(): Float64Array {
    this.own ??= new Float64Array(this.rows);
    return this.own;
  }
}
