/**
 * The exactly-once promise under crashes: aggregators (child processes) are killed with
 * SIGKILL at the worst moments — after a flush uploaded its file but before the commit, after
 * the commit but before the file's move out of staging, after the move but before the
 * acknowledgements, and the same around a compaction and a rollup — and while two of them share
 * the stream; and the same around a logs flush. Afterwards the bucket holds every published
 * sample and log line exactly once, both as the catalog lists it and as a reader that globs
 * `v1/` with DuckDB (docs/storage.md) counts it: right after the crash that reader may miss
 * rows, but never counts one twice.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "nats";
import type { AggregatorConfig } from "../../aggregator/config/schema.ts";
import { openBucket } from "../../aggregator/storage/bucket/config.ts";
import { DirBucket } from "../../aggregator/storage/bucket/dir.ts";
import { Catalog } from "../../aggregator/storage/catalog/catalog.ts";
import { hourOf } from "../../aggregator/storage/catalog/entry.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { formatSeries, labelsFromRecord } from "../../shared/model/labels.ts";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  type TestAggregatorOptions,
  testAggregatorConfig,
} from "../harness/aggregator.ts";
import { globCount } from "../harness/glob.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  syntheticValue,
  waitForAllAcked,
} from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { startS3rver } from "../harness/s3.ts";
import { readStored, readStoredLogs } from "../harness/stored.ts";

const SERIES = 200;
const STEPS = 4;
const series = makeSeries(SERIES);

let nats: NatsServerHandle;
let nc: NatsConnection;
let root: string;
const running: AggregatorProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "outpost-crash-"));
  nats = await startNatsServer();
  nc = await connectTo(nats.url);
});

afterEach(async () => {
  for (const p of running.splice(0)) await p.kill();
  await nc.close();
  await nats.dispose();
  await rm(root, { recursive: true, force: true });
});

async function config(id: string, over: Partial<TestAggregatorOptions> = {}) {
  return testAggregatorConfig({
    id,
    natsUrl: nats.url,
    dataDir: join(root, id),
    storage: { type: "dir", path: join(root, "bucket") },
    ...over,
  });
}

async function start(
  c: { path: string; config: AggregatorConfig },
  env: Record<string, string> = {},
) {
  const p = await startAggregatorProcess(c.path, c.config, env);
  running.push(p);
  return p;
}

/** Publishes batches [from, to) with STEPS scrapes each starting at t0. */
async function publish(from: number, to: number, t0: number): Promise<void> {
  for (let b = from; b < to; b++) {
    const ts = Array.from({ length: STEPS }, (_, k) => t0 + (b * STEPS + k) * 15_000);
    await publishBatch(nc, syntheticBatch(series, ts), { msgId: `b-${b}` });
  }
}

/** Asserts the bucket holds batches [0, n) from t0 exactly once. */
async function expectExactlyOnce(c: AggregatorConfig, n: number, t0: number): Promise<void> {
  const stored = await readStored(c);
  expect(stored.rows).toBe(SERIES * n * STEPS);
  expect(stored.samples.size).toBe(SERIES);
  const last = t0 + (n * STEPS - 1) * 15_000;
  const s = stored.samples.get(formatSeries(series[SERIES - 1].labels))!;
  expect(s.size).toBe(n * STEPS);
  expect(s.get(last)).toBe(syntheticValue(SERIES - 1, last));
}

async function waitForExit(p: AggregatorProcess, ms = 20_000): Promise<void> {
  const timeout = Bun.sleep(ms).then(() => {
    throw new Error("the aggregator did not reach its failpoint");
  });
  await Promise.race([p.proc.exited, timeout]);
}

/**
 * Asserts what a glob reader of `v1/` under `root` sees: no row twice, and `committed` rows, or
 * at most that many when `mayMiss` (a committed file not moved into place yet).
 */
async function expectGlob(root: string, committed: number, mayMiss = false, signal = "metrics") {
  const seen = await globCount(root, signal);
  expect(seen.rows).toBe(seen.distinct);
  if (mayMiss) expect(seen.rows).toBeLessThanOrEqual(committed);
  else expect(seen.rows).toBe(committed);
}

