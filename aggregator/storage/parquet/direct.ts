/**
 * Query results read through DuckDB's C API directly (`bun:ffi`), without the Node binding's
 * copies. The binding wraps every result chunk in a JS object with a finalizer and copies each
 * column out into a fresh buffer: for a month of a counter's 1 h rollup rows (4.8 M rows in
 * 2,344 chunks of seven columns) ~1.1 s of the JS thread, against ~0.1 s for taking the same
 * chunks here and copying each column once (docs/benchmarks.md, "Results through DuckDB's C
 * API").
 *
 * This is a second DuckDB instance in the process, opened on first use from the same
 * `libduckdb.so` the binding loads, with the shared instance's settings (db.ts). It only runs
 * self-contained queries (files, no temp tables of another connection), each as a pending
 * query that DuckDB's own threads execute while the JS thread only polls (preparing the query,
 * a few ms, is done on it), so the event loop is not held while DuckDB scans. Its memory limit
 * is its own (`directMemoryLimit`, beyond the shared instance's; past it a result spills). Speed only: `scanTuning.direct` (chunks.ts) off, or a platform
 * without it ({@link directAvailable}), reads the same query through the binding.
 *
 * One thing here leans on the platform's calling convention rather than on C declarations:
 * `duckdb_result_get_chunk` takes its `duckdb_result` (48 bytes) by value, which `bun:ffi`
 * cannot declare. On x86-64 System V a struct that large is passed in memory, on the stack
 * after the register arguments, exactly where a 7th to 12th integer argument go; so the
 * function is declared with the chunk index, five unused register arguments, then the
 * struct's six words. That holds on x86-64 Linux only, the one platform enabled.
 */
import { CString, dlopen, FFIType, type Pointer, ptr, toArrayBuffer } from "bun:ffi";
import { rmSync } from "node:fs";
import type { ChunkView, HeldResult } from "./chunks.ts";
import { dbSettings, onCloseDb, spillDir } from "./db.ts";
import { sqlString } from "./schema.ts";

const U64 = FFIType.u64;
const PTR = FFIType.ptr;
const I32 = FFIType.i32;

const SYMBOLS = {
  duckdb_open: { args: [FFIType.cstring, PTR], returns: I32 },
  duckdb_close: { args: [PTR], returns: FFIType.void },
  duckdb_connect: { args: [PTR, PTR], returns: I32 },
  duckdb_disconnect: { args: [PTR], returns: FFIType.void },
  duckdb_query: { args: [PTR, FFIType.cstring, PTR], returns: I32 },
  duckdb_prepare: { args: [PTR, FFIType.cstring, PTR], returns: I32 },
  duckdb_prepare_error: { args: [PTR], returns: PTR },
  duckdb_destroy_prepare: { args: [PTR], returns: FFIType.void },
  duckdb_pending_prepared: { args: [PTR, PTR], returns: I32 },
  duckdb_pending_error: { args: [PTR], returns: PTR },
  duckdb_pending_execute_check_state: { args: [PTR], returns: I32 },
  duckdb_execute_pending: { args: [PTR, PTR], returns: I32 },
  duckdb_destroy_pending: { args: [PTR], returns: FFIType.void },
  duckdb_result_error: { args: [PTR], returns: PTR },
  duckdb_column_count: { args: [PTR], returns: U64 },
  duckdb_column_type: { args: [PTR, U64], returns: I32 },
  duckdb_destroy_result: { args: [PTR], returns: FFIType.void },
  // (chunk index, five unused, the result's six words): see the file's comment.
  duckdb_result_get_chunk: {
    args: [U64, U64, U64, U64, U64, U64, U64, U64, U64, U64, U64, U64],
    returns: PTR,
  },
  duckdb_data_chunk_get_size: { args: [PTR], returns: U64 },
  duckdb_data_chunk_get_vector: { args: [PTR, U64], returns: PTR },
  duckdb_vector_get_data: { args: [PTR], returns: PTR },
  duckdb_vector_get_validity: { args: [PTR], returns: PTR },
  duckdb_destroy_data_chunk: { args: [PTR], returns: FFIType.void },
  duckdb_library_version: { args: [], returns: PTR },
  duckdb_vector_size: { args: [], returns: U64 },
} as const;

