/**
 * A KV watch outlives the end nats.js gives it: when the ordered consumer behind a watch cannot
 * be recreated (here its stream is deleted), nats.js ends the watch with an error. Left there,
 * every mirror of a bucket (the auth tokens, silences, shared alerts) would go stale for good —
 * a token revoked on another aggregator would stay valid. natsKeyValue() watches again and
 * tells the watcher which keys the bucket no longer holds.
 */
import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { connect, type NatsConnection } from "nats";
import { type KeyValueStore, natsKeyValue } from "../../aggregator/ingest/kv.ts";
import { KvMirror } from "../../aggregator/ingest/kv_mirror.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { pollUntil } from "../harness/poll.ts";

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});

afterAll(async () => {
  await nc.close();
  await server.dispose();
});

const bytes = (s: string) => new TextEncoder().encode(s);

/** Watches `kv`, keeping each key's value as text; `readies()` counts the replays finished. */
async function watchValues(kv: KeyValueStore) {
  const seen = new Map<string, string>();
  let readies = 0;
  const stop = await kv.watch({
    change: (c) =>
      c.value === null ? seen.delete(c.key) : seen.set(c.key, new TextDecoder().decode(c.value)),
    ready: () => readies++,
  });
  return { seen, readies: () => readies, stop };
}

test("a watch that nats.js ends (its stream deleted) watches again and drops what is gone", async () => {
  // The check for a stream made again often: the mirror's own watch may make it again first.
  const kv = natsKeyValue(nc, "TEST_WATCH", { streamCheckMs: 500 });
  await kv.put("a", bytes("1"));
  await kv.put("b", bytes("1"));
  // A mirror's revisions (of its deletes above all) are of the stream about to be lost.
  const mirror = new KvMirror(natsKeyValue(nc, "TEST_WATCH"), "TEST_WATCH", {
    decode: (b) => new TextDecoder().decode(b),
    encode: bytes,
    component: "test",
  });
  await mirror.start();
  for (const key of ["bob", "zed"]) {
    await mirror.put(key, "old");
    await mirror.delete(key);
  }
  const { seen, readies, stop } = await watchValues(kv);
  await pollUntil(() => readies() === 1, "the first replay", 5_000);
  expect([...seen.keys()].sort()).toEqual(["a", "b"]);

  const stderr = spyOn(process.stderr, "write");
  const logged = (text: string) => stderr.mock.calls.some((c) => String(c[0]).includes(text));
  try {
    await (await nc.jetstreamManager()).streams.delete("KV_TEST_WATCH");
    // nats.js notices after two missed 5 s heartbeats, fails to recreate the consumer, and ends.
    await pollUntil(() => logged("A KV watch ended"), "the watch to end", 30_000);
    // The bucket made again (by another aggregator, say) with other values.
    const other = await connect({ servers: server.url });
    try {
      const again = await other.jetstream().views.kv("TEST_WATCH");
      await again.put("c", bytes("2"));
      await again.put("bob", bytes("new")); // numbered from 1 again: below bob's old delete
    } finally {
      await other.close();
    }
    // Two watches of the bucket (the mirror's too) start again and may race to make it again:
    // the loser backs off (kv.ts `retry`), which a loaded machine stretches.
    await pollUntil(() => readies() === 2, "the new replay", 30_000);
    await pollUntil(
      () => !seen.has("a") && !seen.has("b"),
      "the keys lost with the stream dropped",
      5_000,
    );
  } finally {
    stderr.mockRestore();
  }
  expect([...seen.entries()].sort()).toEqual([
    ["bob", "new"],
    ["c", "2"],
  ]);
  await kv.put("d", bytes("3"));
  await pollUntil(() => seen.get("d") === "3", "a change after the new watch", 5_000);
  stop();
  // The mirror forgot the lost stream's revisions: the new values and its own writes count.
  await pollUntil(() => mirror.entries.get("bob") === "new", "bob written again", 15_000);
  await mirror.put("zed", "new");
  expect(mirror.entries.get("zed")).toBe("new");
  mirror.stop();
}, 90_000);

