import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type JsMsg, type NatsConnection } from "nats";
import { Registry } from "../../../shared/metrics/registry.ts";
import { type NatsServerHandle, startNatsServer } from "../../../test/harness/nats.ts";
import { freePort } from "../../../test/harness/ports.ts";
import type { NatsConfig } from "../../config/schema.ts";
import { Publisher } from "./publisher.ts";
import { type Batch, Spool } from "./spool.ts";

const STREAM = "OUTPOST_TEST";

/** Everything one test started, stopped in reverse order after it (and after all, as a net). */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
}
afterEach(cleanUp);
afterAll(cleanUp);

async function server(opts: { port?: number } = {}): Promise<NatsServerHandle> {
  const s = await startNatsServer(opts);
  // Servers go last, so the publishers stop while their server is still there.
  cleanups.unshift(() => s.dispose());
  return s;
}

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "outpost-publisher-"));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

function natsConfig(url: string, o: Partial<NatsConfig> = {}): NatsConfig {
  return {
    url: [url],
    stream: STREAM,
    subject_prefix: "outpost.ingest",
    stream_max_age: 3_600_000,
    stream_max_bytes: 64 << 20,
    duplicate_window: 600_000,
    publish_timeout: 1_000,
    max_in_flight: 8,
    ...o,
  };
}

interface Agent {
  spool: Spool;
  publisher: Publisher;
  registry: Registry;
}

/** A spool on `dir` and a publisher delivering it to `url`, started. */
async function agent(url: string, dir: string, maxBytes = 16 << 20): Promise<Agent> {
  const registry = new Registry();
  const spool = new Spool({ dir, maxBytes, registry, fsync: false });
  await spool.open();
  const publisher = new Publisher({
    nats: natsConfig(url),
    spool,
    registry,
    backoffMs: { min: 20, max: 300 },
    reconnectWaitMs: 100,
    stopTimeoutMs: 1_000,
  });
  publisher.start();
  cleanups.push(() => publisher.stop());
  return { spool, publisher, registry };
}

function batch(i: number, size = 64): Batch {
  return {
    msgId: `agent-1700000000000-${i}`,
    subject: "outpost.ingest.t1.metrics.agent",
    headers: { "Outpost-Codec": "lz4", "Outpost-Schema": "ingest.v1" },
    payload: new Uint8Array(size).map((_, j) => (i * 31 + j) % 256),
  };
}

function metric(registry: Registry, name: string): number {
  const line = registry
    .render()
    .split("\n")
    .find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await Bun.sleep(20);
  }
}

async function client(url: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url });
  cleanups.push(() => nc.close());
  return nc;
}

/** Every message in the stream, read with an ordered JetStream consumer. */
async function readStream(url: string): Promise<JsMsg[]> {
  const nc = await client(url);
  const jsm = await nc.jetstreamManager();
  const total = (await jsm.streams.info(STREAM)).state.messages;
  const out: JsMsg[] = [];
  if (total === 0) return out;
  const consumer = await nc.jetstream().consumers.get(STREAM);
  const messages = await consumer.fetch({ max_messages: total, expires: 5_000 });
  for await (const m of messages) {
    out.push(m);
    if (out.length === total) break;
  }
  return out;
}

const ids = (msgs: JsMsg[]) => msgs.map((m) => m.headers?.get("Nats-Msg-Id") ?? "");
const idsOf = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => batch(from + k).msgId);

