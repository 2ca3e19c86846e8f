/**
 * A service log that cannot be found when the service is added is looked for again every
 * detect_interval: a Redis refusing the agent (NOAUTH) with no Debian file to fall back to
 * gets its log tailed once the login works, through the agent's real LogSources.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogSources } from "../../agent/logs.ts";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import { RespConnection } from "../../agent/sources/integrations/redis/resp.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import { startRedis, type TestRedis } from "../harness/services.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-service-logs-retry-"));
const debian = { postgres: join(dir, "pg"), redis: join(dir, "redis"), mysql: join(dir, "mysql") };
for (const d of Object.values(debian)) mkdirSync(d);
const records: LogRecord[] = [];
const controller = new AbortController();
let redis: TestRedis;
let integrations: IntegrationsSource;

beforeAll(async () => {
  redis = await startRedis({ password: "pw", logfile: join(dir, "redis.log") });
  const registry = new Registry();
  const logs = new LogSources({
    sources: [],
    consumer: { pushLogs: async (r) => void records.push(...r) },
    samples: { consume() {} },
    externalLabels: {},
    registry,
    dataDir: join(dir, "spool"),
    metricsIntervalMs: 1_000,
  });
  logs.start(controller.signal);
  integrations = new IntegrationsSource({
    config: integrationsSchema.parse({
      detect_interval: "300ms",
      interval: "200ms",
      timeout: "150ms",
      redis: [{ address: redis.address }], // no password: refused
    }),
    externalLabels: [],
    registry,
    consumer: { consume() {} },
    logs,
    debianLogDirs: debian,
  });
  integrations.start();
});

afterAll(async () => {
  await integrations?.stop();
  controller.abort();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tailed = () => integrations.report().integrations[0]?.logs;

test("a refused Redis's log is tailed once the login works", async () => {
  await Bun.sleep(1_000); // three detect_intervals, each a refused CONFIG GET
  expect(tailed()).toBeUndefined();
  const admin = await RespConnection.open(redis.address, 2_000);
  try {
    await admin.command(["AUTH", "pw"]);
    await admin.command(["CONFIG", "SET", "requirepass", ""]);
    const deadline = Date.now() + 10_000;
    while (tailed() === undefined && Date.now() < deadline) await Bun.sleep(100);
    expect(tailed()).toEqual([join(dir, "redis.log")]);
    // Tailed from the end once found: log until a line arrives.
    const marked = () => records.some((r) => r.line.includes("outpost-retry-marker"));
    while (!marked() && Date.now() < deadline + 10_000) {
      await admin.command(["DEBUG", "LOG", "outpost-retry-marker"]);
      await Bun.sleep(500);
    }
    expect(marked()).toBe(true);
  } finally {
    admin.close();
  }
}, 30_000);
