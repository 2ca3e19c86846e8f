/**
 * Reads results whose rows are runs of samples: (hash UBIGINT, file INTEGER, ts DOUBLE[],
 * value DOUBLE[]). Each result chunk hands JS up to 2,048 runs whose elements sit in one child
 * vector, viewed as typed arrays: a few hundred chunks for 40 M samples where one row per sample
 * took ~20,000, and fetching a chunk costs ~70 µs whatever its size (measured).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type * as duckdb from "@duckdb/node-bindings";
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
