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
  /** `values` as 32-bit words, made when first needed (wordsOf). */
  words: Uint32Array | undefined;
  length: number;
  /** File index of the last sample kept: of two rows at one time, the later file wins. */
  lastFile: number;
  /** Rows arrived out of (ts, file) order: the arrays are wrong until re-read sorted. */
  disordered: boolean;
  /** `seriesHash(labels)` where the caller knows it already. */
  readonly seriesHash?: bigint;
  /** Samples listed for it: the room {@link allocate} gives it. */
  readonly rows: number;
}

/** Starts an empty series with room for `rows` samples. */
export function building(labels: Labels, hash: bigint, rows: number): Building {
  const s = buildingOf(labels, Number(hash & 0xffffffffn), Number(hash >> 32n), rows);
  allocate([s]);
  return s;
}

const NO_ROOM = new Float64Array(0);

/**
 * Gives each series room for its `rows` samples, as views of one buffer of times and one of
 * values for them all: a read of a day of 6,696 series made two arrays and a buffer object a
 * series and file, and the collections they brought took a third of the read.
 */
export function allocate(series: readonly Building[]): void {
  let total = 0;
  for (const s of series) total += s.rows;
  const times = new ArrayBuffer(total * 8);
  const values = new ArrayBuffer(total * 8);
  let at = 0;
  for (const s of series) {
    s.timestamps = new Float64Array(times, at * 8, s.rows);
    s.values = new Float64Array(values, at * 8, s.rows);
    s.words = new Uint32Array(values, at * 8, 2 * s.rows);
    at += s.rows;
  }
}

/**
 * A series listed with `rows` samples, from its hash's words, with its `seriesHash` if known,
 * and no room yet: {@link allocate} gives the series of a read their room together.
 */
export function buildingOf(
  labels: Labels,
  hashLo: number,
  hashHi: number,
  rows: number,
  knownHash?: bigint,
): Building {
  return {
    labels,
    hashLo,
    hashHi,
    seriesHash: knownHash,
    rows,
    timestamps: NO_ROOM,
    values: NO_ROOM,
    words: undefined,
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

/** Runs' samples side by side, as a result chunk's list vectors hold them. */
export interface SampleRun {
  readonly ts: Float64Array;
  readonly values: Float64Array;
  /** `values` as 32-bit words. */
  readonly valueWords: Uint32Array;
  /** Validity bits of `values` (bit set = not NULL), or null when none is NULL. */
  readonly valid: Uint8Array | null;
}

/** A {@link SampleRun} of these arrays. */
export function sampleRun(
  ts: Float64Array,
  values: Float64Array,
  valid: Uint8Array | null,
): SampleRun {
  return {
    ts,
    values,
    valueWords: new Uint32Array(values.buffer, values.byteOffset, 2 * values.length),
    valid,
  };
}

/**
 * Routes samples to their series by hash, as rows of result chunks (`add`) or as runs
 * (`addRun`); samples of series it was not given are skipped.
 */
export class Filler {
  /** Indices in `series` by the low word of the hash. */
  private readonly byLo = new Map<number, number[]>();
  private lo = -1;
  private hi = -1;
  private current: Building | undefined;
  /** The index in `series` of the one after the last found. */
  private next = 0;

  constructor(private readonly series: readonly Building[]) {
    series.forEach((s, i) => {
      const same = this.byLo.get(s.hashLo);
      if (same) same.push(i);
      else this.byLo.set(s.hashLo, [i]);
    });
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
      else writeStale(wordsOf(s), k);
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
    run: {
      ts: Float64Array;
      values: Float64Array;
      valueWords: Uint32Array;
      valid: Uint8Array | null;
    },
    from: number,
    n: number,
  ): void {
    const s = this.find(lo, hi);
    if (s === undefined || s.disordered || n === 0) return;
    const k = place(s, run.ts[from], file);
    if (k < 0) return;
    if (k + n > s.timestamps.length) grow(s, k + n);
    const { ts, valid } = run;
    copyRun(run, s, from, k, n);
    s.length = k + n;
    for (let j = from + 1; j < from + n; j++) {
      // A run split across threads can come back out of order: re-read the series then.
      if (ts[j] <= ts[j - 1]) s.disordered = true;
    }
    if (valid === null) return;
    for (let j = from; j < from + n; j++) {
      // Whole bytes of valid rows are the rule: markers are rare.
      if (valid[j >> 3] === 0xff && (j & 7) === 0 && j + 8 <= from + n) j += 7;
      else if (!isValid(valid, j)) writeStale(wordsOf(s), k + j - from);
    }
  }

  private find(lo: number, hi: number): Building | undefined {
    // Runs come in the files' order, which is the listing's: mostly the series after the last.
    const next = this.series[this.next];
    if (next !== undefined && next.hashLo === lo && next.hashHi === hi) {
      this.next++;
      return next;
    }
    const same = this.byLo.get(lo);
    if (same === undefined) return undefined;
    for (const i of same) {
      if (this.series[i].hashHi !== hi) continue;
      this.next = i + 1;
      return this.series[i];
    }
    return undefined;
  }
}

/**
 * Copies `n` samples of a run from `from` into the series at `to`. Values go as 32-bit words
 * (or by set()), never as numbers: a NaN read as a number may lose its payload. Short runs
 * (a series scraped every 5 minutes has 12 samples an hour) are copied by a loop, where the
 * subarrays and set()s took a third of a read of sparse series.
 */
function copyRun(run: SampleRun, s: Building, from: number, to: number, n: number): void {
  if (n > 64) {
    s.timestamps.set(run.ts.subarray(from, from + n), to);
    s.values.set(run.values.subarray(from, from + n), to);
    return;
  }
  const { ts, valueWords } = run;
  const times = s.timestamps;
  const words = wordsOf(s);
  for (let j = 0; j < n; j++) {
    times[to + j] = ts[from + j];
    words[2 * (to + j)] = valueWords[2 * (from + j)];
    words[2 * (to + j) + 1] = valueWords[2 * (from + j) + 1];
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
  s.words = undefined;
}

/**
 * The series' values as 32-bit words, made once a series is written to word by word: asking
 * a typed array for its buffer costs more than the array (~0.6 µs), so not for every series.
 */
function wordsOf(s: Building): Uint32Array {
  s.words ??= new Uint32Array(s.values.buffer, s.values.byteOffset, 2 * s.values.length);
  return s.words;
}

/** The finished series: arrays cut to the samples kept. */
export function finish(s: Building): StoredSeries {
  const cut = s.length < s.timestamps.length;
  return {
    labels: s.labels,
    hash: s.seriesHash ?? seriesHash(s.labels),
    timestamps: cut ? s.timestamps.slice(0, s.length) : s.timestamps,
    values: cut ? s.values.slice(0, s.length) : s.values,
  };
}
