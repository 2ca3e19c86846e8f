/**
 * postgres_exporter 0.11's built-in metric maps ("namespaces") for PostgreSQL 10 and later:
 * a query, and what each column becomes. A column a map does not list becomes an untyped
 * `<namespace>_<column>` with HELP "Unknown metric from <namespace>", as in the exporter,
 * so a newer server's new columns appear under the names the exporter would give them.
 */

/** What a column becomes: a label, a counter or gauge family, or nothing. */
export type Usage = "LABEL" | "COUNTER" | "GAUGE" | "DISCARD";

/** One namespace: its query and its columns' usage and HELP. */
export interface Namespace {
  name: string;
  query: string;
  columns: Readonly<Record<string, readonly [Usage, string]>>;
}

const DATABASE_LABELS = {
  datid: ["LABEL", "OID of a database"],
  datname: ["LABEL", "Name of this database"],
} as const;

const STAT_DATABASE: Namespace = {
  name: "pg_stat_database",
  query: "SELECT * FROM pg_stat_database",
  columns: {
    ...DATABASE_LABELS,
    numbackends: [
      "GAUGE",
      "Number of backends currently connected to this database. This is the only column in this view that returns a value reflecting current state; all other columns return the accumulated values since the last reset.",
    ],
    xact_commit: ["COUNTER", "Number of transactions in this database that have been committed"],
    xact_rollback: [
      "COUNTER",
      "Number of transactions in this database that have been rolled back",
    ],
    blks_read: ["COUNTER", "Number of disk blocks read in this database"],
    blks_hit: [
      "COUNTER",
      "Number of times disk blocks were found already in the buffer cache, so that a read was not necessary (this only includes hits in the PostgreSQL buffer cache, not the operating system's file system cache)",
    ],
    tup_returned: ["COUNTER", "Number of rows returned by queries in this database"],
    tup_fetched: ["COUNTER", "Number of rows fetched by queries in this database"],
    tup_inserted: ["COUNTER", "Number of rows inserted by queries in this database"],
    tup_updated: ["COUNTER", "Number of rows updated by queries in this database"],
    tup_deleted: ["COUNTER", "Number of rows deleted by queries in this database"],
    conflicts: [
      "COUNTER",
      "Number of queries canceled due to conflicts with recovery in this database. (Conflicts occur only on standby servers; see pg_stat_database_conflicts for details.)",
    ],
    temp_files: [
      "COUNTER",
      "Number of temporary files created by queries in this database. All temporary files are counted, regardless of why the temporary file was created (e.g., sorting or hashing), and regardless of the log_temp_files setting.",
    ],
    temp_bytes: [
      "COUNTER",
      "Total amount of data written to temporary files by queries in this database. All temporary files are counted, regardless of why the temporary file was created, and regardless of the log_temp_files setting.",
    ],
    deadlocks: ["COUNTER", "Number of deadlocks detected in this database"],
    blk_read_time: [
      "COUNTER",
      "Time spent reading data file blocks by backends in this database, in milliseconds",
    ],
    blk_write_time: [
      "COUNTER",
      "Time spent writing data file blocks by backends in this database, in milliseconds",
    ],
    stats_reset: ["COUNTER", "Time at which these statistics were last reset"],
  },
};

const STAT_DATABASE_CONFLICTS: Namespace = {
  name: "pg_stat_database_conflicts",
  query: "SELECT * FROM pg_stat_database_conflicts",
  columns: {
    ...DATABASE_LABELS,
    confl_tablespace: [
      "COUNTER",
      "Number of queries in this database that have been canceled due to dropped tablespaces",
    ],
    confl_lock: [
      "COUNTER",
      "Number of queries in this database that have been canceled due to lock timeouts",
    ],
    confl_snapshot: [
      "COUNTER",
      "Number of queries in this database that have been canceled due to old snapshots",
    ],
    confl_bufferpin: [
      "COUNTER",
      "Number of queries in this database that have been canceled due to pinned buffers",
    ],
    confl_deadlock: [
      "COUNTER",
      "Number of queries in this database that have been canceled due to deadlocks",
    ],
  },
};

const LOCKS: Namespace = {
  name: "pg_locks",
  query: `SELECT pg_database.datname, tmp.mode, COALESCE(count, 0) AS count
    FROM (VALUES ('accesssharelock'), ('rowsharelock'), ('rowexclusivelock'),
      ('shareupdateexclusivelock'), ('sharelock'), ('sharerowexclusivelock'),
      ('exclusivelock'), ('accessexclusivelock'), ('sireadlock')) AS tmp(mode)
    CROSS JOIN pg_database
    LEFT JOIN (SELECT database, lower(mode) AS mode, count(*) AS count FROM pg_locks
      WHERE database IS NOT NULL GROUP BY database, lower(mode)) AS tmp2
    ON tmp.mode = tmp2.mode AND pg_database.oid = tmp2.database ORDER BY 1`,
  columns: {
    datname: ["LABEL", "Name of this database"],
    mode: ["LABEL", "Type of Lock"],
    count: ["GAUGE", "Number of locks"],
  },
};

