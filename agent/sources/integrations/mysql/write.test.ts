import { describe, expect, test } from "bun:test";
import { RecordingWriter } from "../../host/testing.ts";
import { bucketLabel, writeResponseTime } from "./info_schema.ts";
import { gcacheSize, writeGlobalStatus, writeGlobalVariables, writeSlaveStatus } from "./write.ts";

const rows = (o: Record<string, string>) =>
  Object.entries(o).map(([Variable_name, Value]) => ({ Variable_name, Value }));

describe("writeGlobalStatus()", () => {
  test("groups the exporter's prefixes into labelled families and keeps the rest untyped", () => {
    const w = new RecordingWriter();
    writeGlobalStatus(
      w,
      rows({
        Com_select: "7",
        Handler_commit: "3",
        Innodb_buffer_pool_pages_data: "165",
        Innodb_buffer_pool_pages_dirty: "12",
        Innodb_buffer_pool_pages_total: "1014",
        Innodb_buffer_pool_pages_flushed: "130",
        Innodb_rows_read: "9",
        Uptime: "100",
        Rpl_status: "AUTH_MASTER",
        wsrep_cluster_status: "Disconnected",
      }),
    );
    expect(w.lines()).toEqual([
      "mysql_global_status_buffer_pool_dirty_pages 12",
      'mysql_global_status_buffer_pool_page_changes_total{operation="flushed"} 130',
      'mysql_global_status_buffer_pool_pages{state="data"} 165',
      'mysql_global_status_commands_total{command="select"} 7',
      'mysql_global_status_handlers_total{handler="commit"} 3',
      'mysql_global_status_innodb_row_ops_total{operation="read"} 9',
      "mysql_global_status_uptime 100",
      "mysql_global_status_wsrep_cluster_status 0",
    ]);
    expect(w.families.get("mysql_global_status_uptime")?.type).toBe("unknown");
    expect(w.families.get("mysql_global_status_commands_total")?.type).toBe("counter");
  });

  test("a Galera node's status gives mysql_galera_status_info", () => {
    const w = new RecordingWriter();
    writeGlobalStatus(
      w,
      rows({
        wsrep_local_state_uuid: "u1",
        wsrep_cluster_state_uuid: "c1",
        wsrep_provider_version: "26.4.16(r7dce5149)",
      }),
    );
    expect(
      w.value("mysql_galera_status_info", {
        wsrep_local_state_uuid: "u1",
        wsrep_cluster_state_uuid: "c1",
        wsrep_provider_version: "26.4.16(r7dce5149)",
      }),
    ).toBe(1);
  });
});

describe("writeGlobalVariables()", () => {
  test("writes numeric variables as gauges and the text ones as info series", () => {
    const w = new RecordingWriter();
    writeGlobalVariables(
      w,
      rows({
        max_connections: "151",
        autocommit: "ON",
        version: "10.11.19-MariaDB-0+deb12u1",
        version_comment: "Debian 12",
        innodb_version: "",
        tx_isolation: "REPEATABLE-READ",
        wsrep_provider_options: "gcache.size = 128M; gcs.fc_limit = 16;",
      }),
    );
    expect(w.lines()).toEqual([
      "mysql_galera_gcache_size_bytes 134217728",
      "mysql_global_variables_autocommit 1",
      "mysql_global_variables_max_connections 151",
      'mysql_transaction_isolation{level="REPEATABLE-READ"} 1',
      'mysql_version_info{version="10.11.19-MariaDB-0+deb12u1", version_comment="Debian 12"} 1',
    ]);
  });

  test("gcacheSize() reads bytes, megabytes and gigabytes, 0 when absent", () => {
    expect(gcacheSize("gcache.size = 1024;")).toBe(1024);
    expect(gcacheSize("gcache.size = 2G;")).toBe(2 * 1024 ** 3);
    expect(gcacheSize("evs.debug_log_mask = 0x1;")).toBe(0);
  });
});

describe("writeSlaveStatus()", () => {
  test("every numeric column of each channel, with the channel's labels", () => {
    const w = new RecordingWriter();
    writeSlaveStatus(w, [
      {
        Connection_name: "",
        Master_Host: "10.0.0.1",
        Slave_IO_Running: "Yes",
        Slave_SQL_Running: "No",
        Seconds_Behind_Master: null,
        Exec_Master_Log_Pos: 342,
        Master_Log_File: "mysql-bin.000002",
      },
    ]);
    expect(w.lines()).toEqual([
      'mysql_slave_status_exec_master_log_pos{master_host="10.0.0.1"} 342',
      'mysql_slave_status_slave_io_running{master_host="10.0.0.1"} 1',
      'mysql_slave_status_slave_sql_running{master_host="10.0.0.1"} 0',
    ]);
  });
});

describe("writeResponseTime()", () => {
  test("makes the per-bucket counts cumulative and counts TOO LONG only in count and sum", () => {
    const w = new RecordingWriter();
    writeResponseTime(
      w,
      ["QUERY_RESPONSE_TIME", "query_response_time_seconds", "h"],
      [
        { TIME: "  0.000001", COUNT: 2, TOTAL: "  0.000001" },
        { TIME: "  0.000010", COUNT: 3, TOTAL: "  0.000020" },
        { TIME: "TOO LONG", COUNT: 1, TOTAL: "TOO LONG" },
      ],
    );
    expect(w.value("mysql_info_schema_query_response_time_seconds_bucket", { le: "1e-05" })).toBe(
      5,
    );
    expect(w.value("mysql_info_schema_query_response_time_seconds_bucket", { le: "+Inf" })).toBe(6);
    expect(w.value("mysql_info_schema_query_response_time_seconds_count")).toBe(6);
    expect(w.families.get("mysql_info_schema_query_response_time_seconds")?.type).toBe("histogram");
  });
});

describe("bucketLabel()", () => {
  test.each([
    [0.000001, "1e-06"],
    [0.00001, "1e-05"],
    [0.0001, "0.0001"],
    [0.5, "0.5"],
    [1, "1.0"],
    [100000, "100000.0"],
    [1000000, "1e+06"],
    [1.5e7, "1.5e+07"],
  ] as const)("writes %p as the exporter does: %p", (bound, want) => {
    expect(bucketLabel(bound)).toBe(want);
  });
});