type Lib = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

/** `duckdb_type` values of the columns a view reads. */
const TYPE_INTEGER = 4;
const TYPE_BIGINT = 5;
const TYPE_UBIGINT = 9;
const TYPE_DOUBLE = 11;
function typeName(type: number): string {
  if (type === TYPE_INTEGER) return "INTEGER";
  if (type === TYPE_DOUBLE) return "DOUBLE";
  if (type === TYPE_BIGINT) return "BIGINT";
  if (type === TYPE_UBIGINT) return "UBIGINT";
  return `of DuckDB type ${type}`;
}

/**
 * `duckdb_pending_state`: still running on DuckDB's threads; or failed, which DuckDB 1.5 also
 * answers for a query that has finished (its `EXECUTION_FINISHED` falls to the default case):
 * `duckdb_pending_error` tells the two apart.
 */
const PENDING_NOT_READY = 1;
const PENDING_ERROR = 2;
const PENDING_NO_TASKS = 3;
/** The rows of a chunk this code was written for (`STANDARD_VECTOR_SIZE` of DuckDB 1.x). */
const CHUNK_ROWS = 2048;
/** Polls of a pending query: every millisecond at first, then less often, up to every 8. */
const POLL_MS = [1, 1, 1, 1, 2, 2, 4, 4, 8];

let lib: Lib | null | undefined;

/** The C API, or null where this path is not enabled or the library does not load. */
function load(): Lib | null {
  if (lib !== undefined) return lib;
  lib = null;
  if (process.platform !== "linux" || process.arch !== "x64") return lib;
  try {
    const path = require.resolve("@duckdb/node-bindings-linux-x64/libduckdb.so");
    const symbols = dlopen(path, SYMBOLS).symbols;
    // The struct layout and chunk size relied on are DuckDB 1.x's; another major version
    // reads through the binding until this is checked against it.
    const version = message(symbols.duckdb_library_version(), "");
    if (version.startsWith("v1.") && Number(symbols.duckdb_vector_size()) === CHUNK_ROWS)
      lib = symbols;
  } catch {
    lib = null;
  }
  return lib;
}

/** True where query results can be read through the C API directly. */
export function directAvailable(): boolean {
  return load() !== null;
}

/**
 * The second instance: its handle (`duckdb_database`) and its queries and results not yet
 * freed, which must all end before it is closed.
 */
interface Instance {
  readonly handle: Pointer;
  /** Its spill folder: each instance its own, removed when it closes. */
  readonly spill: string;
  users: number;
  closing: boolean;
}

/** Instances opened so far, for each one's spill folder. */
let opened = 0;

/** The instance new queries use, opened on first use. */
let current: Instance | null = null;

function c(text: string): Buffer {
  return Buffer.from(`${text}\0`);
}

/** The handle an out parameter received. */
function handleOf(holder: BigUint64Array): Pointer {
  return Number(holder[0]) as Pointer;
}

/** A pointer-sized out parameter. */
function out(): BigUint64Array {
  return new BigUint64Array(1);
}

function message(p: Pointer | bigint | null, fallback: string): string {
  return typeof p === "number" && p !== 0 ? new CString(p).toString() : fallback;
}

