/**
 * Reads rollup rows in the files' own order, for a read of every series of a metric: no sort,
 * and no labels a row. A rollup file is sorted by (metric, labels, ts), so each series' rows in
 * a file are one run of consecutive rows, and a scan of the files (in DuckDB's default
 * `preserve_insertion_order`) meets the runs in the order the reader's `runs` table lists them
 * (by file, then first row). Each run's rows are copied to its series' place. Files whose runs
 * of a series overlap in time are left to the sort before the scan; the scan is checked as it
 * goes (each row's file and row number must be the next of the run expected) and after (each
 * series' window ends must ascend); where they do not, nothing is kept and the reader sorts.
 * A month of a 6,696-series counter's 1 h rows (4.8 M rows, 31 files): the sorted query and
 * its copy took 2.3 s, these 1.4–1.6 s (the labels column, decoded a row, is most of a sort's
 * cost; docs/benchmarks.md).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { CommonColumn, CommonValues } from "../common_column.ts";
import type { WritableColumns } from "../rollup_rows.ts";
import type { RollupField } from "../storage.ts";
import {
  type ChunkView,
  isValid,
  type StartedScan,
  scanMaterialized,
  startScan,
} from "./chunks.ts";

/**
 * Files a query of the scan reads at most: its rows are materialized whole before they are
 * copied (no round trip to DuckDB's threads a chunk), and the next query runs while they are
 * (chunks.ts `startScan`), so twice this bounds the memory they take.
 */
const FILES_A_QUERY = 8;

/**
 * Each file's run of each series' rows, in scan order: file, series (listing index), rows,
 * first row in the file, and the rows' `sumBound` (infinite where DuckDB gives none).
 * `inOrder` when a scan of the files can follow them (readInFileOrder).
 */
export interface Runs {
  readonly f: number[];
  readonly i: number[];
  readonly n: number[];
  readonly r: number[];
  readonly bound: number[];
  readonly inOrder: boolean;
}

/**
 * Where the read puts rows: series `i`'s rows are [starts[i], starts[i] + counts[i]); a series
 * whose start is −1 is not read (its rows are checked and left). The fields of `common` are
 * placed there (each series' rows compared with the common ones, common_column.ts), not in
 * `cols`.
 */
export interface Destination {
  readonly starts: readonly number[];
  readonly counts: readonly number[];
  readonly cols: WritableColumns;
  readonly common: ReadonlyMap<RollupField, CommonColumn<CommonValues>>;
}

/**
 * The scan of files [0, fileCount) that {@link readInFileOrder} follows, its first query
 * started now (chunks.ts `startScan`), so that it runs while the read is listed: `rowsOf(from,
 * to)` is the SQL of files [from, to)'s rows with columns `f` (file index), `row` (its row in
 * the file) and the fields' SQL.
 */
export function startFileOrderScan(
  conn: DuckDBConnection,
  rowsOf: (from: number, to: number) => string,
  fileCount: number,
  fields: readonly (readonly [RollupField, string])[],
): StartedScan {
  const sqls: string[] = [];
  for (let from = 0; from < fileCount; from += FILES_A_QUERY) {
    sqls.push(`SELECT f, row, ${fields.map(([, s]) => s).join(", ")}
      FROM ${rowsOf(from, Math.min(fileCount, from + FILES_A_QUERY))}`);
  }
  return startScan(conn, sqls);
}

/**
 * Fills `to` with the rows of `fields` from `scan` (startFileOrderScan, of the same fields),
 * following `runs` (listRuns). False when the files' order is not what it must be: `to` then
 * holds nothing usable. The scan is read, or dropped when the runs cannot be followed.
 */
