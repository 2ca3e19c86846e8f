/** The families of postgres_exporter 0.11 from query rows; pure, so rows in a test drive them. */
import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { Namespace } from "./namespaces.ts";
import { toFloat, toLabel } from "./values.ts";

/** `pg_static{short_version, version}`: the exporter's version series. */
export function writeStatic(w: MetricWriter, server: string[], version: string): void {
  w.family("pg_static", "unknown", "Version string as reported by postgres");
  w.sample("pg_static", [...server, "version", version, "short_version", shortVersion(version)], 1);
}

/** "PostgreSQL 15.20 (Debian …)" → "15.20.0", as the exporter's tolerant semver parse. */
export function shortVersion(version: string): string {
  const m = /^\w+ (\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  return m ? `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}` : "";
}

/** One namespace's rows: label columns become labels, the others families `<ns>_<column>`. */
export function writeNamespace(
  w: MetricWriter,
  server: string[],
  ns: Namespace,
  rows: readonly Record<string, unknown>[],
): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const labelColumns = Object.entries(ns.columns)
    .filter(([, [usage]]) => usage === "LABEL")
    .map(([c]) => c);
  for (const row of rows) {
    const labels = [...server];
    for (const c of labelColumns) labels.push(c, toLabel(row[c]));
    for (const c of columns) {
      const [usage, help] = ns.columns[c] ?? ["UNKNOWN", `Unknown metric from ${ns.name}`];
      if (usage === "LABEL" || usage === "DISCARD") continue;
      const type: MetricType =
        usage === "COUNTER" ? "counter" : usage === "GAUGE" ? "gauge" : "unknown";
      const name = `${ns.name}_${c}`;
      w.family(name, type, help);
      w.sample(name, labels, toFloat(row[c]));
    }
  }
}

/** pg_stat_bgwriter's columns as the 0.11 collector names them: counters with `_total`. */
const BGWRITER: Readonly<Record<string, string>> = {
  checkpoints_timed: "Number of scheduled checkpoints that have been performed",
  checkpoints_req: "Number of requested checkpoints that have been performed",
  checkpoint_write_time:
    "Total amount of time that has been spent in the portion of checkpoint processing where files are written to disk, in milliseconds",
  checkpoint_sync_time:
    "Total amount of time that has been spent in the portion of checkpoint processing where files are synchronized to disk, in milliseconds",
  buffers_checkpoint: "Number of buffers written during checkpoints",
  buffers_clean: "Number of buffers written by the background writer",
  maxwritten_clean:
    "Number of times the background writer stopped a cleaning scan because it had written too many buffers",
  buffers_backend: "Number of buffers written directly by a backend",
  buffers_backend_fsync:
    "Number of times a backend had to execute its own fsync call (normally the background writer handles those even when the backend does its own write)",
  buffers_alloc: "Number of buffers allocated",
  stats_reset: "Time at which these statistics were last reset",
};

/** The bgwriter collector's families from the one row of pg_stat_bgwriter. */
export function writeBgwriter(
  w: MetricWriter,
  server: string[],
  row: Record<string, unknown> | undefined,
): void {
  if (row === undefined) return;
  for (const [column, help] of Object.entries(BGWRITER)) {
    if (!(column in row)) continue; // PostgreSQL 17 moved the checkpoint columns away
    const name = `pg_stat_bgwriter_${column}_total`;
    w.family(name, "counter", help);
    w.sample(name, server, toFloat(row[column]));
  }
}

/** The database collector's `pg_database_size_bytes{datname}`. */
export function writeDatabaseSizes(
  w: MetricWriter,
  server: string[],
  rows: readonly Record<string, unknown>[],
): void {
  w.family("pg_database_size_bytes", "gauge", "Disk space used by the database");
  for (const row of rows)
    w.sample(
      "pg_database_size_bytes",
      [...server, "datname", toLabel(row.datname)],
      toFloat(row.size),
    );
}
