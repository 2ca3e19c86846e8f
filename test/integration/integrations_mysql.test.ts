/**
 * The MySQL / MariaDB collector side by side with Debian's mysqld_exporter 0.14, pointed at
 * the same MariaDB (started by the harness on a free port, with a monitoring user): every
 * family both produce has the same type, HELP and label names; variables, versions and other
 * values at rest are equal; every exporter family Outpost lacks is listed, with its reason, in
 * docs/integrations.md. A refused login and a missing privilege say what to grant.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MysqlCollector } from "../../agent/sources/integrations/mysql/collector.ts";
import { IntegrationRunner } from "../../agent/sources/integrations/runner.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { compareFamilies, type Families, fromExporter, fromOutpost } from "../harness/families.ts";
import {
  MONITOR,
  replicate,
  startMariadb,
  startMysqldExporter,
  type TestMariadb,
} from "../harness/mariadb.ts";
import { Recorder } from "../harness/recorder.ts";
import type { ServiceExporter } from "../harness/service_exporters.ts";

const monitor = (address: string) =>
  new MysqlCollector({ address, user: MONITOR.user, password: async () => MONITOR.password });

/** Values that do not move at rest: settings, identity, compression tables of an idle server. */
const STABLE =
  /^(mysql_(up|version_info|transaction_isolation|galera_variables_info|global_variables_|info_schema_innodb_cmp)|mysql_global_status_(innodb_page_size|innodb_have_|feature_|rpl_semi_sync_|wsrep_(connected|ready|cluster_status)|slave_running|compression|ssl_(accepts|finished_accepts)))/;

describe("MySQL collector beside mysqld_exporter 0.14", () => {
  let db: TestMariadb;
  let exporter: ServiceExporter;
  beforeAll(async () => {
    db = await startMariadb();
    exporter = await startMysqldExporter(db);
  }, 60_000);
  afterAll(async () => {
    await exporter?.stop();
    await db?.stop();
  });

  test("families match in name, type, HELP and labels; variables and versions are equal", async () => {
    const collector = monitor(db.address);
    try {
      const ours = await fromOutpost(collector);
      const theirs = fromExporter(await exporter.scrape());
      expect(ours.problems).toEqual([]);
      const r = await compareFamilies("mysqld_exporter", theirs, ours, (s) => STABLE.test(s));
      expect(r.shared).toBeGreaterThan(700);
      expect(r.compared).toBeGreaterThan(400);
      expect(ours.values.get("mysql_global_variables_port")).toBe(db.port);
      expect([...ours.values.keys()].some((s) => s.startsWith("mysql_version_info{"))).toBe(true);
    } finally {
      await collector.close();
    }
  });

  test("the same server through its Unix socket gives the same families", async () => {
    const tcp = monitor(db.address);
    const socket = monitor(db.socket);
    try {
      const [a, b] = [await fromOutpost(tcp), await fromOutpost(socket)];
      expect([...b.meta.keys()].sort()).toEqual([...a.meta.keys()].sort());
    } finally {
      await tcp.close();
      await socket.close();
    }
  });

  test("a user MariaDB refuses gives mysql_up 0 and says what to grant", async () => {
    const collector = new MysqlCollector({ address: db.address, user: "nobody" });
    const w = new Recorder();
    const runner = new IntegrationRunner(
      { key: `mysql:${db.port}`, address: db.address, how: "config", pid: 0, collector },
      [],
      {
        registry: new Registry(),
        consumer: w,
        interval: 1_000,
        timeout: 2_000,
      },
    );
    await runner.collectOnce(Date.now());
    expect(runner.status).toMatchObject({ state: "refused", series: 2 });
    expect(w.last.get("outpost_integration_refused")).toBe(1);
    expect(runner.status.reason).toContain("Access denied for user 'nobody'");
    expect(runner.status.reason).toContain("GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.*");
    expect(w.last.get("mysql_up")).toBe(0);
    await runner.stop();
  });

  test("a user without SLAVE MONITOR is collected without slave status, and told what to grant", async () => {
    await db.admin(
      "CREATE USER 'plain'@'127.0.0.1' IDENTIFIED BY 'pw'; GRANT PROCESS, SELECT ON *.* TO 'plain'@'127.0.0.1'",
    );
    const collector = new MysqlCollector({
      address: db.address,
      user: "plain",
      password: async () => "pw",
    });
    try {
      const ours = await fromOutpost(collector);
      expect(ours.values.get("mysql_up")).toBe(1);
      expect(ours.problems).toHaveLength(1);
      expect(ours.problems[0]).toStartWith("slave_status: ");
      expect(ours.problems[0]).toContain("SLAVE MONITOR");
    } finally {
      await collector.close();
    }
  });
});

