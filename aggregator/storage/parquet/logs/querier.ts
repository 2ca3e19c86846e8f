/**
 * A {@link LogQuerier} over local Parquet log files. Streams are chosen in JS from the files'
 * index (catalog.ts), then each read names them in SQL; a search reads time windows in its
 * direction (windows.ts), each in pages ordered by (ts, file, row) so that it stops as soon as
 * it has its limit, and never holds a DuckDB connection while the caller consumes a chunk.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Labels } from "../../../../shared/model/labels.ts";
import type {
  LineFilter,
  LogBucketParams,
  LogBuckets,
  LogChunk,
  LogQuerier,
  LogSelectParams,
} from "../../../logs/source.ts";
import type { LabelMatcher } from "../../storage.ts";
import { withConnection } from "../db.ts";
import { NO_BUCKETS, readBuckets } from "./buckets.ts";
import { type Chosen, StreamCatalog } from "./catalog.ts";
import { fileIndexes } from "./index.ts";
import { type RowKey, readPage } from "./scan.ts";
import { readLogs, sqlIn, tsLiteral } from "./schema.ts";
import { pageSql, regexCheckSql } from "./sql.ts";
import { Density } from "./windows.ts";

/** Rows fetched by one query at most: a page of ~200-byte lines is then ~6 MB. */
const PAGE_ROWS = 32_768;
/** Rows a window holds at least, by the index: smaller windows cost more in queries than in rows. */
const MIN_WINDOW_ROWS = 65_536;

/** Sizes of a search's reads (tests make them small). */
export interface SearchSizes {
  /** Rows fetched by one query at most. */
  pageRows: number;
  /** Rows a window holds at least, by the index. */
  windowRows: number;
}

/** Reads logs from Parquet files; `paths` are local copies that live until {@link close}. */
export class ParquetLogQuerier implements LogQuerier {
  private catalog: Promise<StreamCatalog> | undefined;
  private closed = false;
  private readonly sizes: SearchSizes;

  constructor(
    private readonly paths: readonly string[],
    sizes: Partial<SearchSizes> = {},
  ) {
    this.sizes = { pageRows: PAGE_ROWS, windowRows: MIN_WINDOW_ROWS, ...sizes };
  }

  /** Records of the matching streams in [startNs, endNs), in pages of windows. */
  async *select(params: LogSelectParams): AsyncIterable<LogChunk> {
    const { startNs, endNs, limitHint } = params;
    if (startNs >= endNs) return;
    const chosen = (await this.catalogue()).choose(params.matchers, startNs, endNs - 1n);
    if (chosen.labels.length === 0) return;
    const filters = await pushable(params.lineFilters);
    const density = new Density(chosen.spans.flat());
    const backward = params.direction === "backward";
    const bound = backward ? startNs : endNs;
    let from = backward ? endNs : startNs;
    let remaining = limitHint > 0 ? limitHint : Number.POSITIVE_INFINITY;
    const { pageRows, windowRows } = this.sizes;
    let target = Math.max(windowRows, limitHint > 0 ? 4 * limitHint : 4 * pageRows);
    while (remaining > 0 && from !== bound) {
      const edge = density.edge(from, bound, target);
      const [lo, hi] = backward ? [edge, from] : [from, edge];
      const wanted = Math.min(remaining, pageRows);
      const paths = density.files(lo, hi).map((f) => this.paths[f]);
      let got = 0;
      let after: RowKey | undefined;
      while (paths.length > 0 && remaining > 0) {
        const limit = Math.min(remaining, pageRows);
        const sql = pageSql({
          direction: params.direction,
          paths,
          streams: chosen.streams,
          filters,
          lo,
          hi,
          after,
          limit,
        });
        const page = await this.read((conn) => readPage(conn, sql, chosen.labels));
        for (const chunk of page.chunks) yield chunk;
        got += page.rows;
        remaining -= page.rows;
        if (page.rows < limit) break;
        after = page.last;
      }
      // A window short of what was wanted had few matches: the next one looks further.
      if (got < wanted) target *= 2;
      from = edge;
    }
  }

