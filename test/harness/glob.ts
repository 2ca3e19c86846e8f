/**
 * Reads a bucket folder as docs/storage.md tells users to: DuckDB over a glob of `v1/`, no
 * catalog, no Outpost. The counting query is taken from the docs themselves (the `sql` block
 * after the marker below), so a test of it is a test of what users are told.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const DOC = join(import.meta.dir, "..", "..", "docs", "storage.md");
const MARKER = "<!-- the query test/harness/glob.ts runs -->";
/** The bucket folder the documented queries name. */
const DOC_BUCKET = "data/bucket";

/** What a glob reader counts in one signal folder. */
export interface GlobCount {
  /** Rows (the documented query's answer, for raw metrics). */
  rows: number;
  /** Distinct rows by identity: fewer than `rows` when a reader counts something twice. */
  distinct: number;
}

/**
 * Identity of a row in each signal folder. A rollup window ending on the hour has a row in
 * both hours' files (docs/storage.md), so a rollup row is one per hour folder too.
 */
const IDENTITY: Record<string, string> = {
  metrics: "metric, labels, ts",
  metrics_1m: "metric, labels, ts, date, hour",
  metrics_5m: "metric, labels, ts, date, hour",
  logs: "stream, ts, line",
};

/** The documented counting query, from docs/storage.md. */
async function documentedQuery(): Promise<string> {
  const text = await readFile(DOC, "utf8");
  const at = text.indexOf(MARKER);
  const block = /```sql\n([\s\S]*?)```/.exec(text.slice(at));
  if (at < 0 || !block) throw new Error(`Cannot find the counting query in ${DOC}`);
  return block[1];
}

/** Counts what a reader of `root/v1/` sees in one signal folder of every tenant. */
export async function globCount(root: string, signal = "metrics"): Promise<GlobCount> {
  const pattern = `v1/tenant=*/signal=${signal}/**/*.parquet`;
  // DuckDB refuses a glob that matches nothing: that is a count of zero.
  const any = await new Bun.Glob(pattern).scan({ cwd: root }).next();
  if (any.done) return { rows: 0, distinct: 0 };
  const source = `read_parquet('${root}/${pattern}', hive_partitioning = true)`;
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    const one = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRowsJS()[0][0]);
    const rows =
      signal === "metrics"
        ? await one((await documentedQuery()).replaceAll(DOC_BUCKET, root))
        : await one(`SELECT count(*) FROM ${source}`);
    const distinct = await one(`SELECT count(DISTINCT (${IDENTITY[signal]})) FROM ${source}`);
    return { rows, distinct };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