describe("MySQL collector on a replica beside mysqld_exporter 0.14", () => {
  let source: TestMariadb;
  let replica: TestMariadb;
  let exporter: ServiceExporter;
  beforeAll(async () => {
    source = await startMariadb({ binlog: true, serverId: 1 });
    replica = await startMariadb({ serverId: 2 });
    await replicate(source, replica);
    exporter = await startMysqldExporter(replica);
  }, 90_000);
  afterAll(async () => {
    await exporter?.stop();
    await replica?.stop();
    await source?.stop();
  });

  test("slave status families match, with the source's host as master_host", async () => {
    const collector = monitor(replica.address);
    try {
      const ours = await fromOutpost(collector);
      const theirs = fromExporter(await exporter.scrape());
      const slave = [...ours.meta.keys()].filter((n) => n.startsWith("mysql_slave_status_"));
      expect(slave.length).toBeGreaterThan(20);
      // Positions and timers move; what says which source and whether it runs does not.
      const stable = (s: string) =>
        STABLE.test(s) ||
        /^mysql_slave_status_(slave_(io|sql)_running|master_port|master_server_id|last_(io_|sql_)?errno|skip_counter|connect_retry)\{/.test(
          s,
        );
      const r = await compareFamilies("mysqld_exporter", theirs, ours, stable);
      expect(r.missing.filter((n) => n.startsWith("mysql_slave"))).toEqual([]);
      expect(ours.values.get('mysql_slave_status_slave_io_running{master_host="127.0.0.1"}')).toBe(
        1,
      );
      expect(ours.values.get('mysql_slave_status_master_port{master_host="127.0.0.1"}')).toBe(
        source.port,
      );
    } finally {
      await collector.close();
    }
  });
});

describe("MySQL collector with the query response time plugin beside mysqld_exporter 0.14", () => {
  let db: TestMariadb;
  let exporter: ServiceExporter;
  beforeAll(async () => {
    db = await startMariadb({
      args: ["--plugin-load-add=query_response_time.so", "--query-response-time-stats=ON"],
    });
    await db.admin("SELECT SLEEP(0.01); SELECT 1; SELECT 2");
    exporter = await startMysqldExporter(db);
  }, 60_000);
  afterAll(async () => {
    await exporter?.stop();
    await db?.stop();
  });

  test("the response time histograms match in type, HELP and bucket bounds", async () => {
    const collector = monitor(db.address);
    try {
      const ours = await fromOutpost(collector);
      const theirs = fromExporter(await exporter.scrape());
      const histograms = [...ours.meta].filter(([, m]) => m.type === "histogram").map(([n]) => n);
      expect(histograms).toContain("mysql_info_schema_query_response_time_seconds");
      // Counts move with every query (both sides' own included): bounds and shape must match.
      await compareFamilies("mysqld_exporter", theirs, ours, (s) => STABLE.test(s));
      const buckets = (f: Families) =>
        [...f.values.keys()].filter((s) => s.includes("response_time_seconds_bucket")).sort();
      expect(buckets(ours)).toEqual(buckets(theirs));
      expect(buckets(ours).length).toBeGreaterThan(10);
      const count = ours.values.get("mysql_info_schema_query_response_time_seconds_count") ?? 0;
      expect(count).toBeGreaterThanOrEqual(3);
      expect(
        ours.values.get('mysql_info_schema_query_response_time_seconds_bucket{le="+Inf"}'),
      ).toBe(count);
    } finally {
      await collector.close();
    }
  });
});