describe("an aggregator killed during a flush", () => {
  for (const point of ["flush-uploaded", "flush-committed", "flush-promoted"]) {
    test(`loses and duplicates nothing when killed at ${point}, for a glob reader too`, async () => {
      const c = await config("a");
      const t0 = hourOf(Date.now());
      const crashing = await start(c, { OUTPOST_FAILPOINT: point });
      await publish(0, 10, t0);
      await waitForExit(crashing);
      const bucket = join(root, "bucket");
      await expectGlob(bucket, (await readStored(c.config)).rows, point === "flush-committed");
      const again = await start(c);
      await publish(10, 14, t0);
      await waitForAllAcked(nc, 30_000);
      await again.stop();
      await expectExactlyOnce(c.config, 14, t0);
      await expectGlob(bucket, SERIES * 14 * STEPS);
    }, 60_000);
  }

  test("on S3, a glob reader of the v1/ objects counts every sample once", async () => {
    const s3 = await startS3rver();
    try {
      const storage = { type: "s3", endpoint: s3.endpoint, bucket: s3.bucket } as const;
      const c = await config("a", { storage: { ...storage, cacheDir: join(root, "cache") } });
      const t0 = hourOf(Date.now());
      const crashing = await start(c, { OUTPOST_FAILPOINT: "flush-committed" });
      await publish(0, 10, t0);
      await waitForExit(crashing);
      await expectGlob(await mirrorV1(c.config), (await readStored(c.config)).rows, true);
      const again = await start(c);
      await publish(10, 14, t0);
      await waitForAllAcked(nc, 30_000);
      await again.stop();
      await expectExactlyOnce(c.config, 14, t0);
      await expectGlob(await mirrorV1(c.config), SERIES * 14 * STEPS);
    } finally {
      await s3.stop();
    }
  }, 60_000);
});

/** Downloads the objects a listing of `v1/` shows, as a reader of the bucket would; returns their folder. */
async function mirrorV1(c: AggregatorConfig): Promise<string> {
  const bucket = openBucket(c.storage, { baseDir: c.baseDir });
  const dir = await mkdtemp(join(root, "mirror-"));
  for (const key of await bucket.list("v1/tenant=")) {
    await mkdir(join(dir, key, ".."), { recursive: true });
    await Bun.write(join(dir, key), (await bucket.get(key)) ?? new Uint8Array());
  }
  return dir;
}

/** Every committed entry of the bucket, all signals and tiers. */
async function committed(c: AggregatorConfig) {
  const catalog = new Catalog({
    bucket: openBucket(c.storage, { baseDir: c.baseDir }),
    writer: "r",
  });
  await catalog.load();
  return catalog.all();
}

