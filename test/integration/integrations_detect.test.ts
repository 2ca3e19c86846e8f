/**
 * Detection end to end on this host's real /proc: the integrations source runs first, then
 * PostgreSQL and Redis start one by one (harness, free ports) and each is detected and
 * collected within one cycle; a stopped one's series go stale; one that wants a password
 * reports `redis_up 0` and what to grant. Detection is scoped to the test's own services (by
 * pid), so the machine's own PostgreSQL and Redis on 5432/6379 do not count.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { integrationsSchema } from "../../agent/sources/integrations/config.ts";
import type { DetectedService } from "../../agent/sources/integrations/detect/detect.ts";
import { IntegrationsSource } from "../../agent/sources/integrations/source.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { withinOneCycle } from "../harness/detection.ts";
import { Recorder } from "../harness/recorder.ts";
import {
  startPostgres,
  startRedis,
  type TestPostgres,
  type TestRedis,
} from "../harness/services.ts";

const DETECT_MS = 300;
const ours = new Set<number>();
const recorder = new Recorder();
const source = new IntegrationsSource({
  config: integrationsSchema.parse({
    autodetect: true,
    detect_interval: "300ms",
    interval: "200ms",
    timeout: "150ms",
  }),
  externalLabels: [],
  registry: new Registry(),
  consumer: recorder,
  detectFilter: (s: DetectedService) => ours.has(s.pid),
});
const started: { stop(): Promise<void> }[] = [];

afterAll(async () => {
  await source.stop();
  for (const s of started) await s.stop();
});

const entry = (key: string) => source.report().integrations.find((i) => i.key === key);

describe("integrations detection", () => {
  let pg: TestPostgres;
  let redis: TestRedis;

  test("a host with none of the test's services detects none", async () => {
    source.start();
    await withinOneCycle(
      () => source.report().last_detection !== "",
      "a first detection",
      DETECT_MS,
    );
    expect(source.report().last_detection).not.toBe("");
    expect(source.report().integrations).toEqual([]);
  });

  test("PostgreSQL started after the agent is detected by process and collected", async () => {
    pg = await startPostgres();
    started.push(pg);
    ours.add(pg.pid);
    const key = `postgres:${pg.port}`;
    await withinOneCycle(() => entry(key)?.state === "up", `${key} up`, DETECT_MS);
    expect(entry(key)).toMatchObject({
      kind: "postgres",
      how: "process",
      pid: pg.pid,
      address: `${pg.socketDir}:${pg.port}`,
    });
    expect(recorder.find("pg_up", `${pg.socketDir}:${pg.port}`)).toBe(1);
    expect(recorder.find("pg_settings_max_connections", `${pg.socketDir}:${pg.port}`)).toBe(100);
  }, 60_000);

  test("Redis started next is detected too, and the first stays", async () => {
    redis = await startRedis();
    started.push(redis);
    ours.add(redis.pid);
    const key = `redis:${redis.port}`;
    await withinOneCycle(() => entry(key)?.state === "up", `${key} up`, DETECT_MS);
    expect(entry(key)).toMatchObject({ kind: "redis", how: "process", address: redis.address });
    expect(recorder.find("redis_up", redis.address)).toBe(1);
    expect(source.report().integrations.map((i) => i.key)).toEqual([`postgres:${pg.port}`, key]);
  }, 60_000);

  test("a stopped service is dropped and its series go stale", async () => {
    await redis.stop();
    started.splice(started.indexOf(redis), 1);
    const key = `redis:${redis.port}`;
    await withinOneCycle(() => entry(key) === undefined, `${key} gone`, DETECT_MS);
    // Gone from the report at once; its runner writes the markers once a collection under way
    // (against the stopped server) has ended.
    const stale = () => recorder.find("redis_up", redis.address) === "stale";
    await withinOneCycle(stale, `${key} stale`, DETECT_MS);
    expect(recorder.find("redis_up", redis.address)).toBe("stale");
    expect(recorder.find("redis_connected_clients", redis.address)).toBe("stale");
    // PostgreSQL stays detected. Its state may be "down" for a cycle: under load a query took
    // more than this test's 150 ms timeout (CI); it is up again a cycle later.
    const first = `postgres:${pg.port}`;
    expect(entry(first)).toBeDefined();
    await withinOneCycle(() => entry(first)?.state === "up", `${first} up`, DETECT_MS);
  }, 60_000);

  test("a Redis that wants a password reports redis_up 0 and what to set", async () => {
    const locked = await startRedis({ password: "s3cret" });
    started.push(locked);
    ours.add(locked.pid);
    const key = `redis:${locked.port}`;
    await withinOneCycle(() => entry(key)?.state === "refused", `${key} refused`, DETECT_MS);
    expect(entry(key)?.reason).toContain("NOAUTH");
    expect(entry(key)?.reason).toContain("integrations.defaults.redis password_file");
    expect(recorder.find("redis_up", locked.address)).toBe(0);
  }, 60_000);
});
