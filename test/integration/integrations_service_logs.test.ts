/**
 * PostgreSQL's and Redis's own logs end to end: the harness's servers log to files (PostgreSQL
 * through its logging collector under Debian's `%m [%p] %q%u@%d ` prefix, Redis to a
 * `--logfile`, MariaDB to its `--log-error`); an agent configured with the instances only asks each server where its log is,
 * tails it, and the aggregator (real nats-server, in-process aggregator, LogQL through Loki's
 * API) returns records with a level label and pid fields.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import type { Agent } from "../../agent/agent.ts";
import { RespConnection } from "../../agent/sources/integrations/redis/resp.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { startIntegrationsAgent } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { MONITOR, startMariadb, type TestMariadb } from "../harness/mariadb.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";

type LokiValue = [string, string, { structuredMetadata?: Record<string, string> }?];
interface LokiStreams {
  data: { result: { stream: Record<string, string>; values: LokiValue[] }[] };
}

let nats: NatsServerHandle;
let pg: TestPostgres;
let redis: TestRedis;
let maria: TestMariadb;
let aggregator: Aggregator;
let agent: Agent;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-service-logs-"));
  nats = await startNatsServer();
  pg = await startPostgres({
    settings: {
      logging_collector: "on",
      log_directory: "log", // relative: the agent resolves it against data_directory
      log_line_prefix: "%m [%p] %q%u@%d ",
    },
  });
  redis = await startRedis({ logfile: join(dir, "redis.log") });
  maria = await startMariadb(); // --log-error into its folder
  writeFileSync(join(dir, "mysql-password"), MONITOR.password);
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  agent = await startIntegrationsAgent("service-logs", nats.url, dir, {
    postgres: [{ dsn: pg.dsn }],
    redis: [{ address: redis.address }],
    mysql: [{ address: maria.address, user: MONITOR.user, password_file: "mysql-password" }],
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await aggregator?.stop();
  await pg?.stop();
  await redis?.stop();
  await maria?.stop();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await Bun.sleep(250);
  }
}

/** The matching records, each with its stream labels. */
async function logs(q: string): Promise<{ stream: Record<string, string>; value: LokiValue }[]> {
  const range = `start=${Date.now() - 600_000}000000&end=${Date.now() + 60_000}000000`;
  const r = await fetch(
    `${aggregator.url}/loki/api/v1/query_range?query=${encodeURIComponent(q)}&${range}&limit=1000`,
    { headers: { "X-Loki-Response-Encoding-Flags": "categorize-labels" } },
  );
  const body = (await r.json()) as LokiStreams;
  return body.data.result.flatMap((s) => s.values.map((value) => ({ stream: s.stream, value })));
}

test("a PostgreSQL error arrives with its level, pid, user and database, its STATEMENT joined", async () => {
  const sql = new SQL({ url: pg.dsn, max: 1 });
  try {
    // The log is tailed from its end once found: fail a query until one arrives.
    await until(
      "the tail to start",
      async () => {
        await sql.unsafe("SELECT 1/0 AS warm_up").catch(() => {});
        return logs('{job="integrations/postgres"} |= "warm_up"');
      },
      (v) => v.length > 0,
    );
    await sql.unsafe("SELECT no_such_column_outpost FROM pg_class").catch(() => {});
    const [got] = await until(
      "the error record",
      () => logs('{job="integrations/postgres", level="error"} |= "no_such_column_outpost"'),
      (v) => v.length > 0,
    );
    expect(got.stream).toMatchObject({
      job: "integrations/postgres",
      instance: `127.0.0.1:${pg.port}`,
      log: "server",
      level: "error",
    });
    const [, line, meta] = got.value;
    expect(line).toMatch(/ERROR: {2}column "no_such_column_outpost" does not exist/);
    expect(line).toMatch(/\n.* STATEMENT: {2}SELECT no_such_column_outpost FROM pg_class/);
    expect(meta?.structuredMetadata).toMatchObject({ user: "postgres", database: "postgres" });
    expect(meta?.structuredMetadata?.pid).toMatch(/^\d+$/);
    // The report names the file found: the collector's, under the data directory.
    const pgStatus = agent.integrations
      .report()
      .integrations.find((i) => i.key === `postgres:${pg.port}`);
    expect(pgStatus?.logs).toEqual([join(pg.socketDir, "data/log/postgresql-*-*-*_*.log")]);
  } finally {
    await sql.close();
  }
}, 60_000);

test("a Redis warning arrives with its level, pid and role", async () => {
  const conn = await RespConnection.open(redis.address, 2_000);
  try {
    await until(
      "the tail to start",
      async () => {
        await conn.command(["DEBUG", "LOG", "outpost-warm-up"]);
        return logs('{job="integrations/redis"} |= "outpost-warm-up"');
      },
      (v) => v.length > 0,
    );
    await conn.command(["DEBUG", "LOG", "outpost-marker"]);
    const [got] = await until(
      "the marker record",
      () => logs('{job="integrations/redis", level="warn"} |= "outpost-marker"'),
      (v) => v.length > 0,
    );
    expect(got.stream).toMatchObject({ instance: redis.address, log: "server", level: "warn" });
    expect(got.value[1]).toMatch(/# DEBUG LOG: outpost-marker$/);
    expect(got.value[2]?.structuredMetadata).toEqual({ pid: String(redis.pid), role: "master" });
  } finally {
    conn.close();
  }
}, 60_000);

test("a MariaDB warning arrives with its level and thread id", async () => {
  // A refused login is logged as a [Warning] with the connection's thread id.
  const login = (user: string) =>
    new SQL({
      adapter: "mysql",
      hostname: "127.0.0.1",
      port: maria.port,
      username: user,
      password: "x",
    })
      .unsafe("SELECT 1")
      .catch(() => {});
  await until(
    "the tail to start",
    async () => {
      await login("outpost_warm_up");
      return logs('{job="integrations/mysql"} |= "outpost_warm_up"');
    },
    (v) => v.length > 0,
  );
  await login("outpost_marker");
  const [got] = await until(
    "the marker record",
    () => logs('{job="integrations/mysql", level="warn"} |= "outpost_marker"'),
    (v) => v.length > 0,
  );
  expect(got.stream).toMatchObject({ instance: maria.address, log: "error", level: "warn" });
  expect(got.value[1]).toMatch(/\[Warning\] Access denied for user 'outpost_marker'@'localhost'/);
  expect(got.value[2]?.structuredMetadata?.thread).toMatch(/^[1-9]\d*$/);
}, 60_000);
