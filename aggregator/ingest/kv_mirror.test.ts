import { expect, test } from "bun:test";
import { MemoryKeyValueStore } from "./kv_memory.ts";
import { KvMirror } from "./kv_mirror.ts";

const text = {
  decode: (b: Uint8Array) => new TextDecoder().decode(b),
  encode: (s: string) => new TextEncoder().encode(s),
};

test("change() edits again over a change made meanwhile, and writes nothing where edit leaves it", async () => {
  const kv = new MemoryKeyValueStore();
  const mirror = new KvMirror<string>(kv, "TEST", { ...text, component: "test" });
  await mirror.start();
  await mirror.put("k", "1");
  const seen: string[] = [];
  const changed = await mirror.change("k", (v) => {
    // Another aggregator's write lands between this read and the compare-and-set.
    if (seen.length === 0) void kv.put("k", text.encode("2"));
    seen.push(v);
    return `${v}+b`;
  });
  expect(seen).toEqual(["1", "2"]);
  expect(changed).toBe("2+b");
  expect(mirror.entries.get("k")).toBe("2+b");
  const revision = mirror.revision("k");
  expect(await mirror.change("k", () => undefined)).toBe("2+b");
  expect(mirror.revision("k")).toBe(revision as number);
  expect(await mirror.change("gone", (v) => v)).toBeNull();
});

test("start() aborted while its watch is set up rejects with the reason and stops the watch", async () => {
  const kv = new MemoryKeyValueStore();
  let stopped = 0;
  const slow = Object.create(kv) as MemoryKeyValueStore;
  slow.watch = async (w) => {
    await Bun.sleep(20);
    const stop = await kv.watch(w);
    return () => {
      stopped++;
      stop();
    };
  };
  const mirror = new KvMirror<string>(slow, "TEST", { ...text, component: "test" });
  const controller = new AbortController();
  const outcome = mirror.start(controller.signal).then(
    () => "started",
    (e) => e,
  );
  controller.abort("SIGINT");
  // A rejection left unhandled inside start() would fail this test (bun test reports it).
  expect(await outcome).toBe("SIGINT");
  expect(stopped).toBe(1);
  await expect(mirror.start(controller.signal)).rejects.toBe("SIGINT");
});
