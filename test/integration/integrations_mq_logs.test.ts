/**
 * memcached's and nats-server's logs, from real servers the harness starts with their output
 * in files (memcached `-vv` with stderr redirected, nats-server `-l`): detected, each is tailed
 * with its parser through the agent's real LogSources; a file the `logs` section already
 * tails is left to it and read once.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logsSchema, normalizeLogSources } from "../../agent/config/logs.ts";
import { LogSources } from "../../agent/logs.ts";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import {
  seedMemcached,
  startMemcached,
  startNats,
  type TestMemcached,
  type TestNats,
} from "../harness/mq_services.ts";

setDefaultTimeout(60_000);

let dir: string;
let mc: TestMemcached;
let nats: TestNats;
let logs: LogSources;
let source: IntegrationsSource;
const records: LogRecord[] = [];
const controller = new AbortController();

const label = (r: LogRecord, name: string) => r.labels[r.labels.indexOf(name) + 1];
const field = (r: LogRecord, name: string) => {
  const i = r.fields.indexOf(name);
  return i >= 0 && i % 2 === 0 ? r.fields[i + 1] : undefined;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outpost-mq-logs-"));
  [mc, nats] = await Promise.all([
    startMemcached({ log: join(dir, "memcached.log") }),
    startNats({ log: join(dir, "nats.log") }),
  ]);
  const registry = new Registry();
  // The user tails nats-server's log themselves, under their own name.
  const mine = logsSchema.parse([{ name: "mine", include: [join(dir, "nats*.log")] }]);
  logs = new LogSources({
    sources: normalizeLogSources(mine, dir),
    consumer: {
      async pushLogs(batch) {
        records.push(...batch);
      },
    },
    samples: { consume() {} },
    externalLabels: {},
    registry,
    dataDir: dir,
    metricsIntervalMs: 60_000,
  });
  logs.start(controller.signal);
  source = new IntegrationsSource({
    config: integrationsSchema.parse({ autodetect: true, interval: "1s", timeout: "1s" }),
    externalLabels: [],
    registry,
    consumer: { consume() {} },
    logs,
    detectFilter: (s) => s.pid === mc.pid || s.pid === nats.pid,
  });
  source.start();
});

afterAll(async () => {
  await source?.stop();
  controller.abort();
  await logs?.stop();
  await Promise.all([mc?.stop(), nats?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(200);
  }
}

test("a detected memcached's -vv output is tailed with its connection fields", async () => {
  const mcKey = () => source.report().integrations.find((i) => i.kind === "memcached");
  await until("memcached's log to be tailed", () => (mcKey()?.logs ?? []).length > 0);
  expect(mcKey()?.logs).toEqual([join(dir, "memcached.log")]);
  await until("memcached's traffic lines", async () => {
    await seedMemcached(mc);
    return records.some((r) => label(r, "job") === "integrations/memcached" && field(r, "fd"));
  });
  const line = records.find((r) => label(r, "job") === "integrations/memcached" && field(r, "fd"));
  expect(line && label(line, "level")).toBe("info");
  expect(line && field(line, "direction")).toMatch(/^[<>]$/);
});

test("nats-server's log, which the logs section tails, is read once, under the user's entry", async () => {
  const natsKey = () => source.report().integrations.find((i) => i.kind === "nats");
  await until("nats-server's runner to look for its log", () => natsKey()?.logs !== undefined);
  expect(natsKey()?.logs).toEqual([]);
  // A reload request logs a line (an error without -c, which is still a line).
  process.kill(nats.pid, "SIGHUP");
  await until("the reload line", () =>
    records.some((r) => label(r, "job") === "mine" && /reload/i.test(r.line)),
  );
  await Bun.sleep(1500); // a second poll of a twin source would have read it by now
  const reloads = records.filter((r) => /reload/i.test(r.line));
  expect(reloads.map((r) => label(r, "job"))).toEqual(["mine"]);
  expect(records.some((r) => label(r, "job") === "integrations/nats")).toBe(false);
});
