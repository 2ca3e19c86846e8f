/**
 * Writes log records as one Parquet logs file (schema in schema.ts): sorted here on typed
 * arrays, bulk-loaded into a temp table already in file order, and COPYed out with the
 * stream and fields texts typed as JSON. The stats come from the input, not from a re-read.
 */
import { stat } from "node:fs/promises";
import { labelValue } from "../../../../shared/model/labels.ts";
import { withConnection } from "../db.ts";
import { FLUSH_LEVEL, sqlString } from "../schema.ts";
import { loadLogRows } from "./load.ts";
import { type LogFileStats, type LogRows, logCopyOptions } from "./schema.ts";
import { type FileOrder, type RankedStreams, rankStreams, sortLogRows } from "./sort.ts";

/** Options of {@link writeLogsFile}. */
export interface WriteLogsOptions {
  /** zstd level; the fast flush level (3) by default. */
  level?: number;
}

/** Writes `rows` to a new Parquet file at `path`, sorted by (stream, ts), and returns its stats. */
export async function writeLogsFile(
  rows: LogRows,
  path: string,
  opts: WriteLogsOptions = {},
): Promise<LogFileStats> {
  try {
    const ranked = rankStreams(rows.streams);
    const sorted = sortLogRows(rows, ranked);
    await withConnection(async (conn) => {
      await loadLogRows(conn, "logs_in", rows, ranked, sorted);
      // A plain projection of one table keeps its insertion order (preserve_insertion_order).
      await conn.run(`COPY (
          SELECT stream::VARCHAR::JSON AS stream, ts, line, fields::JSON AS fields,
            strlen(line)::INTEGER AS line_bytes
          FROM logs_in
        ) TO ${sqlString(path)} (${logCopyOptions(opts.level ?? FLUSH_LEVEL)})`);
    });
    return { ...rowStats(rows, ranked, sorted), bytes: (await stat(path)).size };
  } catch (err) {
    throw new Error(`Cannot write Parquet log file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

const NS_PER_MS = 1_000_000n;

/** Rows, time bounds, streams and jobs of a write, from its sorted input. */
function rowStats(rows: LogRows, ranked: RankedStreams, sorted: FileOrder) {
  const n = rows.length;
  if (n === 0) return { rows: 0, minTime: 0, maxTime: 0, streams: 0, jobs: [] };
  // Each stream's rows ascend in time: only the first and last row of a stream can be
  // the minimum or maximum, and reading fewer BigInts saves an allocation per row.
  const t = rows.timeNs;
  const used = new Uint8Array(ranked.texts.length);
  let min = t[sorted.order[0]];
  let max = t[sorted.order[n - 1]];
  for (let k = 0; k < n; k++) {
    const g = sorted.rank[k];
    if (used[g]) continue;
    used[g] = 1;
    const first = t[sorted.order[k]];
    if (first < min) min = first;
    const last = k > 0 ? t[sorted.order[k - 1]] : first;
    if (last > max) max = last;
  }
  const jobs = new Set<string>();
  for (let s = 0; s < rows.streams.length; s++) {
    const job = labelValue(rows.streams[s], "job");
    if (used[ranked.rankOf[s]] && job !== "") jobs.add(job);
  }
  return {
    rows: n,
    minTime: Number(floorDiv(min, NS_PER_MS)),
    maxTime: Number(-floorDiv(-max, NS_PER_MS)),
    streams: used.reduce((a, b) => a + b, 0),
    jobs: [...jobs].sort(),
  };
}

/** Division rounding toward −∞ (bigint `/` rounds toward 0). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}
