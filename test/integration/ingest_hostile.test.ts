/**
 * Forged batches published straight to OUTPOST_INGEST, as an adversary or a broken link would
 * send them, against a real aggregator process with a small `max_batch_bytes`: a lying lz4
 * size prefix, random bytes labelled lz4, lz4 and zstd bombs, 200 randomly mutated batches that
 * kept their checksum, a wrong checksum, and an old agent's batch without one, each between good
 * batches. Each bad one is dead-lettered with its reason, the good ones are stored, no mutated
 * batch is stored as garbage, and the aggregator's peak RSS grows by at most the limit plus a
 * small constant.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "nats";
import type { AggregatorConfig } from "../../aggregator/config/schema.ts";
import { checksumOf } from "../../shared/codec/checksum.ts";
import { compress } from "../../shared/codec/compress.ts";
import { lz4ClaimedSize } from "../../shared/codec/lz4.ts";
import { formatSeries } from "../../shared/model/labels.ts";
import {
  type AggregatorProcess,
  startAggregatorProcess,
  testAggregatorConfig,
} from "../harness/aggregator.ts";
import {
  lz4Bomb,
  mutate,
  peakRss,
  randomBytes,
  withLz4Prefix,
  zstdBomb,
} from "../harness/forge.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticRaw,
  syntheticValue,
  waitForAllAcked,
} from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { random } from "../harness/random.ts";
import { readStored } from "../harness/stored.ts";

const MiB = 1 << 20;
const LIMIT = 8 * MiB;
/** What the aggregator may hold beyond one batch of LIMIT while refusing forged ones. */
const SLACK = 64 * MiB;
const MUTANTS = 200;

const good = makeSeries(20, "good_metric");
const mutantSeries = makeSeries(20, "mutant_metric");
const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
const mutantStamps = [t0, t0 + 15_000];

let nats: NatsServerHandle;
let nc: NatsConnection;
let root: string;
let aggregator: AggregatorProcess;
let config: AggregatorConfig;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "outpost-hostile-"));
  nats = await startNatsServer();
  nc = await connectTo(nats.url);
  const c = await testAggregatorConfig({
    id: "a",
    natsUrl: nats.url,
    dataDir: join(root, "a"),
    storage: { type: "dir", path: join(root, "bucket") },
    maxBatchBytes: "8MiB",
  });
  config = c.config;
  aggregator = await startAggregatorProcess(c.path, c.config);
});

afterAll(async () => {
  await aggregator?.kill();
  await nc?.close();
  await nats?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Good batches published so far, by index: one scrape each, 15 s apart. */
let goods = 0;
const goodStamp = (b: number) => t0 + b * 15_000;

/** Publishes the next good batch, with its checksum as a current agent sends it. */
async function publishGood(): Promise<number> {
  const b = goods++;
  const raw = syntheticRaw(good, [goodStamp(b)]);
  return publishBatch(nc, compress("lz4", raw), { msgId: `good-${b}`, checksum: checksumOf(raw) });
}

/** The dead-letter reason of each parked batch, by its original stream sequence. */
async function deadLetters(): Promise<Map<number, string>> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info("OUTPOST_DEADLETTER");
  const out = new Map<number, string>();
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage("OUTPOST_DEADLETTER", { seq });
    out.set(Number(m.header.get("Outpost-Original-Seq")), m.subject.split(".").pop()!);
  }
  return out;
}