  /** Streams matching every matcher with records in [startNs, endNs), sorted by their JSON. */
  async streams(
    matchers: readonly LabelMatcher[],
    startNs: bigint,
    endNs: bigint,
  ): Promise<Labels[]> {
    if (startNs >= endNs) return [];
    const chosen = (await this.catalogue()).choose(matchers, startNs, endNs - 1n);
    const unsure = chosen.spans.flatMap((spans, i) => (inside(spans, startNs, endNs) ? [] : [i]));
    if (unsure.length === 0) return chosen.labels;
    const found = await this.confirm(chosen, unsure, startNs, endNs);
    const texts = chosen.streams.texts;
    const check = new Set(unsure);
    return chosen.labels.filter((_, i) => !check.has(i) || found.has(texts[i]));
  }

  /** Records and line bytes per (stream, bucket), in one GROUP BY over the files. */
  async buckets(params: LogBucketParams): Promise<LogBuckets> {
    const { startNs, bucketNs, buckets } = params;
    if (!(bucketNs > 0n) || !Number.isInteger(buckets) || buckets < 0 || buckets >= 2 ** 31) {
      throw new RangeError(`Cannot count log buckets: ${buckets} buckets of ${bucketNs} ns`);
    }
    const endNs = startNs + BigInt(buckets) * bucketNs;
    const chosen =
      buckets === 0
        ? undefined
        : (await this.catalogue()).choose(params.matchers, startNs + 1n, endNs);
    if (!chosen || chosen.labels.length === 0) return NO_BUCKETS;
    const density = new Density(chosen.spans.flat());
    const paths = density.files(startNs + 1n, endNs + 1n).map((f) => this.paths[f]);
    const filters = await pushable(params.lineFilters);
    const q = { paths, streams: chosen.streams, filters, startNs, bucketNs, buckets };
    return this.read((conn) => readBuckets(conn, q, chosen.labels));
  }

  /** Releases the view; the files are no longer read after this. */
  close(): void {
    this.closed = true;
  }

  private catalogue(): Promise<StreamCatalog> {
    if (this.closed) throw new Error("Cannot read logs: the Parquet log querier is closed");
    this.catalog ??= wrap(async () => new StreamCatalog(await fileIndexes(this.paths)));
    return this.catalog;
  }

  /** Runs `fn` on a connection, with errors saying what failed. */
  private read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return wrap(() => withConnection(fn));
  }

  /** The texts of the `unsure` chosen streams that have a record in [startNs, endNs). */
  private async confirm(chosen: Chosen, unsure: number[], startNs: bigint, endNs: bigint) {
    const texts = unsure.map((i) => chosen.streams.texts[i]);
    const density = new Density(unsure.flatMap((i) => chosen.spans[i]));
    const paths = density.files(startNs, endNs).map((f) => this.paths[f]);
    const rows = await this.read(async (conn) => {
      const reader = await conn.runAndReadAll(
        `SELECT DISTINCT stream::VARCHAR FROM ${readLogs(paths)}
         WHERE stream IN (${sqlIn(texts)}) AND ts >= ${tsLiteral(startNs)} AND ts < ${tsLiteral(endNs)}`,
      );
      return reader.getRowsJS();
    });
    return new Set(rows.map((r) => r[0] as string));
  }
}

/** Runs `fn`; its errors say that reading the files failed. */
async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = (err as Error).message;
    if (message.startsWith("Cannot read Parquet log")) throw err;
    throw new Error(`Cannot read Parquet log files: ${message}`, { cause: err });
  }
}

/** True when a span of a stream lies in [startNs, endNs): the stream surely has rows there. */
function inside(
  spans: readonly { minNs: bigint; maxNs: bigint }[],
  startNs: bigint,
  endNs: bigint,
) {
  return spans.some((s) => s.minNs >= startNs && s.maxNs < endNs);
}

/**
 * The line filters DuckDB can apply: all but a regex its RE2 refuses (the engine, which
 * applies every filter again, then reports it).
 */
async function pushable(filters: readonly LineFilter[]): Promise<LineFilter[]> {
  const regexes = filters.filter((f) => f.op === "|~" || f.op === "!~");
  if (regexes.length === 0) return [...filters];
  const bad = await withConnection(async (conn) => {
    const out = new Set<LineFilter>();
    for (const f of regexes) await conn.run(regexCheckSql(f.value)).catch(() => out.add(f));
    return out;
  });
  return filters.filter((f) => !bad.has(f));
}