test("a bucket's stream deleted and made again before nats.js notices is watched anew", async () => {
  // Another watch of the bucket (here, or on another aggregator) makes it again at once; nats.js
  // would follow the new stream from the old one's sequence and miss every value below it.
  const kv = natsKeyValue(nc, "TEST_REMADE", { streamCheckMs: 300 });
  for (const key of ["a", "b", "c"]) await kv.put(key, bytes("1"));
  const { seen, readies, stop } = await watchValues(kv);
  await pollUntil(() => readies() === 1, "the first replay", 5_000);
  const stderr = spyOn(process.stderr, "write");
  const logged = (text: string) => stderr.mock.calls.some((c) => String(c[0]).includes(text));
  try {
    await (await nc.jetstreamManager()).streams.delete("KV_TEST_REMADE");
    const other = await connect({ servers: server.url });
    try {
      await (await other.jetstream().views.kv("TEST_REMADE")).put("d", bytes("2"));
    } finally {
      await other.close();
    }
    await pollUntil(() => readies() === 2, "the new stream's replay", 10_000);
    expect(logged("stream was made again")).toBe(true);
  } finally {
    stderr.mockRestore();
  }
  expect([...seen.entries()]).toEqual([["d", "2"]]);
  await kv.put("e", bytes("3"));
  await pollUntil(() => seen.get("e") === "3", "a change after the new watch", 5_000);
  stop();
});

test("a watch whose connection drains ends quietly, without watching again", async () => {
  const own = await connect({ servers: server.url });
  const kv = natsKeyValue(own, "TEST_DRAIN");
  await kv.put("a", bytes("1"));
  let readies = 0;
  await kv.watch({ change() {}, ready: () => readies++ });
  await pollUntil(() => readies === 1, "the replay", 5_000);
  const stderr = spyOn(process.stderr, "write");
  try {
    await own.drain();
    await Bun.sleep(300);
    expect(
      stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("component=kv")),
    ).toEqual([]);
  } finally {
    stderr.mockRestore();
  }
});

test("a watcher that throws on one change keeps being called with the next", async () => {
  const kv = natsKeyValue(nc, "TEST_THROWS");
  const seen: string[] = [];
  let readies = 0;
  const stderr = spyOn(process.stderr, "write");
  try {
    const stop = await kv.watch({
      change: (c) => {
        if (c.key === "bad") throw new Error("cannot read it");
        seen.push(c.key);
      },
      ready: () => readies++,
    });
    await kv.put("bad", bytes("1"));
    await kv.put("good", bytes("1"));
    await pollUntil(() => seen.includes("good"), "the change after the one that threw", 5_000);
    expect(readies).toBe(1);
    const lines = stderr.mock.calls
      .map((c) => String(c[0]))
      .filter((l) => l.includes("component=kv"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("Cannot apply a change from a KV watch");
    stop();
  } finally {
    stderr.mockRestore();
  }
});

test("ready() comes after every value the bucket held, however fast they came", async () => {
  // The mirrors (the notification log's load above all) count on ready() meaning every value
  // was passed on. nats.js calls its initializedFn ahead of the values when all had come before
  // watch() returned, which natsKeyValue() puts back in order; that timing was not seen here
  // (not with 3 values either), so this holds the usual path, the code the other.

  const kv = natsKeyValue(nc, "TEST_READY");
  for (let i = 0; i < 300; i++) await kv.put(`k${i}`, bytes(String(i)));
  for (let round = 0; round < 10; round++) {
    let values = 0;
    let atReady = -1;
    const stop = await kv.watch({
      change: () => values++,
      ready: () => {
        atReady = values;
      },
    });
    await pollUntil(() => atReady >= 0, "the replay", 5_000);
    expect(atReady).toBe(300);
    stop();
  }
});