/** Counters of the aggregator's /metrics, by name with labels. */
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`${aggregator.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(outpost_ingest_\S+) (\S+)$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

describe("an aggregator fed forged batches", () => {
  test("dead-letters each with its reason, stores the good ones, and holds its memory", async () => {
    for (let i = 0; i < 3; i++) await publishGood();
    await waitForAllAcked(nc);
    const peakBefore = peakRss(aggregator.proc.pid);

    const goodRaw = syntheticRaw(good, [t0 - 15_000]);
    const goodPayload = compress("lz4", goodRaw);
    const rand = random(19);
    const noise = randomBytes(1024, rand);
    const forged: { name: string; payload: Uint8Array; codec: string; reason: string }[] = [
      {
        name: "lying lz4 prefix",
        payload: withLz4Prefix(goodPayload, 0xffffffff),
        codec: "lz4",
        reason: "size",
      },
      // The reason follows what its first four bytes happen to claim.
      {
        name: "random bytes as lz4",
        payload: noise,
        codec: "lz4",
        reason: lz4ClaimedSize(noise) > LIMIT ? "size" : "codec",
      },
      { name: "zstd bomb (2 GiB)", payload: zstdBomb(2 ** 31), codec: "zstd", reason: "size" },
      {
        name: "zstd bomb declaring 1 MiB",
        payload: zstdBomb(2 ** 31, MiB),
        codec: "zstd",
        reason: "codec",
      },
      { name: "lz4 bomb (64 MiB)", payload: lz4Bomb(64 * MiB), codec: "lz4", reason: "size" },
      {
        name: "lz4 bomb claiming 4 MiB",
        payload: withLz4Prefix(lz4Bomb(64 * MiB), 4 * MiB),
        codec: "lz4",
        reason: "codec",
      },
    ];
    const seqs = new Map<number, { name: string; reason: string }>();
    for (const f of forged) {
      const seq = await publishBatch(nc, f.payload, {
        codec: f.codec,
        msgId: f.name,
        checksum: checksumOf(goodRaw),
      });
      seqs.set(seq, f);
      await publishGood();
    }
    const wrong = await publishBatch(nc, goodPayload, {
      msgId: "wrong",
      checksum: "crc32=00000000",
    });
    seqs.set(wrong, { name: "wrong checksum", reason: "checksum" });
    await publishGood();
    // An agent older than checksums: no header, stored all the same.
    const oldRaw = syntheticRaw(good, [goodStamp(goods)]);
    await publishBatch(nc, compress("lz4", oldRaw), { msgId: `good-${goods++}` });
    await publishGood();

    const mutantRaw = syntheticRaw(mutantSeries, mutantStamps);
    const mutantPayload = compress("lz4", mutantRaw);
    const mutants = new Set<number>();
    for (let i = 0; i < MUTANTS; i++) {
      const payload = mutate(mutantPayload, rand);
      mutants.add(
        await publishBatch(nc, payload, { msgId: `mutant-${i}`, checksum: checksumOf(mutantRaw) }),
      );
      if (i % 20 === 19) await publishGood();
    }
    await waitForAllAcked(nc);

    const parked = await deadLetters();
    for (const [seq, f] of seqs)
      expect(`${f.name}: ${parked.get(seq)}`).toBe(`${f.name}: ${f.reason}`);
    const mutantReasons = [...mutants].filter((s) => parked.has(s)).map((s) => parked.get(s)!);
    for (const r of mutantReasons) expect(["codec", "size", "checksum", "decode"]).toContain(r);
    expect(parked.size).toBe(seqs.size + mutantReasons.length);
    // Most mutations are caught; the few accepted decompress to the original bytes (below).
    expect(mutantReasons.length).toBeGreaterThan(MUTANTS * 0.9);

    const metrics = await scrape();
    for (const reason of ["size", "codec", "checksum", "decode"]) {
      const n = [...parked.values()].filter((r) => r === reason).length;
      expect(
        metrics.get(`outpost_ingest_dead_lettered_batches_total{reason="${reason}"}`) ?? 0,
      ).toBe(n);
    }
    expect(metrics.get("outpost_ingest_batches_unchecked_total")).toBe(1);

    // Every good sample stored; a mutant stored only when it decoded to the original samples.
    const stored = await readStored(config);
    for (let i = 0; i < good.length; i++) {
      const samples = stored.samples.get(formatSeries(good[i].labels))!;
      expect(samples.size).toBe(goods);
      for (let b = 0; b < goods; b++)
        expect(samples.get(goodStamp(b))).toBe(syntheticValue(i, goodStamp(b)));
    }
    const expectedSeries = new Set([...good, ...mutantSeries].map((s) => formatSeries(s.labels)));
    for (const key of stored.samples.keys()) expect(expectedSeries).toContain(key);
    for (let i = 0; i < mutantSeries.length; i++) {
      const samples = stored.samples.get(formatSeries(mutantSeries[i].labels));
      if (!samples) continue;
      expect([...samples]).toEqual(mutantStamps.map((ts) => [ts, syntheticValue(i, ts)]));
    }

    const grown = peakRss(aggregator.proc.pid) - peakBefore;
    console.log(`aggregator peak RSS grew by ${(grown / MiB).toFixed(1)} MiB`);
    expect(grown).toBeLessThanOrEqual(LIMIT + SLACK);
  }, 60_000);
});