function open(f: Lib): Instance {
  if (current !== null) return current;
  const db = out();
  if (f.duckdb_open(null, ptr(db)) !== 0) throw new Error("Cannot open DuckDB through its C API");
  const handle = handleOf(db);
  const settings = dbSettings();
  const spill = `${spillDir()}-direct-${++opened}`;
  // DuckDB's `threads` counts the thread that asks for the result; here that thread only
  // polls, so one more keeps as many of DuckDB's own threads at work as the shared instance's
  // (and at least one: without, a pending query would wait for ever).
  const setup = [
    `SET threads = ${Math.max(2, settings.threads + 1)}`,
    `SET memory_limit = ${sqlString(settings.directMemoryLimit)}`,
    `SET temp_directory = ${sqlString(spill)}`,
    "SET autoinstall_known_extensions = false",
    "SET allocator_background_threads = true",
  ];
  let conn: Pointer | null = null;
  try {
    conn = connect(f, handle);
    for (const sql of setup) {
      const res = new BigUint64Array(6);
      const failed = f.duckdb_query(conn, c(sql), ptr(res)) !== 0;
      const why = failed ? message(f.duckdb_result_error(ptr(res)), "unknown error") : "";
      f.duckdb_destroy_result(ptr(res));
      if (failed) throw new Error(`Cannot set up DuckDB (${sql}): ${why}`);
    }
  } catch (err) {
    if (conn !== null) disconnect(f, conn);
    closeHandle(f, handle);
    throw err;
  }
  disconnect(f, conn);
  current = { handle, spill, users: 0, closing: false };
  onCloseDb(closeDirect);
  return current;
}

function connect(f: Lib, db: Pointer): Pointer {
  const conn = out();
  if (f.duckdb_connect(db, ptr(conn)) !== 0) throw new Error("Cannot connect to DuckDB");
  return handleOf(conn);
}

function disconnect(f: Lib, conn: Pointer): void {
  const holder = BigUint64Array.of(BigInt(conn));
  f.duckdb_disconnect(ptr(holder));
}

function closeHandle(f: Lib, db: Pointer): void {
  f.duckdb_close(ptr(BigUint64Array.of(BigInt(db))));
}

/**
 * Closes the second instance with the shared one (db.ts): at once, or when its last query or
 * result still open ends. The next query opens a new one.
 */
function closeDirect(): void {
  const instance = current;
  current = null;
  if (instance === null) return;
  instance.closing = true;
  if (instance.users === 0) closeInstance(instance);
}

function closeInstance(instance: Instance): void {
  if (lib) closeHandle(lib, instance.handle);
  rmSync(instance.spill, { recursive: true, force: true });
}

/** Ends one use of `instance`, closing it if it was closed meanwhile. */
function release(instance: Instance): void {
  instance.users--;
  if (instance.users === 0 && instance.closing) closeInstance(instance);
}

/**
 * Runs `sql` on the second instance to completion on DuckDB's threads (the JS thread polls);
 * the caller closes the result. Its chunks' views are of buffers the result owns, overwritten
 * by the next chunk.
 */
export async function runDirect(sql: string): Promise<HeldResult> {
  const f = load();
  if (f === null) throw new Error("DuckDB's C API is not available on this platform");
  const instance = open(f);
  instance.users++;
  let conn: Pointer;
  try {
    conn = connect(f, instance.handle);
  } catch (err) {
    release(instance);
    throw err;
  }
  const prepared = out();
  const pending = out();
  const res = new BigUint64Array(6);
  let ok = false;
  try {
    if (f.duckdb_prepare(conn, c(sql), ptr(prepared)) !== 0)
      throw new Error(message(f.duckdb_prepare_error(handleOf(prepared)), "cannot prepare"));
    if (f.duckdb_pending_prepared(handleOf(prepared), ptr(pending)) !== 0)
      throw new Error(message(f.duckdb_pending_error(handleOf(pending)), "cannot start"));
    for (let poll = 0; ; poll++) {
      const state = f.duckdb_pending_execute_check_state(handleOf(pending));
      if (state === PENDING_ERROR) {
        const why = message(f.duckdb_pending_error(handleOf(pending)), "");
        if (why !== "") throw new Error(why);
        break;
      }
      if (state !== PENDING_NOT_READY && state !== PENDING_NO_TASKS) break;
      await Bun.sleep(POLL_MS[Math.min(poll, POLL_MS.length - 1)]);
    }
    // Finished; or, in a state the poll does not wait through, finished here on this thread.
    if (f.duckdb_execute_pending(handleOf(pending), ptr(res)) !== 0)
      throw new Error(message(f.duckdb_result_error(ptr(res)), "query failed"));
    ok = true;
  } finally {
    if (pending[0]) f.duckdb_destroy_pending(ptr(pending));
    if (prepared[0]) f.duckdb_destroy_prepare(ptr(prepared));
    disconnect(f, conn);
    if (!ok) {
      f.duckdb_destroy_result(ptr(res));
      release(instance);
    }
  }
  return resultOf(f, res, () => release(instance));
}

