/**
 * Exactly-once for logs under crashes: an aggregator (a child process) is killed with SIGKILL
 * after a logs flush uploaded its file but before the commit, and after the commit but before
 * the acknowledgements. After a restart, the bucket holds every published line exactly once.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "nats";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  testAggregatorConfig,
} from "../harness/aggregator.ts";
import { connectTo, publishBatch, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { readStoredLogs } from "../harness/stored.ts";

const LINES = 500;
const streams = ["app", "db"].map((job) =>
  labelsFromRecord({ job, filename: `/var/log/${job}.log` }),
);

let nats: NatsServerHandle;
let nc: NatsConnection;
let root: string;
const running: AggregatorProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "outpost-logs-crash-"));
  nats = await startNatsServer();
  nc = await connectTo(nats.url);
});

afterEach(async () => {
  for (const p of running.splice(0)) await p.kill();
  await nc.close();
  await nats.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Publishes log batches [from, to) of LINES lines each, times from t0 (ns). */
async function publish(from: number, to: number, t0: bigint): Promise<void> {
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
  for (const point of ["logs-flush-uploaded", "logs-flush-committed"]) {
    test(`loses and duplicates no line when killed at ${point}`, async () => {
      const c = await testAggregatorConfig({
        id: "a",
        natsUrl: nats.url,
        dataDir: join(root, "a"),
        storage: { type: "dir", path: join(root, "bucket") },
      });
      const t0 = BigInt(Date.now() - 600_000) * 1_000_000n;
      const crashing = await startAggregatorProcess(c.path, c.config, { OUTPOST_FAILPOINT: point });
      running.push(crashing);
      await publish(0, 6, t0);
      await Promise.race([
        crashing.proc.exited,
        Bun.sleep(20_000).then(() => {
          throw new Error("the aggregator did not reach its failpoint");
        }),
      ]);
      const again = await startAggregatorProcess(c.path, c.config);
      running.push(again);
      await publish(6, 8, t0);
      await waitForAllAcked(nc, 30_000);
      await again.stop();
      const stored = await readStoredLogs(c.config);
      expect(stored.length).toBe(8 * LINES);
      expect(new Set(stored).size).toBe(8 * LINES);
    }, 60_000);
  }
});
