/**
 * Bulk-loads log records into a DuckDB temp table in file order. Streams go in as an ENUM of
 * the ranked stream texts (one memory copy of their indices per chunk, no string per row),
 * times as a memory copy of nanoseconds; lines and fields are assigned string by string,
 * which is most of the cost (~0.3 µs per 200-byte line).
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { copyInto } from "../chunks.ts";
import { duckDb } from "../duckdb.ts";
import { fieldsToJson, type LogRows, sqlIn } from "./schema.ts";
import type { FileOrder, RankedStreams } from "./sort.ts";

/** Creates `name(stream ENUM, ts TIMESTAMP_NS, line VARCHAR, fields VARCHAR)` filled in file order. */
export async function loadLogRows(
  conn: DuckDBConnection,
  name: string,
  rows: LogRows,
  ranked: RankedStreams,
  sorted: FileOrder,
): Promise<void> {
  // An ENUM needs a member; a file without rows has no stream to name.
  const streamType = ranked.texts.length > 0 ? `ENUM(${sqlIn(ranked.texts)})` : "VARCHAR";
  await conn.run(
    `CREATE TEMP TABLE ${name} (stream ${streamType}, ts TIMESTAMP_NS, line VARCHAR, fields VARCHAR)`,
  );
  if (rows.length === 0) return;
  const { api, bindings } = duckDb();
  const perChunk = bindings.vector_size();
  const validity = new Uint8Array(perChunk / 8);
  const appender = await conn.createAppender(name);
  try {
    const types = [0, 1, 2, 3].map((c) => appender.columnType(c));
    const chunk = api.DuckDBDataChunk.create(types);
    const codes = enumCodes(types[0], sorted.rank);
    const ts = gatherTimes(rows.timeNs, sorted.order);
    for (let start = 0; start < rows.length; start += perChunk) {
      const n = Math.min(perChunk, rows.length - start);
      chunk.reset();
      copyInto(chunk, 0, codes, start, n);
      copyInto(chunk, 1, ts, start, n);
      assignLines(chunk, rows.lines, sorted.order, start, n);
      assignFields(chunk, rows.fields, sorted.order, start, n, validity);
      chunk.rowCount = n;
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Stream ranks as the ENUM's physical codes (8, 16 or 32 bits by member count). */
function enumCodes(type: DuckDBType, rank: Int32Array): Uint8Array | Uint16Array | Uint32Array {
  const { DuckDBEnumType, DuckDBTypeId } = duckDb().api;
  if (!(type instanceof DuckDBEnumType))
    throw new TypeError(`Cannot load log rows: ${type} is no ENUM`);
  const internal = type.internalTypeId;
  if (internal === DuckDBTypeId.UTINYINT) return Uint8Array.from(rank);
  if (internal === DuckDBTypeId.USMALLINT) return Uint16Array.from(rank);
  return Uint32Array.from(rank);
}

/** The times in file order, moved as 32-bit words (no BigInt per row). */
function gatherTimes(timeNs: BigInt64Array, order: Int32Array): BigInt64Array {
  const out = new BigInt64Array(order.length);
  const src = new Int32Array(timeNs.buffer, timeNs.byteOffset, 2 * timeNs.length);
  const dst = new Int32Array(out.buffer);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    dst[2 * k] = src[2 * i];
    dst[2 * k + 1] = src[2 * i + 1];
  }
  return out;
}

function assignLines(
  chunk: DuckDBDataChunk,
  lines: readonly string[],
  order: Int32Array,
  start: number,
  n: number,
): void {
  const { bindings } = duckDb();
  const vec = bindings.data_chunk_get_vector(chunk.chunk, 2);
  for (let j = 0; j < n; j++)
    bindings.vector_assign_string_element(vec, j, lines[order[start + j]]);
}

/** Fields as JSON text, NULL (validity bit clear) for records without any. */
function assignFields(
  chunk: DuckDBDataChunk,
  fields: LogRows["fields"],
  order: Int32Array,
  start: number,
  n: number,
  validity: Uint8Array<ArrayBuffer>,
): void {
  const { bindings } = duckDb();
  const vec = bindings.data_chunk_get_vector(chunk.chunk, 3);
  validity.fill(0);
  if (fields) {
    for (let j = 0; j < n; j++) {
      const json = fieldsToJson(fields[order[start + j]]);
      if (json === null) continue;
      bindings.vector_assign_string_element(vec, j, json);
      validity[j >> 3] |= 1 << (j & 7);
    }
  }
  bindings.vector_ensure_validity_writable(vec);
  bindings.copy_data_to_vector_validity(vec, 0, validity.buffer, 0, Math.ceil(n / 64) * 8);
}