export async function readInFileOrder(
  scan: StartedScan,
  runs: Runs,
  fields: readonly (readonly [RollupField, string])[],
  to: Destination,
): Promise<boolean> {
  if (!runs.inOrder) {
    await scan.drop();
    return false;
  }
  const next = Int32Array.from(to.starts);
  const plan: Plan = {
    from: new Int32Array(0),
    at: new Int32Array(0),
    rows: new Int32Array(0),
    series: new Int32Array(0),
  };
  let k = 0;
  let placed = 0;
  let ok = true;
  await scan.each((view) => {
    copyChunk(view);
    return ok;
  });
  return ok && k === runs.n.length && endsAscend(to);

  /** Places a chunk's rows, or clears `ok`. */
  function copyChunk(view: ChunkView): void {
    const f = view.i32(0);
    const row = view.i32(1);
    let segments = 0;
    let j = 0;
    while (j < view.rows) {
      if (k >= runs.n.length) {
        ok = false;
        return;
      }
      const take = Math.min(runs.n[k] - placed, view.rows - j);
      const first = runs.r[k] + placed;
      for (let t = 0; t < take; t++) {
        if (f[j + t] !== runs.f[k] || row[j + t] !== first + t) {
          ok = false;
          return;
        }
      }
      // A series not read (start −1) is checked, not copied.
      if (next[runs.i[k]] >= 0) {
        if (segments === plan.from.length) grow(plan);
        plan.from[segments] = j;
        plan.at[segments] = next[runs.i[k]];
        plan.series[segments] = runs.i[k];
        plan.rows[segments++] = take;
        next[runs.i[k]] += take;
      }
      placed += take;
      j += take;
      if (placed === runs.n[k]) {
        k++;
        placed = 0;
      }
    }
    // A loop a kind of array, so that each stays monomorphic in the JIT.
    fields.forEach(([field], c) => {
      const d = to.cols[field];
      const common = to.common.get(field);
      if (common !== undefined) {
        const src = d instanceof Float64Array ? view.f64(c + 2) : view.i32(c + 2);
        placeCommon(common, src, plan, segments, to.starts);
        return;
      }
      if (d instanceof Float64Array) scatterF64(d, view.f64(c + 2), plan, segments);
      else if (d instanceof Int32Array) scatterI32(d, view.i32(c + 2), plan, segments);
      else scatterU8(d, view.i32(c + 2), plan, segments);
    });
  }
}

/** Doubles the room of `plan`'s segments. */
function grow(plan: Plan): void {
  const n = Math.max(64, plan.from.length * 2);
  for (const key of ["from", "at", "rows", "series"] as const) {
    const bigger = new Int32Array(n);
    bigger.set(plan[key]);
    plan[key] = bigger;
  }
}

/**
 * Where a chunk's rows go: segments of consecutive rows (source start, destination, rows, and
 * the series, by listing index).
 */
interface Plan {
  from: Int32Array;
  at: Int32Array;
  rows: Int32Array;
  series: Int32Array;
}

/** {@link scatterF64} into a common column: each segment at its row within its series. */
function placeCommon(
  common: CommonColumn<CommonValues>,
  src: CommonValues,
  plan: Plan,
  segments: number,
  starts: readonly number[],
): void {
  for (let s = 0; s < segments; s++) {
    const i = plan.series[s];
    const start = starts[i];
    common.place(i, start, plan.at[s] - start, src, plan.from[s], plan.rows[s]);
  }
}

/**
 * Copies the first `segments` of `plan` from `src` to `dst`. A function a kind of array, each
 * call site monomorphic: one generic loop over the three kinds took 1.7–2.1× as long (8
 * columns of 4.8 M rows in segments of 24: 408–539 ms against 241–253).
 */
function scatterF64(dst: Float64Array, src: Float64Array, plan: Plan, segments: number): void {
  for (let s = 0; s < segments; s++) {
    const from = plan.from[s];
    const at = plan.at[s];
    const n = plan.rows[s];
    for (let t = 0; t < n; t++) dst[at + t] = src[from + t];
  }
}

/** {@link scatterF64} for integers. */
function scatterI32(dst: Int32Array, src: Int32Array, plan: Plan, segments: number): void {
  for (let s = 0; s < segments; s++) {
    const from = plan.from[s];
    const at = plan.at[s];
    const n = plan.rows[s];
    for (let t = 0; t < n; t++) dst[at + t] = src[from + t];
  }
}

