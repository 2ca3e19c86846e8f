/**
 * Moving columns between typed arrays and DuckDB without a JS value per row: rows go in as
 * DataChunks filled by memory copies (`copy_data_to_vector`), results come out as views of
 * each chunk's vectors. This is the hot path of every Parquet write and read.
 *
 * `@duckdb/node-bindings` is the C API under `@duckdb/node-api` (same version, its dependency):
 * the high-level API has no bulk copy.
 */

import type { DuckDBConnection, DuckDBDataChunk, DuckDBMaterializedResult } from "@duckdb/node-api";
import type * as duckdb from "@duckdb/node-bindings";
import { isStaleAt } from "../../../shared/model/sample.ts";
import { directAvailable, runDirect } from "./direct.ts";
import { duckDb } from "./duckdb.ts";

/** Sample columns as `SampleRows` holds them (which satisfies this). */
export interface SampleColumns {
  readonly length: number;
  readonly seriesIndex: Int32Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** `values` as 32-bit words: staleness markers are read here. */
  readonly valueWords: Uint32Array;
}

/** Creates the temp table `name(sidx INTEGER, ts DOUBLE, value DOUBLE)` and fills it from `rows`. */
export async function loadSampleRows(
  conn: DuckDBConnection,
  name: string,
  rows: SampleColumns,
): Promise<void> {
  const { api, bindings } = duckDb();
  const perChunk = bindings.vector_size();
  await conn.run(`CREATE TEMP TABLE ${name} (sidx INTEGER, ts DOUBLE, value DOUBLE)`);
  const appender = await conn.createAppender(name);
  const chunk = api.DuckDBDataChunk.create([
    api.DuckDBIntegerType.instance,
    api.DuckDBDoubleType.instance,
    api.DuckDBDoubleType.instance,
  ]);
  const validity = new Uint8Array(perChunk / 8);
  try {
    for (let start = 0; start < rows.length; start += perChunk) {
      const n = Math.min(perChunk, rows.length - start);
      chunk.reset();
      copyInto(chunk, 0, rows.seriesIndex, start, n);
      copyInto(chunk, 1, rows.timestamps, start, n);
      copyInto(chunk, 2, rows.values, start, n);
      if (markStale(rows.valueWords, start, n, validity)) {
        const vec = bindings.data_chunk_get_vector(chunk.chunk, 2);
        bindings.vector_ensure_validity_writable(vec);
        bindings.copy_data_to_vector_validity(vec, 0, validity.buffer, 0, Math.ceil(n / 64) * 8);
      }
      chunk.rowCount = n;
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Copies `n` values of a typed array, from `start`, into column `column` of a data chunk. */
export function copyInto(
  chunk: DuckDBDataChunk,
  column: number,
  source: Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array | BigInt64Array,
  start: number,
  n: number,
): void {
  const { bindings } = duckDb();
  const size = source.BYTES_PER_ELEMENT;
  bindings.copy_data_to_vector(
    bindings.data_chunk_get_vector(chunk.chunk, column),
    0,
    source.buffer as ArrayBuffer,
    source.byteOffset + start * size,
    n * size,
  );
}

/** Fills `validity` (bit set = valid) for rows [start, start+n); true when any row is stale. */
function markStale(words: Uint32Array, start: number, n: number, validity: Uint8Array): boolean {
  let any = false;
  validity.fill(0xff);
  for (let j = 0; j < n; j++) {
    if (isStaleAt(words, start + j)) {
      validity[j >> 3] &= ~(1 << (j & 7));
      any = true;
    }
  }
  return any;
}

/** One result chunk, its columns seen as typed arrays valid until the next chunk is fetched. */
export interface ChunkView {
  readonly rows: number;
  /** A DOUBLE column. */
  f64(column: number): Float64Array;
  /** An INTEGER column. */
  i32(column: number): Int32Array;
  /** A BIGINT or UBIGINT column, as two 32-bit words a row (low word first). */
  words(column: number): Uint32Array;
  /** The validity bits of a column (bit set = not NULL), or null when no row is NULL. */
  validity(column: number): Uint8Array | null;
}

/** Runs `sql` and hands each result chunk to `onChunk`. */
export async function scanChunks(
  conn: DuckDBConnection,
  sql: string,
  onChunk: (view: ChunkView) => void,
): Promise<void> {
  const result = await conn.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    onChunk(viewOf(chunk.chunk, chunk.rowCount));
  }
}

/**
 * Runs `sql` to completion on DuckDB's threads, then hands each result chunk to `onChunk`
 * without a round trip to them a chunk (~210 µs each here, runs.ts). For queries that hold
 * every row before the first comes out anyway (an ORDER BY over them all).
 */
export async function scanMaterialized(
  conn: DuckDBConnection,
  sql: string,
  onChunk: (view: ChunkView) => void,
): Promise<void> {
  eachChunk(await conn.run(sql), onChunk);
}

/**
 * {@link scanMaterialized} for a query that reads files only (no table of `conn`'s), which
 * may then run on DuckDB's C API directly (`scanTuning.direct`, direct.ts).
 */
export async function scanFiles(
  conn: DuckDBConnection,
  sql: string,
  onChunk: (view: ChunkView) => void,
): Promise<void> {
  const result = await runFiles(conn, sql);
  try {
    result.each(onChunk);
  } finally {
    result.close();
  }
}

/** Runs a query of files only, through the C API where `scanTuning.direct` allows. */
function runFiles(conn: DuckDBConnection, sql: string): Promise<HeldResult> {
  if (scanTuning.direct && directAvailable()) return runDirect(sql);
  return conn.run(sql).then((result) => ({
    each: (onChunk) => eachChunk(result, onChunk),
    close() {},
  }));
}

/** Hands a held result's chunks to `onChunk` until it returns false; false if it did. */
function eachChunk(
  result: DuckDBMaterializedResult,
  onChunk: (view: ChunkView) => unknown,
): boolean {
  for (let i = 0; i < result.chunkCount; i++) {
    const chunk = result.getChunk(i);
    if (chunk.rowCount > 0 && onChunk(viewOf(chunk.chunk, chunk.rowCount)) === false) return false;
  }
  return true;
}

/**
 * {@link scanFiles} over `sqls` in turn, each run on DuckDB's threads while the JS
 * thread hands the chunks of the one before to `onChunk`: a query's result is held whole, so
 * the next can run beside its copy (two results held at a time). `onChunk` returns false to
 * stop; the query already running is awaited, so that the connection is free afterwards.
 * Speed only: `scanTuning.pipelined` off starts each query once the one before is copied.
 */
export function scanPipelined(
  conn: DuckDBConnection,
  sqls: readonly string[],
  onChunk: (view: ChunkView) => boolean,
): Promise<void> {
  return startScan(conn, sqls).each(onChunk);
}

/** A {@link scanPipelined} begun by {@link startScan}: read once with `each`, or dropped. */
export interface StartedScan {
  each(onChunk: (view: ChunkView) => boolean): Promise<void>;
  /** Waits for the first query if it was started and is not wanted, and frees its result. */
  drop(): Promise<void>;
}

/**
 * {@link scanPipelined}, its first query started at once where it runs apart from `conn`
 * (through the C API, pipelined), so that DuckDB's threads scan while the JS thread and `conn`
 * do the work that decides how the chunks are used (a rollup read's listing). Elsewhere it
 * starts at `each`. A scan started and not read must be dropped.
 */
export function startScan(conn: DuckDBConnection, sqls: readonly string[]): StartedScan {
  const early = scanTuning.pipelined && scanTuning.direct && directAvailable() && sqls.length > 0;
  let first = early ? runFiles(conn, sqls[0]) : null;
  // Its error is the read's when it is read, and nobody's when it is dropped.
  first?.catch(() => {});
  let used = false;
  return {
    async each(onChunk) {
      if (used) throw new Error("A scan is read once");
      used = true;
      const started = first;
      first = null;
      return scanFrom(conn, sqls, onChunk, started);
    },
    async drop() {
      used = true;
      const started = first;
      first = null;
      await drop(started);
    },
  };
}

/** {@link scanPipelined}, its first query `started` already or started here. */
async function scanFrom(
  conn: DuckDBConnection,
  sqls: readonly string[],
  onChunk: (view: ChunkView) => boolean,
  started: Promise<HeldResult> | null,
): Promise<void> {
  const start = (k: number) => (k < sqls.length ? runFiles(conn, sqls[k]) : null);
  let next = started ?? start(0);
  for (let k = 0; next !== null; k++) {
    const result = await next;
    next = scanTuning.pipelined ? start(k + 1) : null;
    let go: boolean;
    try {
      go = result.each(onChunk);
    } catch (err) {
      result.close();
      await drop(next);
      throw err;
    }
    result.close();
    if (!go) {
      // Its rows are not wanted, nor its error.
      await drop(next);
      return;
    }
    next ??= start(k + 1);
  }
}

/** A query's whole result, read a chunk at a time, then freed. */
export interface HeldResult {
  /** Hands each chunk to `onChunk` until it returns false; false if it did. */
  each(onChunk: (view: ChunkView) => unknown): boolean;
  /** Frees the result; idempotent. */
  close(): void;
}

/** Waits for a query no longer wanted and frees its result. */
async function drop(pending: Promise<HeldResult> | null): Promise<void> {
  (await pending?.catch(() => null))?.close();
}

/**
 * Speed only, each held to the simple path by chunks.test.ts: {@link scanPipelined} runs its
 * next query beside the copy (`pipelined`), and reads results through DuckDB's C API where
 * that is available (`direct`, direct.ts) instead of through the binding.
 */
export const scanTuning = { pipelined: true, direct: true };

function viewOf(chunk: duckdb.DataChunk, rows: number): ChunkView {
  const { bindings } = duckDb();
  const data = (column: number, width: number) =>
    bindings.vector_get_data(bindings.data_chunk_get_vector(chunk, column), rows * width);
  return {
    rows,
    f64(column) {
      const bytes = data(column, 8);
      return new Float64Array(bytes.buffer, bytes.byteOffset, rows);
    },
    i32(column) {
      const bytes = data(column, 4);
      return new Int32Array(bytes.buffer, bytes.byteOffset, rows);
    },
    words(column) {
      const bytes = data(column, 8);
      return new Uint32Array(bytes.buffer, bytes.byteOffset, 2 * rows);
    },
    validity(column) {
      const vec = bindings.data_chunk_get_vector(chunk, column);
      return bindings.vector_get_validity(vec, Math.ceil(rows / 64) * 8);
    },
  };
}

/** True when row `i` is valid in a validity mask from {@link ChunkView.validity}. */
export function isValid(validity: Uint8Array | null, i: number): boolean {
  return validity === null || (validity[i >> 3] & (1 << (i & 7))) !== 0;
}