function resultOf(f: Lib, res: BigUint64Array, done: () => void): HeldResult {
  let held = true;
  const columns = Number(f.duckdb_column_count(ptr(res)));
  const types = Array.from({ length: columns }, (_, i) => f.duckdb_column_type(ptr(res), i));
  const scratch = types.map(() => new ArrayBuffer(CHUNK_ROWS * 8));
  const validityScratch = types.map(() => new Uint8Array(CHUNK_ROWS / 8));
  const holder = out();
  return {
    each(onChunk) {
      if (!held) throw new Error("The result is closed");
      const [w0, w1, w2, w3, w4, w5] = res;
      for (let i = 0; ; i++) {
        const chunk = f.duckdb_result_get_chunk(i, 0, 0, 0, 0, 0, w0, w1, w2, w3, w4, w5);
        if (!chunk) return true;
        const live = { chunk: chunk as Pointer | null };
        try {
          const rows = Number(f.duckdb_data_chunk_get_size(chunk));
          if (rows > 0 && onChunk(view(live, rows)) === false) return false;
        } finally {
          live.chunk = null;
          holder[0] = BigInt(chunk);
          f.duckdb_destroy_data_chunk(ptr(holder));
        }
      }
    },
    close() {
      if (!held) return;
      held = false;
      f.duckdb_destroy_result(ptr(res));
      done();
    },
  };

  /**
   * A chunk's columns copied, on first use, into buffers of this result; once the chunk is
   * freed (`live.chunk` null) a column not yet copied is an error, not a read of freed memory.
   */
  function view(live: { chunk: Pointer | null }, rows: number): ChunkView {
    const vector = (column: number) => {
      if (column < 0 || column >= columns) throw new RangeError(`No column ${column}`);
      if (live.chunk === null) throw new Error("A chunk's view was used after the next chunk");
      return f.duckdb_data_chunk_get_vector(live.chunk, column);
    };
    const copied = new Uint8Array(columns);
    const copy = (column: number, type: number, width: number) => {
      if (column < 0 || column >= columns) throw new RangeError(`No column ${column}`);
      if (types[column] !== type && !(type === TYPE_BIGINT && types[column] === TYPE_UBIGINT))
        throw new TypeError(
          `Column ${column} is ${typeName(types[column])}, not ${typeName(type)}`,
        );
      if (copied[column] === width) return scratch[column];
      const data = f.duckdb_vector_get_data(vector(column));
      const bytes = rows * width;
      if (!data) throw new Error(`Column ${column} has no data`);
      new Uint8Array(scratch[column], 0, bytes).set(new Uint8Array(toArrayBuffer(data, 0, bytes)));
      copied[column] = width;
      return scratch[column];
    };
    return {
      rows,
      f64: (column) => new Float64Array(copy(column, TYPE_DOUBLE, 8), 0, rows),
      i32: (column) => new Int32Array(copy(column, TYPE_INTEGER, 4), 0, rows),
      // BIGINT stands for both 8-byte integer types here.
      words: (column) => new Uint32Array(copy(column, TYPE_BIGINT, 8), 0, 2 * rows),
      validity(column) {
        const mask = f.duckdb_vector_get_validity(vector(column));
        if (!mask) return null;
        const bytes = Math.ceil(rows / 64) * 8;
        const into = validityScratch[column];
        into.set(new Uint8Array(toArrayBuffer(mask, 0, bytes)));
        return into.subarray(0, bytes);
      },
    };
  }
}
