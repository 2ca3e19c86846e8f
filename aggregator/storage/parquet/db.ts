/**
 * The process's one DuckDB instance: in memory, created on first use, shared by every Parquet
 * operation. Each operation gets its own connection (so its temp tables are private to it), and
 * at most `MAX_CONCURRENT` operations run at once so that two big merges cannot both hold their
 * working set in memory; the others wait their turn. DuckDB itself is loaded with the first
 * connection (duckdb.ts), so a process that never touches Parquet never loads it.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { loadDuckDb } from "./duckdb.ts";

/** Settings of the shared instance; change them before its first use with {@link configureDb}. */
export interface DbSettings {
  /** DuckDB worker threads. */
  threads: number;
  /** DuckDB's memory limit (spills to `tempDir` beyond it), e.g. "1GB". */
  memoryLimit: string;
  /**
   * The limit of the second instance that reads files through DuckDB's C API (direct.ts), on
   * top of `memoryLimit`: a read holds at most two results of 8 files' rows at once there.
   */
  directMemoryLimit: string;
  /** Where DuckDB spills: in a subfolder of this one, made for this process and removed on close. */
  tempDir: string;
  /** Operations allowed to run at the same time. */
  maxConcurrent: number;
}

const settings: DbSettings = {
  threads: 2,
  memoryLimit: "1GB",
  directMemoryLimit: "256MB",
  tempDir: tmpdir(),
  maxConcurrent: 2,
};

let instance: Promise<DuckDBInstance> | null = null;
let running = 0;
const waiting: (() => void)[] = [];

/** Changes the settings of the shared instance; refused once it exists. */
export function configureDb(next: Partial<DbSettings>): void {
  if (instance) throw new Error("Cannot configure DuckDB: the instance is already running");
  Object.assign(settings, next);
}

/** The settings the shared instance is (or will be) opened with. */
export function dbSettings(): Readonly<DbSettings> {
  return settings;
}

/** The folder this process's instance spills to; removed by {@link closeDb}. */
export const spillDir = () => join(settings.tempDir, `outpost-duckdb-${process.pid}`);

const closers = new Set<() => void>();

/** Runs `close` with the next {@link closeDb} (for a second instance, direct.ts). */
export function onCloseDb(close: () => void): void {
  closers.add(close);
}

function open(): Promise<DuckDBInstance> {
  if (instance) return instance;
  // DuckDB makes the spill folder itself when it first spills, but not its parents.
  mkdirSync(settings.tempDir, { recursive: true });
  instance = create();
  return instance;
}

async function create(): Promise<DuckDBInstance> {
  const { api } = await loadDuckDb();
  return await api.DuckDBInstance.create(":memory:", {
    threads: String(settings.threads),
    memory_limit: settings.memoryLimit,
    temp_directory: spillDir(),
    // Extensions cannot be downloaded here; never try.
    autoinstall_known_extensions: "false",
    // jemalloc (DuckDB's allocator on Linux) then hands freed pages back to the system within
    // seconds; without it, the pages of a warm-up's decoding stayed resident (~130 MB after
    // decoding a day of 10,000 series) until DuckDB was closed.
    allocator_background_threads: "true",
  });
}

/**
 * Opens the shared instance in the background, once there are files to read: the first query
 * then finds DuckDB loaded (~0.1 s) instead of loading it.
 */
export function preloadDb(): void {
  // A failure is not lost: the next operation awaits the same rejected instance.
  open().catch(() => {});
}

async function acquire(): Promise<void> {
  if (running < settings.maxConcurrent) {
    running++;
    return;
  }
  // The slot passes straight from the releasing operation to this one.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

/** Runs `fn` with a fresh connection to the shared instance, closed afterwards. */
export async function withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  await acquire();
  let conn: DuckDBConnection | undefined;
  try {
    conn = await (await open()).connect();
    return await fn(conn);
  } finally {
    conn?.closeSync();
    release();
  }
}

/** Closes the shared instance (tests, shutdown); the next operation opens a new one. */
export async function closeDb(): Promise<void> {
  for (const close of closers) close();
  closers.clear();
  const current = instance;
  instance = null;
  if (!current) return;
  (await current).closeSync();
  rmSync(spillDir(), { recursive: true, force: true });
}