describe("Publisher against a real nats-server", () => {
  test("publishes spooled batches that a consumer reads back in order with headers intact", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    const sent = Array.from({ length: 200 }, (_, i) => batch(i, 50 + i));
    for (const b of sent) await a.spool.append(b);
    await until("the spool is empty", () => a.spool.count === 0);

    const got = await readStream(nats.url);
    expect(ids(got)).toEqual(sent.map((b) => b.msgId));
    got.forEach((m, i) => {
      expect(m.subject).toBe(sent[i].subject);
      expect(m.headers?.get("Outpost-Codec")).toBe("lz4");
      expect(m.headers?.get("Outpost-Schema")).toBe("ingest.v1");
      expect(m.data).toEqual(sent[i].payload);
    });
    const bytes = sent.reduce((n, b) => n + b.payload.length, 0);
    expect(metric(a.registry, "outpost_agent_nats_published_batches_total")).toBe(200);
    expect(metric(a.registry, "outpost_agent_nats_published_bytes_total")).toBe(bytes);
    expect(metric(a.registry, "outpost_agent_nats_publish_duration_seconds_count")).toBe(200);
    expect(metric(a.registry, "outpost_agent_nats_connected")).toBe(1);
  });

  test("a batch re-sent with a message id JetStream has stored is dropped by JetStream and counted", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    await a.spool.append(batch(1));
    await until("the first copy is acknowledged", () => a.spool.count === 0);
    await a.spool.append({ ...batch(1), payload: new Uint8Array([9, 9, 9]) });
    await until("the second copy is acknowledged", () => a.spool.count === 0);

    const got = await readStream(nats.url);
    expect(ids(got)).toEqual([batch(1).msgId]);
    expect(got[0].data).toEqual(batch(1).payload);
    expect(metric(a.registry, "outpost_agent_nats_duplicate_batches_total")).toBe(1);
  });

  test("nats-server killed for 5 s while batches are appended: after its restart every batch arrives exactly once", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    let appended = 0;
    const append = async (ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; await Bun.sleep(25)) {
        await a.spool.append(batch(appended++));
      }
    };
    await append(500);
    await nats.kill();
    await until(
      "the publisher sees the loss",
      () => metric(a.registry, "outpost_agent_nats_connected") === 0,
    );
    await append(5_000);
    expect(a.spool.count).toBeGreaterThan(100);
    await nats.restart();
    await append(500);
    await until("the spool is empty", () => a.spool.count === 0, 15_000);

    const got = ids(await readStream(nats.url));
    expect([...got].sort()).toEqual(idsOf(0, appended).sort());
    // Order holds except within one in-flight window around a failure.
    const position = new Map(got.map((id, i) => [id, i]));
    idsOf(0, appended).forEach((id, i) => {
      expect(Math.abs(position.get(id)! - i)).toBeLessThanOrEqual(8);
    });
    expect(metric(a.registry, "outpost_agent_nats_connected")).toBe(1);
  }, 30_000);

  test("publishes refused for lack of a stream are retried with the same ids until one captures them", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    // The publisher makes a stream for `outpost.ingest.>`; these batches fall outside it.
    const stray = (i: number): Batch => ({ ...batch(i), subject: `stray.${i}` });
    for (let i = 0; i < 20; i++) await a.spool.append(stray(i));
    await until(
      "publishes fail",
      () => metric(a.registry, "outpost_agent_nats_publish_errors_total") >= 16,
    );
    expect(a.spool.count).toBe(20);
    const jsm = await (await client(nats.url)).jetstreamManager();
    await jsm.streams.add({ name: "STRAY", subjects: ["stray.>"], duplicate_window: 600e9 });
    await until("the spool is empty", () => a.spool.count === 0);

    const nc = await client(nats.url);
    const c = await nc.jetstream().consumers.get("STRAY");
    const got: string[] = [];
    for await (const m of await c.fetch({ max_messages: 20, expires: 5_000 })) {
      got.push(m.headers?.get("Nats-Msg-Id") ?? "");
      if (got.length === 20) break;
    }
    expect(got).toEqual(idsOf(0, 20));
  });

  test("PubAcks lost to a frozen server: batches are re-sent and JetStream stores each once", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    await a.spool.append(batch(0));
    await until("the stream exists", () => a.spool.count === 0);
    await nats.pause();
    for (let i = 1; i < 30; i++) await a.spool.append(batch(i));
    await until(
      "publishes time out",
      () => metric(a.registry, "outpost_agent_nats_publish_errors_total") >= 8,
    );
    nats.resume();
    await until("the spool is empty", () => a.spool.count === 0);

    const got = ids(await readStream(nats.url));
    expect([...got].sort()).toEqual(idsOf(0, 30).sort());
    expect(metric(a.registry, "outpost_agent_nats_duplicate_batches_total")).toBeGreaterThan(0);
  });

  test("a batch over the server's max_payload is dropped and counted, and the rest still flows", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    await a.spool.append(batch(0));
    await a.spool.append(batch(1, 2 << 20));
    await a.spool.append(batch(2));
    await until("the spool is empty", () => a.spool.count === 0);
    expect(ids(await readStream(nats.url))).toEqual([batch(0).msgId, batch(2).msgId]);
    expect(metric(a.registry, "outpost_agent_nats_rejected_batches_total")).toBe(1);
  });

  test("NATS down when the publisher starts: batches are delivered once it comes up", async () => {
    const port = await freePort();
    const a = await agent(`nats://127.0.0.1:${port}`, await tempDir());
    for (let i = 0; i < 20; i++) await a.spool.append(batch(i));
    await Bun.sleep(500);
    expect(a.spool.count).toBe(20);
    const nats = await server({ port });
    await until("the spool is empty", () => a.spool.count === 0);
    expect(ids(await readStream(nats.url))).toEqual(idsOf(0, 20));
  });

  test("a full spool while NATS is away drops the oldest batches, counts them and delivers the rest", async () => {
    const port = await freePort();
    const probe = new Spool({ dir: await tempDir(), maxBytes: 1 << 20, registry: new Registry() });
    await probe.open();
    // Ids of the same length make every file the same size.
    await probe.append(batch(99, 1000));
    const a = await agent(`nats://127.0.0.1:${port}`, await tempDir(), probe.bytes * 5);
    for (let i = 10; i < 30; i++) await a.spool.append(batch(i, 1000));
    const nats = await server({ port });
    await until("the spool is empty", () => a.spool.count === 0);

    expect(ids(await readStream(nats.url))).toEqual(idsOf(25, 30));
    expect(metric(a.registry, "outpost_agent_spool_dropped_batches_total")).toBe(15);
    expect(metric(a.registry, "outpost_agent_spool_dropped_bytes_total")).toBe(15 * probe.bytes);
  });

  test("a corrupt spool file is set aside and counted while the rest is delivered", async () => {
    const nats = await server();
    const dir = await tempDir();
    const before = new Spool({ dir, maxBytes: 1 << 20, registry: new Registry() });
    await before.open();
    for (let i = 0; i < 6; i++) await before.append(batch(i, 500));
    const victim = join(dir, "0000000000000002.batch");
    const bytes = new Uint8Array(await readFile(victim));
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(victim, bytes);

    const a = await agent(nats.url, dir);
    await until("the spool is empty", () => a.spool.count === 0);
    expect(ids(await readStream(nats.url))).toEqual(idsOf(0, 6).filter((_, i) => i !== 2));
    expect(metric(a.registry, "outpost_agent_spool_corrupt_batches_total")).toBe(1);
  });

  test("an agent restarted on its spool re-publishes what is left with the same ids, and JetStream keeps one copy", async () => {
    const nats = await server();
    const dir = await tempDir();
    const crashed = new Spool({ dir, maxBytes: 1 << 20, registry: new Registry() });
    await crashed.open();
    for (let i = 0; i < 10; i++) await crashed.append(batch(i));
    // The crash came after JetStream acknowledged the first four but before their files were deleted.
    const js = (await client(nats.url)).jetstream();
    const jsm = await (await client(nats.url)).jetstreamManager();
    await jsm.streams.add({
      name: STREAM,
      subjects: ["outpost.ingest.>"],
      duplicate_window: 600e9,
    });
    for (let i = 0; i < 4; i++)
      await js.publish(batch(i).subject, batch(i).payload, { msgID: batch(i).msgId });

    const a = await agent(nats.url, dir);
    await until("the spool is empty", () => a.spool.count === 0);
    expect(ids(await readStream(nats.url))).toEqual(idsOf(0, 10));
    expect(metric(a.registry, "outpost_agent_nats_duplicate_batches_total")).toBe(4);
  });

  test("a batch appended while the publisher is idle is delivered promptly", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    await a.spool.append(batch(0));
    await until("the first batch is delivered", () => a.spool.count === 0);
    await Bun.sleep(1_000);
    const appended = performance.now();
    await a.spool.append(batch(1));
    await until("the second batch is delivered", () => a.spool.count === 0);
    // Not a retry's backoff nor a poll: the idle publisher has no timer to wait for, so a
    // missed wake-up would never deliver. The bound leaves a loaded machine its seconds.
    expect(performance.now() - appended).toBeLessThan(2_000);
  });

  test("stop() gives up on PubAcks from a server that stopped answering within its bounds", async () => {
    const nats = await server();
    const a = await agent(nats.url, await tempDir());
    await a.spool.append(batch(0));
    await until("the stream exists", () => a.spool.count === 0);
    await nats.pause();
    await a.spool.append(batch(1));
    await Bun.sleep(100);
    const started = performance.now();
    await a.publisher.stop();
    // 1 s for the PubAck, 2 s for the drain, then close.
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(a.spool.count).toBe(1);
    nats.resume();
  });

  test("stop() returns promptly when NATS has never been reachable", async () => {
    const a = await agent(`nats://127.0.0.1:${await freePort()}`, await tempDir());
    await a.spool.append(batch(1));
    await Bun.sleep(300);
    const started = performance.now();
    await a.publisher.stop();
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(a.spool.count).toBe(1);
  });
});
