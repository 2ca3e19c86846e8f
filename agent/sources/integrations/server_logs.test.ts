import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../test/harness/ports.ts";
import { startRedis } from "../../../test/harness/services.ts";
import { MysqlCollector } from "./mysql/collector.ts";
import { PostgresCollector } from "./postgres/collector.ts";
import { RedisCollector } from "./redis/collector.ts";
import type { RunnerTarget } from "./runner.ts";
import { withServerLogs } from "./server_logs.ts";

const root = mkdtempSync(join(tmpdir(), "outpost-server-logs-"));
const dirs = {
  postgres: join(root, "postgresql"),
  redis: join(root, "redis"),
  mysql: join(root, "mysql"),
};
for (const d of Object.values(dirs)) mkdirSync(d);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Nothing listens on `port`: asking the server fails as a refused login would.
const port = await freePort();
const base = { how: "config" as const, pid: 0 };
const pg = (host: string): RunnerTarget => ({
  ...base,
  key: `postgres:${port}`,
  address: `${host}:${port}`,
  collector: new PostgresCollector({ host, port, user: "u", database: "postgres" }),
});
const redis: RunnerTarget = {
  ...base,
  key: `redis:${port}`,
  address: `127.0.0.1:${port}`,
  collector: new RedisCollector({ address: `127.0.0.1:${port}` }),
};
const mysql: RunnerTarget = {
  ...base,
  key: `mysql:${port}`,
  address: `127.0.0.1:${port}`,
  collector: new MysqlCollector({ address: `127.0.0.1:${port}`, user: "u" }),
};

describe("withServerLogs()", () => {
  test("gives a remote server no logs: its files are on its own host", () => {
    expect(withServerLogs(pg("db.example"), 500, dirs).logs).toBeUndefined();
  });

  test("gives a detected server logs whatever address it listens on", () => {
    const t = { ...pg("10.0.0.5"), how: "process" as const };
    expect(withServerLogs(t, 500, dirs).logs).toBeFunction();
  });

  test("falls back to Debian's files when the server cannot be asked", async () => {
    writeFileSync(join(dirs.postgres, "postgresql-15-main.log"), "");
    writeFileSync(join(dirs.redis, "redis-server.log"), "");
    writeFileSync(join(dirs.mysql, "error.log"), "");
    const include = async (t: RunnerTarget) =>
      (await withServerLogs(t, 500, dirs).logs!()).flatMap((s) => s.include);
    expect(await include(pg("127.0.0.1"))).toEqual([join(dirs.postgres, "postgresql-15-main.log")]);
    expect(await include(redis)).toEqual([join(dirs.redis, "redis-server.log")]);
    expect(await include(mysql)).toEqual([join(dirs.mysql, "error.log")]);
    await Promise.all([redis.collector.close(), mysql.collector.close()]);
  });

  test("with several Debian clusters, says why neither way found the log", async () => {
    writeFileSync(join(dirs.postgres, "postgresql-13-main.log"), "");
    const t = withServerLogs(pg("127.0.0.1"), 500, dirs);
    const err = await t.logs!().catch((e: Error) => e);
    expect(String(err)).toMatch(
      /Cannot find the log of PostgreSQL at 127.0.0.1:\d+: asking it failed \(.+\), and .*postgresql holds 2 clusters' logs, not one$/,
    );
    await t.collector.close();
  });

  test("a server that answers it has no log file gets no guess from Debian's folder", async () => {
    writeFileSync(join(dirs.redis, "redis-server.log"), "");
    const server = await startRedis(); // logs to stdout: CONFIG GET logfile is ""
    const collector = new RedisCollector({ address: server.address });
    const t = withServerLogs({ ...redis, address: server.address, collector }, 2_000, dirs);
    try {
      await expect(t.logs!()).rejects.toThrow(/logfile is empty/);
    } finally {
      await collector.close();
      await server.stop();
    }
  });
});
