/**
 * Compaction: merges the small files of one hour into one file with the same schema and
 * order, compressed harder (compacted files are the ones that stay).
 */
import { withConnection } from "./db.ts";
import { mergedSource } from "./inputs.ts";
import { COMPACT_LEVEL, copyOptions, type FileStats, mergedRowGroup, sqlString } from "./schema.ts";
import { fileStats } from "./stats.ts";

/**
 * Merges `inputs` into a new file at `output`, sorted by (metric, labels, ts); a (series, ts)
 * in several inputs keeps the row of the input listed last. `level` is the zstd level (a big
 * backfill may trade bytes for time); `rows`, the inputs' rows as the catalog counts them,
 * sizes the row groups (`mergedRowGroup`; unknown: the big ones).
 */
export function mergeFiles(
  inputs: readonly string[],
  output: string,
  level = COMPACT_LEVEL,
  rows = Number.POSITIVE_INFINITY,
): Promise<FileStats> {
  return withConnection(async (conn) => {
    try {
      if (inputs.length === 0) throw new Error("no input files");
      const { sql: source, negativeZero } = await mergedSource(conn, inputs);
      const group = mergedRowGroup(rows);
      await conn.run(
        `COPY (SELECT metric, labels, ts, value FROM ${source} ORDER BY metric, labels, ts)
         TO ${sqlString(output)} (${copyOptions(level, "raw", negativeZero, group)})`,
      );
      return await fileStats(conn, output);
    } catch (err) {
      throw new Error(`Cannot merge into ${output}: ${(err as Error).message}`, { cause: err });
    }
  });
}
