/**
 * The listing of a rollup read (each file's run of each series' rows, and the series) made in
 * JS from the files' series indexes (rollup_index.ts), with the files that have none listed
 * from their rows by the reader's query: the way a read of every series of a metric goes
 * before its scan in the files' order (rollup_file_order.ts). The reader's reference lists
 * everything from the rows in DuckDB (rollup_reader.ts); rollup_index.test.ts holds the two
 * alike.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { type Runs, RunsBuilder } from "./rollup_file_order.ts";
import { type IndexEntry, readIndexes } from "./rollup_index.ts";

/** A listed series: its metric, its labels' text, its rows, their `sumBound`. */
export interface Listed {
  readonly metric: string;
  readonly labels: string;
  readonly n: number;
  readonly bound: number;
}

/** The series (by listing index, in no particular order) and their runs in scan order. */
export interface Listing {
  readonly series: Listed[];
  readonly runs: Runs;
  /** Files listed from their index. */
  readonly indexed: number;
}

/** What a read asks for: metric names (all when absent) and window ends in [start, end]. */
export interface ListingRead {
  readonly metrics?: readonly string[];
  readonly start: number;
  readonly end: number;
}

/**
 * Lists a read of `paths` from their indexes; null when none of the files has one that serves.
 * `restSql(files)` is the SQL of the runs of the files with none (columns f, metric, labels,
 * n, r, span, bound, t0, t1, as the reader lists them). Bounds are infinite unless
 * `needBound`.
 */
export async function listFromIndexes(
  conn: DuckDBConnection,
  paths: readonly string[],
  read: ListingRead,
  needBound: boolean,
  restSql: (files: readonly number[]) => string,
): Promise<Listing | null> {
  const indexes = await readIndexes(conn, paths, read.metrics, read.start, read.end);
  if (indexes.size === 0) return null;
  const rest = paths.flatMap((_, f) => (indexes.has(f) ? [] : [f]));
  const rows =
    rest.length === 0
      ? []
      : ((
          await conn.runAndReadAll(
            `SELECT f, metric, labels::VARCHAR, n, r, span, bound, t0, t1
             FROM (${restSql(rest)}) ORDER BY f, r`,
          )
        ).getRowsJS() as RunRow[]);
  const list = new ListingBuilder();
  let k = 0;
  for (let f = 0; f < paths.length; f++) {
    const entries = indexes.get(f);
    if (entries === undefined) {
      for (; k < rows.length && rows[k][0] === f; k++) {
        const [, metric, labels, n, r, span, bound, t0, t1] = rows[k];
        list.add(f, metric, labels, n, r, span, needBound ? finite(bound) : Infinity, t0, t1);
      }
      continue;
    }
    // A file's metrics follow one another in it (rows are sorted by metric first).
    for (const e of [...entries].sort((a, b) => first(a) - first(b))) {
      for (let i = 0; i < e.labels.length; i++) {
        const bound = needBound ? finite(e.bound[i]) : Infinity;
        list.add(f, e.metric, e.labels[i], e.n[i], e.row[i], e.n[i], bound, e.t0[i], e.t1[i]);
      }
    }
  }
  return { series: list.series, runs: list.runs, indexed: indexes.size };
}

/** A run as the reader's query lists it. */
type RunRow = [number, string, string, number, number, number, unknown, number, number];

/** An entry's first row (entries of no series come first). */
function first(e: IndexEntry): number {
  return e.row.length === 0 ? -1 : e.row[0];
}

/**
 * A bound as DuckDB or an index gave it: a sum of magnitudes, so a finite number ≥ 0; anything
 * else (NaN, a negative number or infinity from a corrupt index) is infinite, nothing known.
 */
function finite(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : Infinity;
}

/** Series (numbered as first met) and their runs, added in scan order. */
class ListingBuilder {
  readonly series: { metric: string; labels: string; n: number; bound: number }[] = [];
  private readonly built = new RunsBuilder();
  private readonly metrics = new Map<string, MetricSeries>();
  /** Each series' place in its metric's `order`. */
  private readonly place: number[] = [];
  private last: MetricSeries | undefined;
  private file = -1;

  get runs(): Runs {
    return this.built.runs;
  }

  add(
    f: number,
    metric: string,
    labels: string,
    n: number,
    r: number,
    span: number,
    bound: number,
    t0: number,
    t1: number,
  ): void {
    if (f !== this.file) {
      this.file = f;
      for (const m of this.metrics.values()) m.next = 0;
    }
    let m = this.last;
    if (m === undefined || m.metric !== metric) {
      m = this.metrics.get(metric);
      if (m === undefined) {
        m = { metric, ids: new Map(), order: [], next: 0 };
        this.metrics.set(metric, m);
      }
      this.last = m;
    }
    const i = this.idOf(m, labels);
    this.series[i].n += n;
    this.series[i].bound += bound;
    this.built.add(f, i, n, r, span, bound, t0, t1);
  }

  /**
   * The series of `labels` under `m`'s metric, numbered when new. Every file lists a metric's
   * series sorted, mostly the same ones: the one after the last found is tried first, a
   * comparison of two texts instead of hashing each (a month's 207,000 runs of one metric).
   */
  private idOf(m: MetricSeries, labels: string): number {
    const guess = m.order[m.next];
    if (guess !== undefined && this.series[guess].labels === labels) {
      m.next++;
      return guess;
    }
    let i = m.ids.get(labels);
    if (i === undefined) {
      i = this.series.length;
      m.ids.set(labels, i);
      this.place.push(m.order.length);
      m.order.push(i);
      this.series.push({ metric: m.metric, labels, n: 0, bound: 0 });
    }
    m.next = this.place[i] + 1;
    return i;
  }
}

/**
 * A metric's series: by labels text and in the order first met, and where in that order the
 * next of the file being listed is expected.
 */
interface MetricSeries {
  readonly metric: string;
  readonly ids: Map<string, number>;
  readonly order: number[];
  next: number;
}
