/**
 * The PostgreSQL and Redis collectors side by side with Debian's postgres_exporter 0.11 and
 * redis_exporter 1.45, pointed at the same instances (started by the harness on free ports):
 * every family both produce has the same type, HELP and label names; stable values are
 * equal; and every exporter family Outpost lacks is listed, with its reason, in
 * docs/integrations.md.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PostgresCollector } from "../../agent/sources/integrations/postgres/collector.ts";
import { RedisCollector } from "../../agent/sources/integrations/redis/collector.ts";
import { RespConnection } from "../../agent/sources/integrations/redis/resp.ts";
import { IntegrationRunner } from "../../agent/sources/integrations/runner.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { compareFamilies, fromExporter, fromOutpost } from "../harness/families.ts";
import { Recorder } from "../harness/recorder.ts";
import {
  type ServiceExporter,
  startPostgresExporter,
  startRedisExporter,
} from "../harness/service_exporters.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";

describe("PostgreSQL collector beside postgres_exporter 0.11", () => {
  let pg: TestPostgres;
  let exporter: ServiceExporter;
  beforeAll(async () => {
    pg = await startPostgres();
    exporter = await startPostgresExporter(pg.dsn);
  }, 60_000);
  afterAll(async () => {
    await exporter?.stop();
    await pg?.stop();
  });

  test("families match in name, type, HELP and labels; settings, sizes and versions are equal", async () => {
    const collector = new PostgresCollector({
      host: "127.0.0.1",
      port: pg.port,
      user: "postgres",
      database: "postgres",
    });
    try {
      const ours = await fromOutpost(collector);
      const theirs = fromExporter(await exporter.scrape());
      // extra_float_digits is each session's own: lib/pq sets 2 when it connects, Bun.SQL keeps 1.
      const stable = (s: string) =>
        !s.startsWith("pg_settings_extra_float_digits") &&
        /^(pg_settings_|pg_database_size_bytes|pg_static|pg_up|pg_stat_archiver_(archived|failed)_count|pg_stat_database_conflicts_|pg_stat_database_(deadlocks|conflicts|temp_files|temp_bytes)\{|pg_stat_bgwriter_checkpoints_req_total)/.test(
          s,
        );
      const r = await compareFamilies("postgres_exporter", theirs, ours, stable);
      expect(r.shared).toBeGreaterThan(250);
    } finally {
      await collector.close();
    }
  });

  test("a role PostgreSQL refuses gives pg_up 0 and says what to grant", async () => {
    const collector = new PostgresCollector({
      host: "127.0.0.1",
      port: pg.port,
      user: "nobody",
      database: "postgres",
    });
    const w = new Recorder();
    const runner = new IntegrationRunner(
      { key: `postgres:${pg.port}`, address: collector.server, how: "config", pid: 0, collector },
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
    expect(runner.status.reason).toContain('role "nobody" does not exist');
    expect(runner.status.reason).toContain("GRANT pg_monitor TO nobody");
    expect(w.last.get("pg_up")).toBe(0);
    await runner.stop();
  });
});

describe("Redis collector beside redis_exporter 1.45", () => {
  let redis: TestRedis;
  let exporter: ServiceExporter;
  beforeAll(async () => {
    redis = await startRedis();
    // Keys, one expiring, and an error reply: db_keys, db_keys_expiring and errors_total show.
    const seed = await RespConnection.open(redis.address, 5_000);
    await seed.command(["MSET", "a", "1", "b", "2"]);
    await seed.command(["EXPIRE", "a", "3600"]);
    await seed.command(["HGET", "b", "field"]).catch(() => {}); // WRONGTYPE: errorstat_WRONGTYPE
    await seed.command(["SELECT", "3"]);
    await seed.command(["SET", "c", "3"]);
    seed.close();
    exporter = await startRedisExporter(redis.address);
  }, 60_000);
  afterAll(async () => {
    await exporter?.stop();
    await redis?.stop();
  });

  test("families match in name, type, HELP and labels; config, keys and identity are equal", async () => {
    const collector = new RedisCollector({ address: redis.address });
    try {
      const ours = await fromOutpost(collector);
      const theirs = fromExporter(await exporter.scrape());
      const stable = (s: string) =>
        /^(redis_(up|instance_info|config_|memory_max_bytes|db_keys|db_keys_expiring|connected_slaves|aof_enabled|cluster_enabled|process_id|rdb_last_bgsave_status|replication_backlog_bytes|rdb_changes_since_last_save|expired_keys_total|evicted_keys_total|pubsub_channels|mem_clients_slaves|blocked_clients)\b)/.test(
          s,
        );
      const r = await compareFamilies("redis_exporter", theirs, ours, stable);
      expect(r.shared).toBeGreaterThan(90);
      expect(ours.values.get('redis_db_keys{db="db0"}')).toBe(2);
      expect(ours.values.get('redis_db_keys_expiring{db="db0"}')).toBe(1);
      expect(ours.values.get('redis_db_keys{db="db3"}')).toBe(1);
      expect(ours.values.get('redis_errors_total{err="WRONGTYPE"}')).toBe(1);
      expect(theirs.values.get('redis_errors_total{err="WRONGTYPE"}')).toBe(1);
      const start = theirs.values.get("redis_start_time_seconds") ?? 0;
      expect(
        Math.abs((ours.values.get("redis_start_time_seconds") ?? 0) - start),
      ).toBeLessThanOrEqual(2);
    } finally {
      await collector.close();
    }
  });
});
