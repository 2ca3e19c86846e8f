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
        const bound = needBound ? (e.bound[i] ?? Infinity) : Infinity;
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

/** A bound as DuckDB gave it: a number, or infinite (nothing known). */
function finite(value: unknown): number {
  return typeof value === "number" && !Number.isNaN(value) ? value : Infinity;
}

/** Series (numbered as first met) and their runs, added in scan order. */
class ListingBuilder {
  readonly series: { metric: string; labels: string; n: number; bound: number }[] = [];
  private readonly built = new RunsBuilder();
  private readonly ids = new Map<string, number>();

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
    // The metric's length first: no text of a metric and labels stands for another pair.
    const key = `${metric.length}:${metric}${labels}`;
    let i = this.ids.get(key);
    if (i === undefined) {
      i = this.series.length;
      this.ids.set(key, i);
      this.series.push({ metric, labels, n: 0, bound: 0 });
    }
    this.series[i].n += n;
    this.series[i].bound += bound;
    this.built.add(f, i, n, r, span, bound, t0, t1);
  }
}
