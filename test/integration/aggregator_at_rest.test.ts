/**
 * An aggregator at rest stays small: with no data it has not loaded DuckDB's native library
 * (read from the process's /proc/<pid>/maps) nor started its helper threads (each a JS heap of
 * its own), even after its flush and compaction timers ran and a query was answered; the first
 * flush that writes Parquet loads DuckDB.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "nats";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  testAggregatorConfig,
} from "../harness/aggregator.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  waitForAllAcked,
} from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

let nats: NatsServerHandle;
let nc: NatsConnection;
let root: string;
let aggregator: AggregatorProcess;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "outpost-rest-"));
  nats = await startNatsServer();
  nc = await connectTo(nats.url);
  const c = await testAggregatorConfig({
    id: "a",
    natsUrl: nats.url,
    dataDir: join(root, "a"),
    storage: { type: "dir", path: join(root, "bucket") },
    // Compaction ticks during the rest, so that its start-up path is covered too.
    compactionInterval: "200ms",
  });
  aggregator = await startAggregatorProcess(c.path, c.config);
});

afterAll(async () => {
  await aggregator?.kill();
  await nc?.close();
  await nats?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** True when DuckDB's shared library is mapped into the aggregator's process. */
function duckDbMapped(): boolean {
  return readFileSync(`/proc/${aggregator.proc.pid}/maps`, "utf8").includes("libduckdb");
}

/** The aggregator's threads that run a Worker (Bun names them "Worker"). */
function workerThreads(): number {
  const tasks = `/proc/${aggregator.proc.pid}/task`;
  const names = readdirSync(tasks).map((t) => readFileSync(`${tasks}/${t}/comm`, "utf8").trim());
  return names.filter((name) => name === "Worker").length;
}

test("an aggregator without data has not loaded DuckDB nor started helper threads after its timers ran and a query", async () => {
  await Bun.sleep(1_500);
  const answer = await fetch(`${aggregator.url}/api/v1/query?query=up`);
  expect(answer.status).toBe(200);
  expect(duckDbMapped()).toBe(false);
  expect(workerThreads()).toBe(0);
});

test("the first flush that writes Parquet loads DuckDB", async () => {
  const now = Math.floor(Date.now() / 1_000) * 1_000;
  await publishBatch(nc, syntheticBatch(makeSeries(3), [now - 15_000, now]));
  await waitForAllAcked(nc);
  expect(duckDbMapped()).toBe(true);
  const answer = await fetch(`${aggregator.url}/api/v1/query?query=count(test_metric)`);
  expect(((await answer.json()) as { data: { result: unknown[] } }).data.result).toHaveLength(1);
});
