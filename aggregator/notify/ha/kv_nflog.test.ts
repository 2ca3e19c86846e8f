import { describe, expect, test } from "bun:test";
import { MemoryKeyValueStore } from "../../ingest/kv_memory.ts";
import { KvNotificationLog, nflogKey } from "./kv_nflog.ts";

const GROUP = '{}/{severity="critical"}:{alertname="X"}';
const entry = (timestamp: number) => ({ firing: ["a", "b"], resolved: ["c"], timestamp });

function setup() {
  let now = 1_000;
  const kv = new MemoryKeyValueStore();
  const log = new KvNotificationLog(kv, "default", () => now);
  return { kv, log, setNow: (t: number) => (now = t) };
}

describe("KvNotificationLog", () => {
  test("get() reads what log() wrote, per integration and group", async () => {
    const { log } = setup();
    await log.log("r/webhook/0", GROUP, entry(900), 10_000);
    expect(await log.get("r/webhook/0", GROUP)).toEqual(entry(900));
    expect(await log.get("r/webhook/1", GROUP)).toBeUndefined();
    expect(await log.get("r/webhook/0", "{}:{}")).toBeUndefined();
  });

  test("a second log instance on the same store sees the first one's entries", async () => {
    const { kv, log } = setup();
    await log.log("r/webhook/0", GROUP, entry(900), 10_000);
    const other = new KvNotificationLog(kv, "default", () => 1_000);
    expect(await other.get("r/webhook/0", GROUP)).toEqual(entry(900));
    expect(await new KvNotificationLog(kv, "other").get("r/webhook/0", GROUP)).toBeUndefined();
  });

  test("an entry past its retention is not read, and collect() deletes it", async () => {
    const { kv, log, setNow } = setup();
    await log.log("r/webhook/0", GROUP, entry(900), 1_000);
    await log.log("r/webhook/0", "{}:{}", entry(900), 5_000);
    setNow(2_000);
    expect(await log.get("r/webhook/0", GROUP)).toBeUndefined();
    expect(await log.collect()).toBe(1);
    expect(await kv.keys()).toEqual([nflogKey("default", "r/webhook/0", "{}:{}")]);
  });

  test("collect() keeps an entry logged again between its read and its delete", async () => {
    let now = 2_000;
    const kv = new MemoryKeyValueStore();
    const log = new KvNotificationLog(kv, "default", () => now);
    await log.log("r/webhook/0", GROUP, entry(900), 1_000); // expired at 1,900
    // The holder (this one, or the one that took over) flushes the group as collect() reads.
    const flush = () => log.log("r/webhook/0", GROUP, entry(2_000), 10_000);
    let flushed = false;
    const once = async <T>(read: Promise<T>) => {
      const value = await read;
      if (!flushed) await flush();
      flushed = true;
      return value;
    };
    const { get, entry: read } = kv;
    kv.get = (key) => once(get.call(kv, key));
    kv.entry = (key) => once(read.call(kv, key));
    expect(await log.collect()).toBe(0);
    now = 3_000;
    expect(await new KvNotificationLog(kv, "default", () => now).get("r/webhook/0", GROUP)).toEqual(
      entry(2_000),
    );
  });

  test("keys are valid NATS KV keys whatever the group key holds", () => {
    expect(nflogKey("default", "r x/webhook/0", 'a="\xff*>"')).toMatch(/^[-/_=.a-zA-Z0-9]+$/);
  });

  describe("while held, it answers from memory as the reference does", () => {
    /** A store that counts its reads. */
    function counting() {
      const kv = new MemoryKeyValueStore();
      let reads = 0;
      const get = kv.get.bind(kv);
      kv.get = (key: string) => {
        reads++;
        return get(key);
      };
      return { kv, reads: () => reads };
    }

    test("the same answers as the reference for a sequence of reads, writes and collections", async () => {
      let now = 1_000;
      const fast = new KvNotificationLog(new MemoryKeyValueStore(), "default", () => now);
      const ref = new KvNotificationLog(new MemoryKeyValueStore(), "default", () => now, {
        reference: true,
      });
      await fast.hold();
      await ref.hold();
      const groups = [GROUP, "{}:{}", '{}:{job="a"}'];
      for (let step = 0; step < 60; step++) {
        now += 400;
        const group = groups[step % 3] as string;
        const integration = `r/webhook/${step % 2}`;
        if (step % 4 === 0) {
          for (const l of [fast, ref]) await l.log(integration, group, entry(now), 2_000);
        }
        if (step % 7 === 0) expect(await fast.collect()).toBe(await ref.collect());
        for (const g of groups)
          for (const i of ["r/webhook/0", "r/webhook/1"])
            expect(await fast.get(i, g)).toEqual(await ref.get(i, g));
      }
    });

    test("holding loads the tenant's entries: no read after, a write is remembered", async () => {
      const { kv, reads } = counting();
      const before = new KvNotificationLog(kv, "default", () => 1_000);
      await before.log("r/webhook/0", GROUP, entry(900), 10_000);
      await new KvNotificationLog(kv, "other").log("r/webhook/0", GROUP, entry(800), 10_000);
      const log = new KvNotificationLog(kv, "default", () => 1_000);
      await log.hold();
      expect(await log.get("r/webhook/0", GROUP)).toEqual(entry(900));
      expect(await log.get("r/webhook/1", GROUP)).toBeUndefined();
      await log.log("r/webhook/1", GROUP, entry(950), 10_000);
      expect(await log.get("r/webhook/1", GROUP)).toEqual(entry(950));
      expect(reads()).toBe(0);
    });

    test("values that come after the watch started, as NATS delivers them, are loaded", async () => {
      const { kv, reads } = counting();
      await new KvNotificationLog(kv, "other").log("r/webhook/0", GROUP, entry(800), 10_000);
      await new KvNotificationLog(kv, "default").log("r/webhook/0", GROUP, entry(900), 10_000);
      const watch = kv.watch.bind(kv);
      kv.watch = async (w) => {
        await Bun.sleep(5);
        return watch({
          change: (c) => void Bun.sleep(5).then(() => w.change(c)),
          ready: () => void Bun.sleep(20).then(() => w.ready()),
        });
      };
      const log = new KvNotificationLog(kv, "default", () => 1_000);
      await log.hold();
      expect(await log.get("r/webhook/0", GROUP)).toEqual(entry(900));
      expect(await log.get("r/webhook/1", GROUP)).toBeUndefined();
      expect(reads()).toBe(0);
    });

    test("the previous holder's late write is seen; an older value does not replace a newer one", async () => {
      const { kv, reads } = counting();
      const mine = new KvNotificationLog(kv, "default", () => 1_000);
      const previous = new KvNotificationLog(kv, "default", () => 1_000);
      await mine.hold();
      await previous.log("r/webhook/0", GROUP, entry(900), 10_000);
      expect(await mine.get("r/webhook/0", GROUP)).toEqual(entry(900));
      await mine.log("r/webhook/0", GROUP, entry(990), 10_000);
      await previous.log("r/webhook/0", GROUP, entry(950), 10_000);
      expect(await mine.get("r/webhook/0", GROUP)).toEqual(entry(990));
      expect(reads()).toBe(0);
    });

    test("a read begun before a write does not replace what the write wrote", async () => {
      const kv = new MemoryKeyValueStore();
      const log = new KvNotificationLog(kv, "default", () => 1_000, { loadTimeoutMs: 20 });
      kv.watch = () => new Promise(() => {});
      await log.hold();
      const get = kv.get.bind(kv);
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      kv.get = async (key: string) => {
        const value = await get(key);
        await gate;
        return value;
      };
      const reading = log.get("r/webhook/0", GROUP);
      await log.log("r/webhook/0", GROUP, entry(950), 10_000);
      release();
      expect(await reading).toBeUndefined();
      expect(await log.get("r/webhook/0", GROUP)).toEqual(entry(950));
    });

    test("when the load does not finish, entries are read from the store once each", async () => {
      const { kv, reads } = counting();
      kv.watch = () => Promise.reject(new Error("no NATS"));
      const log = new KvNotificationLog(kv, "default", () => 1_000);
      await log.hold();
      expect(await log.get("r/webhook/0", GROUP)).toBeUndefined();
      expect(await log.get("r/webhook/0", GROUP)).toBeUndefined();
      expect(reads()).toBe(1);
    });

    test("a watch that does not start in time leaves entries to be read from the store", async () => {
      const { kv, reads } = counting();
      kv.watch = () => new Promise(() => {});
      const log = new KvNotificationLog(kv, "default", () => 1_000, { loadTimeoutMs: 50 });
      await log.hold();
      expect(await log.get("r/webhook/0", GROUP)).toBeUndefined();
      expect(await log.get("r/webhook/0", GROUP)).toBeUndefined();
      expect(reads()).toBe(1);
    });

    test("not held, or held anew after a release, it reads the store: another holder may have written", async () => {
      const { kv, reads } = counting();
      const mine = new KvNotificationLog(kv, "default", () => 1_000);
      const theirs = new KvNotificationLog(kv, "default", () => 1_000);
      expect(await mine.get("r/webhook/0", GROUP)).toBeUndefined();
      expect(await mine.get("r/webhook/0", GROUP)).toBeUndefined();
      expect(reads()).toBe(2);
      await mine.hold();
      expect(await mine.get("r/webhook/0", GROUP)).toBeUndefined();
      mine.release();
      await theirs.log("r/webhook/0", GROUP, entry(950), 10_000);
      await mine.hold();
      expect(await mine.get("r/webhook/0", GROUP)).toEqual(entry(950));
    });

    test("a write that failed is read from the store again", async () => {
      const { kv, reads } = counting();
      const log = new KvNotificationLog(kv, "default", () => 1_000);
      await log.hold();
      await log.log("r/webhook/0", GROUP, entry(900), 10_000);
      const put = kv.put.bind(kv);
      kv.put = async (key: string, value: Uint8Array) => {
        await put(key, value);
        throw new Error("timeout");
      };
      await expect(log.log("r/webhook/0", GROUP, entry(950), 10_000)).rejects.toThrow("timeout");
      expect(await log.get("r/webhook/0", GROUP)).toEqual(entry(950));
      expect(reads()).toBe(1);
      // A write that went through after a failed one is known again without a read.
      await expect(log.log("r/webhook/1", GROUP, entry(960), 10_000)).rejects.toThrow("timeout");
      kv.put = put;
      await log.log("r/webhook/1", GROUP, entry(970), 10_000);
      expect(await log.get("r/webhook/1", GROUP)).toEqual(entry(970));
      expect(reads()).toBe(1);
    });
  });
});
