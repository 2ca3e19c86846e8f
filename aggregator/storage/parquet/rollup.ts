/**
 * Rollups: per series and window [t, t + step), the aggregates PromQL's *_over_time and
 * increase() need, so that long ranges read one row per window instead of every sample.
 *
 *   metric, labels  as in raw files (the same filters work)
 *   ts              window start (TIMESTAMP)
 *   min, max, sum   of the window's values
 *   count           samples in the window (BIGINT)
 *   last            the value at the window's last sample
 *   increase        counter increase, reset-aware, including the step from the previous
 *                   window's last sample (the first sample of the inputs contributes 0)
 *
 * Staleness markers are left out of everything; a window of only markers has no row.
 */
import { withConnection } from "./db.ts";
import { mergedSource } from "./inputs.ts";
import { COMPACT_LEVEL, copyOptions, type FileStats, sqlString } from "./schema.ts";
import { fileStats } from "./stats.ts";

/** Summary of a rollup file: `minTime`/`maxTime` are window starts. */
export interface RollupStats extends FileStats {
  /** Window length in ms. */
  readonly stepMs: number;
}

/** Writes the `stepMs` rollup of the raw files `inputs` (one hour) to `output`. */
export function writeRollupFile(
  inputs: readonly string[],
  output: string,
  stepMs: 60_000 | 300_000,
): Promise<RollupStats> {
  return withConnection(async (conn) => {
    try {
      if (inputs.length === 0) throw new Error("no input files");
      const source = await mergedSource(conn, inputs);
      await conn.run(`COPY (${rollupSql(source, stepMs)}) TO ${sqlString(output)}
        (${copyOptions(COMPACT_LEVEL, "rollup")})`);
      return { ...(await fileStats(conn, output)), stepMs };
    } catch (err) {
      throw new Error(`Cannot write rollup ${output}: ${(err as Error).message}`, { cause: err });
    }
  });
}

function rollupSql(source: string, step: number): string {
  return `
    WITH live AS (
      SELECT metric, labels, ts, value,
        lag(value) OVER (PARTITION BY metric, labels ORDER BY ts) AS prev
      FROM ${source} WHERE value IS NOT NULL
    )
    SELECT metric, labels,
      make_timestamp_ms(CAST(floor(epoch_ms(ts) / ${step}) AS BIGINT) * ${step}) AS ts,
      min(value) AS min, max(value) AS max, sum(value) AS sum, count(*) AS count,
      arg_max(value, live.ts) AS last,
      sum(CASE WHEN prev IS NULL THEN 0 WHEN value >= prev THEN value - prev ELSE value END) AS increase
    FROM live
    GROUP BY ALL
    ORDER BY metric, labels, ts`;
}
