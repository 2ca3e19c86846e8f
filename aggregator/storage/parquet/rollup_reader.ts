/**
 * Reads rollup files (schema 2, rollup.ts) back as rows per series (`RollupRows`), for the
 * engine's rollup reads. The distinct series are listed first and filtered by the caller's
 * matchers; then the chosen series' rows come out as typed-array chunks ordered by series,
 * window end and file (files are passed in hour order, so the two rows of a window on an hour
 * keep their time order).
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { type RollupColumns, rollupRows } from "../rollup_rows.ts";
import { ROLLUP_FLOATS, type RollupRows, type TimeRange } from "../storage.ts";
import { type ChunkView, scanChunks } from "./chunks.ts";
import { withConnection } from "./db.ts";
import { labelsFromRow, sqlList } from "./schema.ts";

/** What to read: exact metric names (undefined = all), window ends in an inclusive range. */
export interface RollupReadOptions extends TimeRange {
  readonly metrics?: readonly string[];
  /** Keeps only the series it accepts (all when absent). */
  readonly match?: (labels: Labels) => boolean;
}

/** The rollup rows of `paths` (in hour order) per series, sorted by (metric, labels). */
export async function readRollupFiles(
  paths: readonly string[],
  opts: RollupReadOptions,
): Promise<RollupRows[]> {
  if (paths.length === 0 || opts.metrics?.length === 0) return [];
  return withConnection(async (conn) => {
    try {
      await conn.run(`CREATE TEMP TABLE ser AS
        SELECT metric, labels, (row_number() OVER (ORDER BY metric, labels) - 1)::INTEGER AS i,
          n::DOUBLE AS n
        FROM (SELECT metric, labels, count(*) AS n FROM ${source(paths, opts)} GROUP BY ALL)`);
      const listed = (
        await conn.runAndReadAll("SELECT metric, labels::VARCHAR, n FROM ser ORDER BY i")
      ).getRowsJS();
      const series: (Building | null)[] = listed.map(([metric, json, n]) => {
        const labels = labelsFromRow(metric as string, json as string);
        return opts.match && !opts.match(labels) ? null : building(labels, n as number);
      });
      const chosen = series.flatMap((s, i) => (s === null ? [] : [i]));
      if (chosen.length === 0) return [];
      const only = chosen.length < series.length ? `WHERE i IN (${chosen.join(", ")})` : "";
      await scanChunks(conn, rowsSql(paths, opts, only), (view) => fill(series, view));
      return series.filter((s): s is Building => s !== null).map(finish);
    } catch (err) {
      throw new Error(`Cannot read rollup files: ${(err as Error).message}`, { cause: err });
    }
  });
}

function source(paths: readonly string[], opts: RollupReadOptions): string {
  const metric = opts.metrics ? `AND metric IN (${sqlList(opts.metrics).slice(1, -1)})` : "";
  const ms = (t: number) => String(Math.trunc(Math.max(-8.64e15, Math.min(8.64e15, t))));
  return `(SELECT *, file_index::INTEGER AS f FROM read_parquet(${sqlList(paths)})
    WHERE ts BETWEEN make_timestamp_ms(${ms(opts.start)}) AND make_timestamp_ms(${ms(opts.end)})
    ${metric})`;
}

/** The SQL of each of `ROLLUP_FLOATS`, then of `whole`: the order `fill` reads them in. */
const COLUMNS = [
  "epoch_ms(ts)::DOUBLE",
  "count::DOUBLE",
  "min",
  "max",
  "sum",
  "epoch_ms(first_ts)::DOUBLE",
  "first",
  "epoch_ms(last_ts)::DOUBLE",
  "last",
  "resets::DOUBLE",
  "reset_sum",
  "whole::DOUBLE",
];

function rowsSql(paths: readonly string[], opts: RollupReadOptions, only: string): string {
  return `SELECT i, ${COLUMNS.join(", ")}
    FROM ${source(paths, opts)} JOIN ser USING (metric, labels) ${only}
    ORDER BY i, ts, f`;
}

/** A series being filled: one array per field, `at` rows in. */
interface Building {
  labels: Labels;
  at: number;
  cols: Float64Array[];
}

function building(labels: Labels, n: number): Building {
  return { labels, at: 0, cols: COLUMNS.map(() => new Float64Array(n)) };
}

function fill(series: readonly (Building | null)[], view: ChunkView): void {
  const index = view.i32(0);
  const columns = COLUMNS.map((_, c) => view.f64(c + 1));
  for (let r = 0; r < view.rows; r++) {
    const s = series[index[r]] as Building;
    for (let c = 0; c < columns.length; c++) s.cols[c][s.at] = columns[c][r];
    s.at++;
  }
}

function finish(s: Building): RollupRows {
  const floats = Object.fromEntries(ROLLUP_FLOATS.map((f, c) => [f, s.cols[c]]));
  const whole = Uint8Array.from(s.cols[ROLLUP_FLOATS.length]);
  return rollupRows(s.labels, s.at, { whole, ...floats } as unknown as RollupColumns);
}
