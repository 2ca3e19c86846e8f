/**
 * DuckDB's modules, loaded on first use. Loading them maps DuckDB's native library (~30 MB
 * resident), which an aggregator with no Parquet to read or write never needs; so no file
 * imports `@duckdb/node-api` or `@duckdb/node-bindings` for their values at its top, only their
 * types, and every user reaches them through here. `withConnection` (db.ts) loads them before
 * it hands out a connection, so code running on a connection can take them with {@link duckDb}.
 */
import type * as Api from "@duckdb/node-api";
import type * as Bindings from "@duckdb/node-bindings";

/** The two modules: the high-level API and the C API under it (same version). */
export interface DuckDbModules {
  readonly api: typeof Api;
  readonly bindings: typeof Bindings;
}

let loading: Promise<DuckDbModules> | null = null;
let loaded: DuckDbModules | null = null;

/** Loads DuckDB's modules once; later calls return the same modules. */
export function loadDuckDb(): Promise<DuckDbModules> {
  loading ??= Promise.all([import("@duckdb/node-api"), import("@duckdb/node-bindings")]).then(
    ([api, bindings]) => {
      // The bindings are CommonJS: their exports are the default export of the ES module.
      loaded = { api, bindings: (bindings.default ?? bindings) as typeof Bindings };
      return loaded;
    },
    (error) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The loaded modules, for code that runs on a connection; throws before {@link loadDuckDb}. */
export function duckDb(): DuckDbModules {
  if (loaded === null)
    throw new Error("Cannot use DuckDB: it is not loaded yet (open a connection through db.ts)");
  return loaded;
}

/** True once DuckDB's modules (and its native library) are loaded into this process. */
export function isDuckDbLoaded(): boolean {
  return loaded !== null;
}