/** {@link scatterF64} for `whole`'s bytes, read as integers. */
function scatterU8(dst: Uint8Array, src: Int32Array, plan: Plan, segments: number): void {
  for (let s = 0; s < segments; s++) {
    const from = plan.from[s];
    const at = plan.at[s];
    const n = plan.rows[s];
    for (let t = 0; t < n; t++) dst[at + t] = src[from + t];
  }
}

/**
 * The runs of the reader's `runs` and `ser` tables (`series` listed) in scan order. Not in
 * order where a series' rows in a file are not consecutive, or where a file's rows of a series
 * begin before the last file's end (files overlapping in time, which only a sort orders):
 * known before the scan.
 */
export async function listRuns(conn: DuckDBConnection): Promise<Runs> {
  const runs = new RunsBuilder();
  await scanMaterialized(
    conn,
    `SELECT f, i, runs.n, r, span, t0, t1, runs.bound
     FROM runs JOIN ser USING (metric, labels) ORDER BY f, r`,
    (view) => {
      const [f, i, n, r, span] = [0, 1, 2, 3, 4].map((c) => view.i32(c));
      const [t0, t1, bound] = [5, 6, 7].map((c) => view.f64(c));
      const known = view.validity(7);
      for (let j = 0; j < view.rows; j++) {
        const b = isValid(known, j) ? bound[j] : Number.NaN;
        const finite = Number.isNaN(b) ? Number.POSITIVE_INFINITY : b;
        runs.add(f[j], i[j], n[j], r[j], span[j], finite, t0[j], t1[j]);
      }
    },
  );
  return runs.runs;
}

/**
 * Runs added in scan order (by file, then first row), deciding whether a scan of the files can
 * follow them: each run consecutive rows (`span` = `n`), one run of a series a file, and a
 * series' run in a file beginning no earlier than its run in the file before ends (files
 * overlapping in time, which only a sort orders). Shared by both listings (listRuns, and the
 * indexes' in rollup_listing.ts).
 */
export class RunsBuilder {
  private readonly built: { -readonly [K in keyof Runs]: Runs[K] } = {
    f: [],
    i: [],
    n: [],
    r: [],
    bound: [],
    inOrder: true,
  };
  /** By series: its last run's last window end, and file. */
  private readonly lastEnd: number[] = [];
  private readonly lastFile: number[] = [];

  /** Run of series `i`: `n` rows from row `r` of file `f`, window ends `t0` to `t1`. */
  add(
    f: number,
    i: number,
    n: number,
    r: number,
    span: number,
    bound: number,
    t0: number,
    t1: number,
  ): void {
    const runs = this.built;
    const seen = i < this.lastEnd.length && this.lastFile[i] >= 0;
    if (n !== span || (seen && (t0 < this.lastEnd[i] || this.lastFile[i] === f)))
      runs.inOrder = false;
    while (this.lastEnd.length <= i) {
      this.lastEnd.push(Number.NEGATIVE_INFINITY);
      this.lastFile.push(-1);
    }
    this.lastEnd[i] = t1;
    this.lastFile[i] = f;
    runs.f.push(f);
    runs.i.push(i);
    runs.n.push(n);
    runs.r.push(r);
    runs.bound.push(bound);
  }

  /** The runs added. */
  get runs(): Runs {
    return this.built;
  }
}

/** Whether every series' window ends ascend (two rows may share one: files meet there). */
function endsAscend(to: Destination): boolean {
  const common = to.common.get("ends");
  for (let s = 0; s < to.starts.length; s++) {
    const start = to.starts[s];
    if (start < 0) continue;
    const n = to.counts[s];
    const ends = common ? common.values(s, start, n) : to.cols.ends.subarray(start, start + n);
    for (let r = 1; r < n; r++) {
      if (ends[r] < ends[r - 1]) return false;
    }
  }
  return true;
}