const DISCARDED_REPLICATION_COLUMNS = [
  "pid",
  "usesysid",
  "usename",
  "client_hostname",
  "client_port",
  "backend_start",
  "backend_xmin",
  "sent_lsn",
  "write_lsn",
  "flush_lsn",
  "replay_lsn",
  "sync_priority",
  "sync_state",
  "plugin",
  "slot_type",
  "datoid",
  "database",
  "active",
  "active_pid",
  "xmin",
  "catalog_xmin",
  "restart_lsn",
  "pg_current_wal_lsn",
  "confirmed_flush_lsn",
  "write_lag",
  "flush_lag",
  "replay_lag",
];

const STAT_REPLICATION: Namespace = {
  name: "pg_stat_replication",
  query: `SELECT *,
    (CASE pg_is_in_recovery() WHEN 't' THEN null ELSE pg_current_wal_lsn() END) AS pg_current_wal_lsn,
    (CASE pg_is_in_recovery() WHEN 't' THEN null ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), pg_lsn('0/0'))::float END) AS pg_current_wal_lsn_bytes,
    (CASE pg_is_in_recovery() WHEN 't' THEN null ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float END) AS pg_wal_lsn_diff
    FROM pg_stat_replication`,
  columns: {
    ...Object.fromEntries(DISCARDED_REPLICATION_COLUMNS.map((c) => [c, ["DISCARD", ""] as const])),
    application_name: ["LABEL", "Name of the application that is connected to this WAL sender"],
    client_addr: [
      "LABEL",
      "IP address of the client connected to this WAL sender. If this field is null, it indicates that the client is connected via a Unix socket on the server machine.",
    ],
    state: ["LABEL", "Current WAL sender state"],
    slot_name: ["LABEL", "A unique, cluster-wide identifier for the replication slot"],
    pg_current_wal_lsn_bytes: ["GAUGE", "WAL position in bytes"],
    pg_wal_lsn_diff: ["GAUGE", "Lag in bytes between master and slave"],
  },
};

const REPLICATION_SLOTS: Namespace = {
  name: "pg_replication_slots",
  query: `SELECT slot_name, database, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)
    FROM pg_replication_slots`,
  columns: {
    slot_name: ["LABEL", "Name of the replication slot"],
    database: ["LABEL", "Name of the database"],
    active: ["GAUGE", "Flag indicating if the slot is active"],
    pg_wal_lsn_diff: ["GAUGE", "Replication lag in bytes"],
  },
};

const STAT_ARCHIVER: Namespace = {
  name: "pg_stat_archiver",
  query:
    "SELECT *, extract(epoch from now() - last_archived_time) AS last_archive_age FROM pg_stat_archiver",
  columns: {
    archived_count: ["COUNTER", "Number of WAL files that have been successfully archived"],
    last_archived_wal: ["DISCARD", ""],
    last_archived_time: ["DISCARD", ""],
    failed_count: ["COUNTER", "Number of failed attempts for archiving WAL files"],
    last_failed_wal: ["DISCARD", ""],
    last_failed_time: ["DISCARD", ""],
    stats_reset: ["DISCARD", ""],
    last_archive_age: ["GAUGE", "Time in seconds since last WAL segment was successfully archived"],
  },
};

const STAT_ACTIVITY: Namespace = {
  name: "pg_stat_activity",
  query: `SELECT pg_database.datname, tmp.state, COALESCE(count, 0) AS count,
      COALESCE(max_tx_duration, 0) AS max_tx_duration
    FROM (VALUES ('active'), ('idle'), ('idle in transaction'),
      ('idle in transaction (aborted)'), ('fastpath function call'), ('disabled')) AS tmp(state)
    CROSS JOIN pg_database
    LEFT JOIN (SELECT datname, state, count(*) AS count,
        MAX(EXTRACT(EPOCH FROM now() - xact_start))::float AS max_tx_duration
      FROM pg_stat_activity GROUP BY datname, state) AS tmp2
    ON tmp.state = tmp2.state AND pg_database.datname = tmp2.datname`,
  columns: {
    datname: ["LABEL", "Name of this database"],
    state: ["LABEL", "connection state"],
    count: ["GAUGE", "number of connections in this state"],
    max_tx_duration: ["GAUGE", "max duration in seconds any active transaction has been running"],
  },
};

/** The namespaces postgres_exporter 0.11 queries by default, in a fixed order. */
export const NAMESPACES: readonly Namespace[] = [
  STAT_ACTIVITY,
  STAT_ARCHIVER,
  STAT_DATABASE,
  STAT_DATABASE_CONFLICTS,
  LOCKS,
  REPLICATION_SLOTS,
  STAT_REPLICATION,
];
