/**
 * Reads query results of log rows as {@link LogChunk}s, one per DuckDB result chunk (2,048
 * rows): integers and times are copied out of the vectors in one piece, strings are decoded
 * from DuckDB's 16-byte string headers (inline up to 12 bytes, else a pointer).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type * as duckdb from "@duckdb/node-bindings";
import type { Labels } from "../../../../shared/model/labels.ts";
import type { LogChunk } from "../../../logs/source.ts";
import { isValid } from "../chunks.ts";
import { duckDb } from "../duckdb.ts";
import { fieldsFromJson } from "./schema.ts";

/** Where a page of rows ended: the sort key of its last row. */
export interface RowKey {
  readonly ts: bigint;
  /** Index of the row's file in the query's file list. */
  readonly file: number;
  /** Row number in its file. */
  readonly row: bigint;
}

/** The chunks of one query and the key of its last row. */
export interface Page {
  readonly chunks: LogChunk[];
  readonly rows: number;
  readonly last: RowKey | undefined;
}

/**
 * Runs `sql`, whose columns are (sid INTEGER, ts TIMESTAMP_NS, line VARCHAR, fields VARCHAR,
 * f INTEGER, r BIGINT), and reads all of its rows; `sid` indexes `streams`.
 */
export async function readPage(
  conn: DuckDBConnection,
  sql: string,
  streams: readonly Labels[],
): Promise<Page> {
  const { bindings } = duckDb();
  const result = await conn.stream(sql);
  const chunks: LogChunk[] = [];
  let rows = 0;
  let last: RowKey | undefined;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return { chunks, rows, last };
    const n = chunk.rowCount;
    const vec = (c: number) => bindings.data_chunk_get_vector(chunk.chunk, c);
    const timeNs = new BigInt64Array(bytesOf(vec(1), n, 8).slice().buffer);
    chunks.push({
      length: n,
      stream: new Int32Array(bytesOf(vec(0), n, 4).slice().buffer),
      timeNs,
      // `line` is never NULL in files this module writes; others' NULLs read as "".
      lines: readStrings(vec(2), n, ""),
      fields: readStrings(vec(3), n, null).map(fieldsFromJson),
      streams,
    });
    const file = viewOf(bytesOf(vec(4), n, 4)).getInt32(4 * (n - 1), true);
    const row = viewOf(bytesOf(vec(5), n, 8)).getBigInt64(8 * (n - 1), true);
    last = { ts: timeNs[n - 1], file, row };
    rows += n;
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function bytesOf(vector: duckdb.Vector, rows: number, width: number): Uint8Array {
  return duckDb().bindings.vector_get_data(vector, rows * width);
}

const decoder = new TextDecoder();

/** The strings of a VARCHAR vector; NULL reads as `ifNull`. */
export function readStrings<N extends string | null>(
  vector: duckdb.Vector,
  rows: number,
  ifNull: N,
): (string | N)[] {
  const data = bytesOf(vector, rows, 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { bindings } = duckDb();
  const validity = bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  const out: (string | N)[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    if (!isValid(validity, i)) {
      out[i] = ifNull;
      continue;
    }
    const at = 16 * i;
    const len = view.getUint32(at, true);
    const bytes =
      len <= 12
        ? data.subarray(at + 4, at + 4 + len)
        : bindings.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + at + 8, len);
    out[i] = decoder.decode(bytes);
  }
  return out;
}
