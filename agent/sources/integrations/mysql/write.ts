/**
 * mysqld_exporter 0.14's default collectors' families from query rows: global_status,
 * global_variables, slave_status, info_schema.innodb_cmp and innodb_cmpmem. Pure, so rows
 * in a unit test drive them.
 */
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import { parseStatus } from "./values.ts";

/** A row of SHOW GLOBAL STATUS / VARIABLES. */
export interface VariableRow {
  Variable_name: string;
  Value: string | null;
}

/** The labelled families SHOW GLOBAL STATUS's prefixes group into: [name, type, help, label]. */
const STATUS_GROUPS: Readonly<
  Record<string, readonly [string, "counter" | "gauge", string, string]>
> = {
  com: ["commands_total", "counter", "Total number of executed MySQL commands.", "command"],
  handler: ["handlers_total", "counter", "Total number of executed MySQL handlers.", "handler"],
  connection_errors: [
    "connection_errors_total",
    "counter",
    "Total number of MySQL connection errors.",
    "error",
  ],
  innodb_rows: [
    "innodb_row_ops_total",
    "counter",
    "Total number of MySQL InnoDB row operations.",
    "operation",
  ],
  performance_schema: [
    "performance_schema_lost_total",
    "counter",
    "Total number of MySQL instrumentations that could not be loaded or created due to memory constraints.",
    "instrumentation",
  ],
};
const STATUS_RE =
  /^(com|handler|connection_errors|innodb_buffer_pool_pages|innodb_rows|performance_schema)_(.*)$/;
const POOL_STATES = new Set(["data", "free", "misc", "old"]);

/** `mysql_global_status_*` from SHOW GLOBAL STATUS, and Galera's status info where it runs. */
export function writeGlobalStatus(w: MetricWriter, rows: readonly VariableRow[]): void {
  const galera: Record<string, string> = {};
  for (const row of rows) {
    const key = row.Variable_name.toLowerCase();
    const value = parseStatus(row.Value ?? "");
    if (value === null) {
      if (/^wsrep_(local_state_uuid|cluster_state_uuid|provider_version)$/.test(key))
        galera[key] = row.Value ?? "";
      continue;
    }
    const m = STATUS_RE.exec(key);
    if (m === null) {
      const name = `mysql_global_status_${key}`;
      w.family(name, "unknown", "Generic metric from SHOW GLOBAL STATUS.");
      w.sample(name, [], value);
    } else if (m[1] === "innodb_buffer_pool_pages") writePoolPages(w, m[2], value);
    else {
      const [suffix, type, help, label] = STATUS_GROUPS[m[1]];
      const name = `mysql_global_status_${suffix}`;
      w.family(name, type, help);
      w.sample(name, [label, m[2]], value);
    }
  }
  if ((galera.wsrep_local_state_uuid ?? "") !== "") {
    const name = "mysql_galera_status_info";
    w.family(name, "gauge", "PXC/Galera status information.");
    w.sample(
      name,
      [
        ...["wsrep_local_state_uuid", galera.wsrep_local_state_uuid],
        ...["wsrep_cluster_state_uuid", galera.wsrep_cluster_state_uuid ?? ""],
        ...["wsrep_provider_version", galera.wsrep_provider_version ?? ""],
      ],
      1,
    );
  }
}

/** Innodb_buffer_pool_pages_*: pages by state, dirty pages, and page changes (`total` is left out). */
function writePoolPages(w: MetricWriter, what: string, value: number): void {
  if (POOL_STATES.has(what)) {
    w.family(
      "mysql_global_status_buffer_pool_pages",
      "gauge",
      "Innodb buffer pool pages by state.",
    );
    w.sample("mysql_global_status_buffer_pool_pages", ["state", what], value);
  } else if (what === "dirty") {
    w.family(
      "mysql_global_status_buffer_pool_dirty_pages",
      "gauge",
      "Innodb buffer pool dirty pages.",
    );
    w.sample("mysql_global_status_buffer_pool_dirty_pages", [], value);
  } else if (what !== "total") {
    const name = "mysql_global_status_buffer_pool_page_changes_total";
    w.family(name, "counter", "Innodb buffer pool page state changes.");
    w.sample(name, ["operation", what], value);
  }
}

const TEXT_VARIABLES = new Set([
  "innodb_version",
  "version",
  "version_comment",
  "wsrep_cluster_name",
  "wsrep_provider_options",
  "transaction_isolation",
  "tx_isolation",
]);

/** `mysql_global_variables_*`, `mysql_version_info`, `mysql_transaction_isolation`, Galera's. */
export function writeGlobalVariables(w: MetricWriter, rows: readonly VariableRow[]): void {
  const text: Record<string, string> = {};
  for (const row of rows) {
    const key = row.Variable_name.toLowerCase();
    const value = parseStatus(row.Value ?? "");
    if (value !== null) {
      const name = `mysql_global_variables_${key}`;
      w.family(name, "gauge", "Generic gauge metric from SHOW GLOBAL VARIABLES.");
      w.sample(name, [], value);
    } else if (TEXT_VARIABLES.has(key)) text[key] = row.Value ?? "";
  }
  w.family("mysql_version_info", "gauge", "MySQL version and distribution.");
  w.sample(
    "mysql_version_info",
    [
      ...["innodb_version", text.innodb_version ?? ""],
      ...["version", text.version ?? ""],
      ...["version_comment", text.version_comment ?? ""],
    ],
    1,
  );
  const level = text.transaction_isolation || text.tx_isolation;
  if (level) {
    w.family("mysql_transaction_isolation", "gauge", "MySQL transaction isolation.");
    w.sample("mysql_transaction_isolation", ["level", level], 1);
  }
  if (text.wsrep_cluster_name) {
    w.family("mysql_galera_variables_info", "gauge", "PXC/Galera variables information.");
    w.sample("mysql_galera_variables_info", ["wsrep_cluster_name", text.wsrep_cluster_name], 1);
  }
  if (text.wsrep_provider_options) {
    w.family("mysql_galera_gcache_size_bytes", "gauge", "PXC/Galera gcache size.");
    w.sample("mysql_galera_gcache_size_bytes", [], gcacheSize(text.wsrep_provider_options));
  }
}

/** `gcache.size = 128M;` in wsrep_provider_options, in bytes (0 when absent). */
export function gcacheSize(options: string): number {
  const m = /gcache.size = (\d+)([MG]?);/.exec(options);
  if (m === null) return 0;
  return Number(m[1]) * (m[2] === "M" ? 1024 ** 2 : m[2] === "G" ? 1024 ** 3 : 1);
}

/** `mysql_slave_status_<column>` for each replication channel of SHOW ALL SLAVES STATUS. */
export function writeSlaveStatus(w: MetricWriter, rows: readonly Record<string, unknown>[]): void {
  for (const row of rows) {
    const text = (c: string) => (row[c] === null || row[c] === undefined ? "" : String(row[c]));
    const labels = [
      ...["master_host", text("Master_Host")],
      ...["master_uuid", text("Master_UUID")],
      ...["channel_name", text("Channel_Name")],
      ...["connection_name", text("Connection_name")],
    ];
    for (const column of Object.keys(row)) {
      const value = parseStatus(text(column));
      if (value === null) continue;
      const name = `mysql_slave_status_${column.toLowerCase()}`;
      w.family(name, "unknown", "Generic metric from SHOW SLAVE STATUS.");
      w.sample(name, labels, value);
    }
  }
}
