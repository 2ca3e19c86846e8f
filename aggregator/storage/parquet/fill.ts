/**
 * Assembles per-series arrays from samples that arrive in file order, without sorting them:
 * files are sorted by (series, ts) and listed oldest first, so each series' samples usually
 * arrive ascending by (ts, file), either as runs (one series, one file) or row by row. They carry
 * the 64-bit series hash instead of the labels (a string per row is what made reading slow). A
 * series whose samples arrive out of order is marked, and re-read sorted.
 */
import { type Labels, seriesHash } from "../../../shared/model/labels.ts";
import { writeStale } from "../../../shared/model/sample.ts";
import { type ChunkView, isValid } from "./chunks.ts";
import type { StoredSeries } from "./reader.ts";

/** A series being filled: arrays sized by its row count, cut to the samples kept. */
export interface Building {
  readonly labels: Labels;
  /** Words of the series hash as DuckDB computes it in the query. */
  readonly hashLo: number;
  readonly hashHi: number;
  timestamps: Float64Array;
  values: Float64Array;
  words: Uint32Array;
  length: number;
  /** File index of the last sample kept: of two rows at one time, the later file wins. */
  lastFile: number;
  /** Rows arrived out of (ts, file) order: the arrays are wrong until re-read sorted. */
  disordered: boolean;
}

/** Starts an empty series with room for `rows` samples. */
export function building(labels: Labels, hash: bigint, rows: number): Building {
  const values = new Float64Array(rows);
  return {
    labels,
    hashLo: Number(hash & 0xffffffffn),
    hashHi: Number(hash >> 32n),
    timestamps: new Float64Array(rows),
    values,
    words: new Uint32Array(values.buffer),
    length: 0,
    lastFile: -1,
    disordered: false,
  };
}

/** Empties a series so that it can be filled again. */
export function reset(s: Building): void {
  s.length = 0;
  s.lastFile = -1;
  s.disordered = false;
}

/**
 * Routes samples to their series by hash, as rows of result chunks (`add`) or as runs
 * (`addRun`); samples of series it was not given are skipped.
 */
export class Filler {
  private readonly byLo = new Map<number, Building[]>();
  private lo = -1;
  private hi = -1;
  private current: Building | undefined;

  constructor(series: readonly Building[]) {
    for (const s of series) {
      const same = this.byLo.get(s.hashLo);
      if (same) same.push(s);
      else this.byLo.set(s.hashLo, [s]);
    }
  }

  /**
   * Appends the rows of one result chunk with the columns (hash UBIGINT, ts DOUBLE ms,
   * value DOUBLE, file INTEGER). Keeps its place between chunks.
   */
  add(view: ChunkView): void {
    const h = view.f64(0);
    const hash = new Uint32Array(h.buffer, h.byteOffset, 2 * view.rows);
    const ts = view.f64(1);
    const value = view.f64(2);
    const valid = view.validity(2);
    const file = view.i32(3);
    let { lo, hi, current: s } = this;
    for (let i = 0; i < view.rows; i++) {
      if (hash[2 * i] !== lo || hash[2 * i + 1] !== hi) {
        lo = hash[2 * i];
        hi = hash[2 * i + 1];
        s = this.find(lo, hi);
      }
      if (s === undefined || s.disordered) continue;
      const k = place(s, ts[i], file[i]);
      if (k < 0) continue;
      s.timestamps[k] = ts[i];
      if (isValid(valid, i)) s.values[k] = value[i];
      else writeStale(s.words, k);
    }
    this.lo = lo;
    this.hi = hi;
    this.current = s;
  }

  /**
   * Appends a run of one series' samples from one file, `ts[from, from + n)` (with `values` and
   * the `valid` bits at the same positions) as the file holds them: ascending by time.
   */
  addRun(
    lo: number,
    hi: number,
    file: number,
    run: { ts: Float64Array; values: Float64Array; valid: Uint8Array | null },
    from: number,
    n: number,
  ): void {
    const s = this.find(lo, hi);
    if (s === undefined || s.disordered || n === 0) return;
    const k = place(s, run.ts[from], file);
    if (k < 0) return;
    if (k + n > s.timestamps.length) grow(s, k + n);
    s.timestamps.set(run.ts.subarray(from, from + n), k);
    s.values.set(run.values.subarray(from, from + n), k);
    s.length = k + n;
    const { ts, valid } = run;
    for (let j = from + 1; j < from + n; j++) {
      // A run split across threads can come back out of order: re-read the series then.
      if (ts[j] <= ts[j - 1]) s.disordered = true;
    }
    if (valid === null) return;
    for (let j = from; j < from + n; j++) {
      // Whole bytes of valid rows are the rule: markers are rare.
      if (valid[j >> 3] === 0xff && (j & 7) === 0 && j + 8 <= from + n) j += 7;
      else if (!isValid(valid, j)) writeStale(s.words, k + j - from);
    }
  }

  private find(lo: number, hi: number): Building | undefined {
    const same = this.byLo.get(lo);
    if (same === undefined) return undefined;
    for (const s of same) if (s.hashHi === hi) return s;
    return undefined;
  }
}

/**
 * Where the sample at `t` from `file` goes: the next slot, the last one (same time from a later
 * file), or -1 when it arrived out of order (the series is then marked).
 */
function place(s: Building, t: number, file: number): number {
  let k = s.length;
  if (k > 0) {
    const last = s.timestamps[k - 1];
    if (t < last || (t === last && file <= s.lastFile)) {
      s.disordered = true;
      return -1;
    }
    if (t === last) k--;
  }
  if (k === s.timestamps.length) grow(s, k + 1);
  if (k === s.length) s.length++;
  s.lastFile = file;
  return k;
}

/** Makes room for `n` samples; only reached when rows outnumber the count listed for a series. */
function grow(s: Building, n: number): void {
  const timestamps = new Float64Array(Math.max(n, 2 * s.timestamps.length));
  const values = new Float64Array(timestamps.length);
  timestamps.set(s.timestamps);
  values.set(s.values);
  s.timestamps = timestamps;
  s.values = values;
  s.words = new Uint32Array(values.buffer);
}

/** The finished series: arrays cut to the samples kept. */
export function finish(s: Building): StoredSeries {
  const cut = s.length < s.timestamps.length;
  return {
    labels: s.labels,
    hash: seriesHash(s.labels),
    timestamps: cut ? s.timestamps.slice(0, s.length) : s.timestamps,
    values: cut ? s.values.slice(0, s.length) : s.values,
  };
}
