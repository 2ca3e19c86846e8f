import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decompress } from "../../../shared/codec/compress.ts";
import { decodeBatch } from "../../../shared/codec/decode.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import { SampleBlock } from "../../../shared/model/block.ts";
import { pollUntil } from "../../../test/harness/poll.ts";
import { Batcher } from "./batcher.ts";
import { readWalFile, Wal } from "./wal.ts";

type Stored = { msgId: string; subject: string; payload: Uint8Array };

/** A batcher with a log under `dir` and an in-memory store; `dir` outlives it like a disk. */
function agentAt(dir: string, stored: Stored[] = []) {
  const registry = new Registry();
  const wal = new Wal({ dir: join(dir, "wal"), registry, maxFileBytes: 1 << 22 });
  const batcher = new Batcher({
    agentId: "a1",
    tenant: "t1",
    subjectPrefix: "outpost.ingest",
    maxSamples: 1000,
    maxBytes: 1 << 20,
    maxWaitMs: 60_000,
    codec: "lz4",
    store: {
      append: async (b) => void stored.push(b),
      has: (id) => stored.some((b) => b.msgId === id),
    },
    registry,
    wal,
  });
  return { batcher, stored, registry };
}

function scrape(seq: number, n = 5): SampleBlock {
  const b = new SampleBlock();
  for (let i = 0; i < n; i++) b.push({ labels: ["__name__", `m${i}`] }, seq * 1000, seq);
  return b;
}

function valuesOf(b: Stored): number[] {
  const { samples } = decodeBatch(decompress("lz4", b.payload, 1 << 26));
  return [...samples.values.subarray(0, samples.length)];
}
const walFiles = (dir: string) => readdirSync(join(dir, "wal"));

test("Batcher recovers the scrapes of a batch that a crash left open, under its message id", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-wal-"));
  const first = agentAt(dir);
  await first.batcher.recover();
  first.batcher.start();
  for (let s = 1; s <= 3; s++) first.batcher.consume(scrape(s));
  // kill -9: nothing is sealed, the batcher is simply gone.
  expect(first.stored).toEqual([]);
  expect(walFiles(dir)).toHaveLength(1);

  const second = agentAt(dir);
  await second.batcher.recover();
  expect(second.stored).toHaveLength(1);
  expect(second.stored[0].msgId).toMatch(/^a1-\d+-[0-9a-f]{16}-0$/);
  expect(second.stored[0].subject).toBe("outpost.ingest.t1.metrics.a1");
  expect(valuesOf(second.stored[0])).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
  expect(walFiles(dir)).toEqual([]);
  expect(second.registry.render()).toContain("outpost_agent_wal_recovered_samples_total 15");
});

test("Batcher deletes a batch's log file once the sealed batch is stored", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-wal-"));
  const a = agentAt(dir);
  await a.batcher.recover();
  a.batcher.consume(scrape(1, 600));
  a.batcher.consume(scrape(2, 600)); // seals the first batch at 1000 samples
  await pollUntil(
    () => a.stored.length === 1 && walFiles(dir).length === 1,
    "the first batch",
    2_000,
  ); // the open batch's
  await a.batcher.flush();
  await pollUntil(
    () => a.stored.length === 2 && walFiles(dir).length === 0,
    "the log deleted",
    2_000,
  );
});

test("Batcher does not spool a recovered batch again when the spool already holds its id", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-wal-"));
  const first = agentAt(dir);
  await first.batcher.recover();
  first.batcher.consume(scrape(1));
  const file = join(dir, "wal", walFiles(dir)[0]);
  // A crash between the spool's write and the log file's deletion. The id is the one in the
  // file's head (the log's file names carry the log's own epoch, not the batch's).
  const { msgId } = await readWalFile(file, 1 << 22);
  const second = agentAt(dir, [{ msgId, subject: "s", payload: new Uint8Array() }]);
  await second.batcher.recover();
  expect(second.stored).toHaveLength(1);
  expect(existsSync(file)).toBe(false);
});

test("Batcher keeps the records before a torn last record and counts the damage", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-wal-"));
  const first = agentAt(dir);
  await first.batcher.recover();
  for (let s = 1; s <= 3; s++) first.batcher.consume(scrape(s));
  const file = join(dir, "wal", walFiles(dir)[0]);
  truncateSync(file, statSync(file).size - 4);
  const second = agentAt(dir);
  await second.batcher.recover();
  expect(valuesOf(second.stored[0])).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  expect(second.registry.render()).toContain("outpost_agent_wal_damaged_total 1");
});

test("Wal deletes a file whose head is damaged, counts it and recovers the others", async () => {
  const dir = mkdtempSync(join(tmpdir(), "outpost-wal-"));
  const first = agentAt(dir);
  await first.batcher.recover();
  first.batcher.consume(scrape(1));
  await Bun.write(join(dir, "wal", "1-0.wal"), "garbage that is not a log file");
  const second = agentAt(dir);
  await second.batcher.recover();
  expect(second.stored).toHaveLength(1);
  expect(walFiles(dir)).toEqual([]);
  expect(second.registry.render()).toContain("outpost_agent_wal_damaged_total 1");
});