describe("an aggregator killed during a compaction", () => {
  const points = [
    "compact-uploaded",
    "compact-committed",
    "compact-inputs-deleted",
    "rollup-committed",
  ];
  for (const point of points) {
    test(`loses and duplicates nothing when killed at ${point}, for a glob reader too`, async () => {
      const c = await config("a", { compactionInterval: "1s", compactionDelay: "0s" });
      const t0 = hourOf(Date.now()) - 3 * 3_600_000;
      // Two waves, so that each hour gets several flush files to merge.
      const first = await start(c, { OUTPOST_FAILPOINT: point });
      await publish(0, 6, t0);
      await Bun.sleep(1_000);
      await publish(6, 12, t0);
      await waitForExit(first);
      const bucket = join(root, "bucket");
      // A flush may have been between its commit and its move: the reader may miss rows.
      await expectGlob(bucket, (await readStored(c.config)).rows, true);
      const again = await start(c, {});
      await waitForAllAcked(nc, 30_000);
      // Wait until each hour is one merged file again, with its rollups, and `v1/` holds
      // exactly what the catalog lists: the merged inputs are deleted, the merged files and
      // rollups moved in, what the crash left uncommitted never there.
      const objects = () => new DirBucket(bucket).list("v1/tenant=");
      // A day's 1 h rollups are made once every hour of it is merged: between midnight and
      // 03:00 UTC the data's hours are yesterday's last, and that day is complete.
      const settled = async () => {
        const files = await committed(c.config);
        const raw = files.filter((f) => f.tier === "raw");
        const hourly = files.filter((f) => f.tier !== "1h");
        const keys = files.map((f) => f.key).sort();
        return (
          raw.every((f) => f.level === 1) &&
          hourly.length === raw.length * 3 &&
          JSON.stringify(await objects()) === JSON.stringify(keys)
        );
      };
      for (let i = 0; i < 150 && !(await settled()); i++) await Bun.sleep(200);
      await again.stop();
      expect(await settled()).toBe(true);
      await expectExactlyOnce(c.config, 12, t0);
      await expectGlob(bucket, SERIES * 12 * STEPS);
      for (const tier of ["1m", "5m"] as const) {
        const rows = (await committed(c.config)).filter((f) => f.tier === tier);
        await expectGlob(
          bucket,
          rows.reduce((n, f) => n + f.rows, 0),
          false,
          `metrics_${tier}`,
        );
      }
    }, 60_000);
  }
});

describe("two aggregators sharing the stream", () => {
  test("store everything exactly once when one of them is killed", async () => {
    const a = await start(await config("a"));
    const cb = await config("b");
    await start(cb);
    const t0 = hourOf(Date.now());
    await publish(0, 20, t0);
    // Kill a as soon as it holds batches it has not acknowledged yet.
    for (let i = 0; i < 200; i++) {
      const m = await (await fetch(`${a.url}/metrics`)).text();
      const got = Number(/^outpost_ingest_batches_total (\d+)/m.exec(m)?.[1] ?? 0);
      const acked = Number(/^outpost_ingest_acked_batches_total (\d+)/m.exec(m)?.[1] ?? 0);
      if (got > acked) break;
      await Bun.sleep(10);
    }
    await a.kill();
    await publish(20, 40, t0);
    await waitForAllAcked(nc, 45_000);
    await expectExactlyOnce(cb.config, 40, t0);
  }, 60_000);
});

const LINES = 500;
const streams = ["app", "db"].map((job) =>
  labelsFromRecord({ job, filename: `/var/log/${job}.log` }),
);

/** Publishes log batches [from, to) of LINES lines each, times from t0 (ns). */
async function publishLogs(from: number, to: number, t0: bigint): Promise<void> {
  const enc = new BatchEncoder();
  for (let b = from; b < to; b++) {
    for (let i = 0; i < LINES; i++) {
      const n = b * LINES + i;
      enc.addLog({
        timeNs: t0 + BigInt(n) * 1_000_000n,
        labels: streams[n % 2],
        line: `line ${n}`,
        fields: [],
      });
    }
    await publishBatch(nc, compress("zstd", enc.finish(), 6), {
      signal: "logs",
      codec: "zstd",
      msgId: `l-${b}`,
    });
  }
}

describe("an aggregator killed during a logs flush", () => {
  for (const point of ["logs-flush-uploaded", "logs-flush-committed", "logs-flush-promoted"]) {
    test(`loses and duplicates no line when killed at ${point}, for a glob reader too`, async () => {
      const c = await config("a");
      const t0 = BigInt(Date.now() - 600_000) * 1_000_000n;
      const crashing = await start(c, { OUTPOST_FAILPOINT: point });
      await publishLogs(0, 6, t0);
      await waitForExit(crashing);
      const again = await start(c);
      await publishLogs(6, 8, t0);
      await waitForAllAcked(nc, 30_000);
      await again.stop();
      const stored = await readStoredLogs(c.config);
      expect(stored.length).toBe(8 * LINES);
      expect(new Set(stored).size).toBe(8 * LINES);
      await expectGlob(join(root, "bucket"), 8 * LINES, false, "logs");
    }, 60_000);
  }
});
