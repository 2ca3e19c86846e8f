import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHECKSUM_HEADER, verifyChecksum } from "../../../shared/codec/checksum.ts";
import { decompress } from "../../../shared/codec/compress.ts";
import { decodeBatch } from "../../../shared/codec/decode.ts";
import { Registry } from "../../../shared/metrics/registry.ts";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import type { LogRecord } from "../../../shared/model/log.ts";
import { LOG_OFFSETS_HEADER, LogBatcher } from "./log_batcher.ts";
import { Spool } from "./spool.ts";

const labels = labelsFromRecord({ job: "app", filename: "/var/log/app.log" });
const records = (n: number, from = 0): LogRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    timeNs: 1_763_700_000_000_000_000n + BigInt(from + i),
    labels,
    line: `line ${from + i}`,
    fields: [],
  }));

async function setup(dir = mkdtempSync(join(tmpdir(), "outpost-logbatch-")), maxRecords = 100) {
  const registry = new Registry();
  const spool = new Spool({ dir, maxBytes: 1 << 24, registry, fsync: false });
  await spool.open();
  const batcher = new LogBatcher({
    agentId: "a1",
    tenant: "t1",
    subjectPrefix: "outpost.ingest",
    maxRecords,
    maxBytes: 1 << 20,
    maxWaitMs: 60_000,
    codec: "lz4",
    spool,
    registry,
    stateDir: dir,
  });
  batcher.start();
  return { dir, spool, batcher };
}

const settled = async (p: Promise<void>) =>
  Promise.race([p.then(() => true), Bun.sleep(20).then(() => false)]);

describe("LogBatcher", () => {
  test("spools log batches on the logs subject with the offsets they hold", async () => {
    const { spool, batcher } = await setup();
    void batcher.pushLogs(records(60), { file: "f1", offset: 600 });
    void batcher.pushLogs(records(60, 60), { file: "f1", offset: 1200 });
    await batcher.flush();
    const entries = [...spool.entries()];
    expect(entries.length).toBe(1);
    expect(entries[0].subject).toBe("outpost.ingest.t1.logs.a1");
    expect(JSON.parse(entries[0].headers[LOG_OFFSETS_HEADER])).toEqual({ f1: 1200 });
    const payload = (await spool.read(entries[0]))!;
    const raw = decompress("lz4", payload, 1 << 24);
    expect(() => verifyChecksum(entries[0].headers[CHECKSUM_HEADER], raw)).not.toThrow();
    const batch = decodeBatch(raw);
    expect(batch.logs?.lines).toEqual(records(120).map((r) => r.line));
  });

  test("a push settles only when its batch leaves the spool", async () => {
    const { spool, batcher } = await setup();
    const delivered = batcher.pushLogs(records(10), { file: "f1", offset: 100 });
    await batcher.flush();
    expect(await settled(delivered)).toBe(false);
    const [entry] = [...spool.entries()];
    await spool.remove(entry.msgId);
    expect(await settled(delivered)).toBe(true);
  });

  test("offsets without records settle after the batches sealed before them", async () => {
    const { spool, batcher } = await setup();
    const first = batcher.pushLogs(records(5), { file: "f1", offset: 50 });
    await batcher.flush();
    const dropped = batcher.pushLogs([], { file: "f1", offset: 90 });
    await batcher.flush();
    expect(await settled(dropped)).toBe(false);
    await spool.remove([...spool.entries()][0].msgId);
    expect(await settled(first)).toBe(true);
    expect(await settled(dropped)).toBe(true);
  });

  test("a restarted batcher reports the spooled batches of the earlier run", async () => {
    const first = await setup();
    void first.batcher.pushLogs(records(5), { file: "f1", offset: 50 });
    await first.batcher.flush();
    void first.batcher.pushLogs(records(5, 5), { file: "f2", offset: 70 });
    await first.batcher.stop();
    // A second spool on the same directory after the first is gone (the lock is per process).
    const second = await setup(first.dir);
    const pending = second.batcher.pendingLogs();
    expect(pending.map((p) => Object.fromEntries(p.offsets))).toEqual([{ f1: 50 }, { f2: 70 }]);
    const [e1] = [...second.spool.entries()];
    await second.spool.remove(e1.msgId);
    expect(await settled(pending[0].delivered)).toBe(true);
    expect(await settled(pending[1].delivered)).toBe(false);
  });

  test("offsets of delivered batches survive a restart even when the spool no longer holds them", async () => {
    const first = await setup();
    void first.batcher.pushLogs(records(5), { file: "f1", offset: 50 });
    await first.batcher.flush();
    await first.spool.remove([...first.spool.entries()][0].msgId);
    // No stop(): as after kill -9.
    const second = await setup(first.dir);
    const [done] = second.batcher.pendingLogs();
    expect(Object.fromEntries(done.offsets)).toEqual({ f1: 50 });
    expect(await settled(done.delivered)).toBe(true);
  });
});

test("records 26 days or more apart go in separate batches that both decode", async () => {
  const { spool, batcher } = await setup();
  const old = { ...records(1)[0], timeNs: 1_600_000_000_000_000_000n, line: "old" };
  const delivered = batcher.pushLogs([old, ...records(2)], { file: "f1", offset: 30 });
  await batcher.flush();
  const entries = [...spool.entries()];
  expect(entries.length).toBe(2);
  const lines = [];
  for (const e of entries) {
    const batch = decodeBatch(decompress("lz4", (await spool.read(e))!, 1 << 24));
    lines.push(...batch.logs!.lines);
  }
  expect(lines).toEqual(["old", "line 0", "line 1"]);
  await spool.remove(entries[1].msgId);
  expect(await settled(delivered)).toBe(false);
  await spool.remove(entries[0].msgId);
  expect(await settled(delivered)).toBe(true);
});
