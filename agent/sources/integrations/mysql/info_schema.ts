/**
 * mysqld_exporter 0.14's default information_schema collectors: innodb_cmp, innodb_cmpmem
 * and query_response_time (a histogram, only where the Percona/MariaDB plugin is on).
 */
import type { MetricWriter } from "../../../pipeline/emitter.ts";

/** The innodb_cmp collector's query. */
export const CMP_QUERY =
  "SELECT page_size, compress_ops, compress_ops_ok, compress_time, uncompress_ops, uncompress_time FROM information_schema.innodb_cmp";
/** The innodb_cmpmem collector's query. */
export const CMPMEM_QUERY =
  "SELECT page_size, buffer_pool_instance, pages_used, pages_free, relocation_ops, relocation_time FROM information_schema.innodb_cmpmem";

const CMP: readonly (readonly [string, string, string])[] = [
  [
    "compress_ops",
    "compress_ops_total",
    "Number of times a B-tree page of the size PAGE_SIZE has been compressed.",
  ],
  [
    "compress_ops_ok",
    "compress_ops_ok_total",
    "Number of times a B-tree page of the size PAGE_SIZE has been successfully compressed.",
  ],
  [
    "compress_time",
    "compress_time_seconds_total",
    "Total time in seconds spent in attempts to compress B-tree pages.",
  ],
  [
    "uncompress_ops",
    "uncompress_ops_total",
    "Number of times a B-tree page of the size PAGE_SIZE has been uncompressed.",
  ],
  [
    "uncompress_time",
    "uncompress_time_seconds_total",
    "Total time in seconds spent in uncompressing B-tree pages.",
  ],
];

const CMPMEM: readonly (readonly [string, string, string, number])[] = [
  [
    "pages_used",
    "pages_used_total",
    "Number of blocks of the size PAGE_SIZE that are currently in use.",
    1,
  ],
  [
    "pages_free",
    "pages_free_total",
    "Number of blocks of the size PAGE_SIZE that are currently available for allocation.",
    1,
  ],
  [
    "relocation_ops",
    "relocation_ops_total",
    "Number of times a block of the size PAGE_SIZE has been relocated.",
    1,
  ],
  // The exporter divides the column (microseconds) by 1000 under a "seconds" name: kept as it is.
  [
    "relocation_time",
    "relocation_time_seconds_total",
    "Total time in seconds spent in relocating blocks.",
    1000,
  ],
];

/** `mysql_info_schema_innodb_cmp_*{page_size}`. */
export function writeInnodbCmp(w: MetricWriter, rows: readonly Record<string, unknown>[]): void {
  for (const row of rows)
    for (const [column, suffix, help] of CMP) {
      const name = `mysql_info_schema_innodb_cmp_${suffix}`;
      w.family(name, "counter", help);
      w.sample(name, ["page_size", String(row.page_size)], Number(row[column]));
    }
}

/** `mysql_info_schema_innodb_cmpmem_*{page_size, buffer_pool}`. */
export function writeInnodbCmpMem(w: MetricWriter, rows: readonly Record<string, unknown>[]): void {
  for (const row of rows) {
    const labels = [
      "page_size",
      String(row.page_size),
      "buffer_pool",
      String(row.buffer_pool_instance),
    ];
    for (const [column, suffix, help, divisor] of CMPMEM) {
      const name = `mysql_info_schema_innodb_cmpmem_${suffix}`;
      w.family(name, "counter", help);
      w.sample(name, labels, Number(row[column]) / divisor);
    }
  }
}

/** The three response-time tables, and their histograms' names and HELP. */
export const RESPONSE_TIME_TABLES: readonly (readonly [string, string, string])[] = [
  [
    "QUERY_RESPONSE_TIME",
    "query_response_time_seconds",
    "The number of all queries by duration they took to execute.",
  ],
  [
    "QUERY_RESPONSE_TIME_READ",
    "read_query_response_time_seconds",
    "The number of read queries by duration they took to execute.",
  ],
  [
    "QUERY_RESPONSE_TIME_WRITE",
    "write_query_response_time_seconds",
    "The number of write queries by duration they took to execute.",
  ],
];

/**
 * One response-time table as the exporter's histogram: rows are buckets by upper bound with
 * their own counts, made cumulative; the "TOO LONG" row (no bound) adds to count and sum only.
 */
export function writeResponseTime(
  w: MetricWriter,
  family: readonly [string, string, string],
  rows: readonly { TIME: unknown; COUNT: unknown; TOTAL: unknown }[],
): void {
  const name = `mysql_info_schema_${family[1]}`;
  let count = 0;
  let sum = 0;
  const buckets = new Map<number, number>();
  for (const row of rows) {
    const bound = Number.parseFloat(String(row.TIME).trim()) || 0;
    count += Number(row.COUNT);
    sum += Number.parseFloat(String(row.TOTAL).trim()) || 0;
    if (bound !== 0) buckets.set(bound, count);
  }
  w.family(name, "histogram", family[2]);
  for (const bound of [...buckets.keys()].sort((a, b) => a - b))
    w.sample(`${name}_bucket`, ["le", bucketLabel(bound)], buckets.get(bound) ?? 0);
  w.sample(`${name}_bucket`, ["le", "+Inf"], count);
  w.sample(`${name}_sum`, [], sum);
  w.sample(`${name}_count`, [], count);
}

/**
 * A bucket bound as the exporter's exposition writes `le`: Go's shortest `%g` (exponent form
 * below 1e-4 and from 1e6, two exponent digits at least), with ".0" on a whole number.
 */
export function bucketLabel(bound: number): string {
  if (!Number.isFinite(bound)) return Number.isNaN(bound) ? "NaN" : bound > 0 ? "+Inf" : "-Inf";
  const [mantissa, exp] = bound.toExponential().split("e");
  const e = Number(exp);
  if (e < -4 || e >= 6) {
    const digits = String(Math.abs(e)).padStart(2, "0");
    return `${mantissa}e${e < 0 ? "-" : "+"}${digits}`;
  }
  const text = String(bound);
  return text.includes(".") ? text : `${text}.0`;
}
