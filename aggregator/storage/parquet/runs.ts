/**
 * Reads sample queries into a `Filler`, two ways (reader.ts `readerTuning.flatRunMax`):
 *
 * - `scanRows`: one row per sample (hash UBIGINT, file INTEGER, ts DOUBLE, value DOUBLE),
 *   materialized by DuckDB and then taken chunk by chunk without a round trip to DuckDB's thread
 *   each (through DuckDB's C API where it can, chunks.ts `scanFiles`); consecutive rows of one series and file are handed on as a run. For a month of a
 *   6,696-series counter DuckDB's threads used 9–10 s of CPU where the lists took 15–16 s (the
 *   JS thread 6.6–8.2 s against 5.2–5.5; docs/benchmarks.md, "Cold reads of a month"): the
 *   `list()` aggregation and the sort of its lists were most of DuckDB's work.
 * - `scanRuns`: rows that are runs of samples (hash UBIGINT, file INTEGER, ts DOUBLE[],
 *   value DOUBLE[]), streamed. Each result chunk hands JS up to 2,048 runs whose elements sit in
 *   one child vector: a few hundred streamed chunks for 40 M samples where one row per sample
 *   took ~20,000, and fetching a streamed chunk costs ~70 µs whatever its size (measured on a
 *   faster VM; ~210 µs on the one of docs/benchmarks.md's "Cold reads of a month").
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type * as duckdb from "@duckdb/node-bindings";
import { type ChunkView, scanFiles } from "./chunks.ts";
import { duckDb } from "./duckdb.ts";
import { type Filler, sampleRun } from "./fill.ts";

/** Runs `sql` and appends each run it returns to `filler`. */
export async function scanRuns(conn: DuckDBConnection, sql: string, filler: Filler): Promise<void> {
  const result = await conn.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    addChunk(chunk.chunk, chunk.rowCount, filler);
  }
}

/**
 * Runs `sql` (rows of one sample each: hash, file, time, value) to completion and appends its
 * rows to `filler` as runs of consecutive rows with the same hash and file. DuckDB keeps a
 * scan's rows in file order (its default `preserve_insertion_order`), which is the order the
 * filler wants, as long as the plan is a scan and filters: a long `IN` list becomes a join
 * whose output is in no order (the reader reads named series as lists). Rows that come out of
 * order are found so there and read again sorted.
 */
export async function scanRows(conn: DuckDBConnection, sql: string, filler: Filler): Promise<void> {
  await scanFiles(conn, sql, (view) => addRows(view, filler));
}

function addRows(view: ChunkView, filler: Filler): void {
  const rows = view.rows;
  const hash = view.words(0);
  const file = view.i32(1);
  const run = sampleRun(view.f64(2), view.f64(3), view.validity(3));
  let start = 0;
  for (let i = 1; i <= rows; i++) {
    if (
      i < rows &&
      hash[2 * i] === hash[2 * start] &&
      hash[2 * i + 1] === hash[2 * start + 1] &&
      file[i] === file[start]
    ) {
      continue;
    }
    filler.addRun(hash[2 * start], hash[2 * start + 1], file[start], run, start, i - start);
    start = i;
  }
}

function addChunk(chunk: duckdb.DataChunk, rows: number, filler: Filler): void {
  const { bindings } = duckDb();
  const hash = words(bindings.data_chunk_get_vector(chunk, 0), rows * 8);
  const file = words(bindings.data_chunk_get_vector(chunk, 1), rows * 4);
  const tsList = bindings.data_chunk_get_vector(chunk, 2);
  const valueList = bindings.data_chunk_get_vector(chunk, 3);
  // Each list entry is {offset, length} as two little-endian uint64; both fit 32 bits here.
  const entries = words(tsList, rows * 16);
  const valueEntries = words(valueList, rows * 16);
  const run = sampleRun(
    doubles(bindings.list_vector_get_child(tsList), bindings.list_vector_get_size(tsList)),
    doubles(bindings.list_vector_get_child(valueList), bindings.list_vector_get_size(valueList)),
    bindings.vector_get_validity(
      bindings.list_vector_get_child(valueList),
      Math.ceil(bindings.list_vector_get_size(valueList) / 64) * 8,
    ),
  );
  for (let i = 0; i < rows; i++) {
    if (entries[4 * i] !== valueEntries[4 * i]) {
      throw new Error("Cannot read sample runs: the time and value lists are not aligned");
    }
    filler.addRun(hash[2 * i], hash[2 * i + 1], file[i], run, entries[4 * i], entries[4 * i + 2]);
  }
}

function words(vector: duckdb.Vector, byteCount: number): Uint32Array {
  const data = duckDb().bindings.vector_get_data(vector, byteCount);
  return new Uint32Array(data.buffer, data.byteOffset, byteCount / 4);
}

function doubles(vector: duckdb.Vector, count: number): Float64Array {
  const data = duckDb().bindings.vector_get_data(vector, count * 8);
  return new Float64Array(data.buffer, data.byteOffset, count);
}
