import { expect, test } from "bun:test";
import type { KvEntry } from "./kv.ts";
import { lateWatch } from "./kv_held.ts";
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

/** A started mirror of a bucket whose watch holds each change after the first load (kv_held.ts). */
async function lateMirror() {
  const kv = new MemoryKeyValueStore();
  const view = lateWatch(kv);
  const mirror = new KvMirror<string>(view.kv, "TEST", { ...text, component: "test" });
  await mirror.start();
  return { kv, late: view.kv, reads: view.reads, deliver: view.deliver, mirror };
}

test("lookUp() reads a key the watch has yet to bring, once for lookups at once", async () => {
  const { kv, reads: gets, deliver, mirror } = await lateMirror();
  await kv.put("k", text.encode("written elsewhere"));
  expect(mirror.entries.get("k")).toBeUndefined();
  const found = await Promise.all([mirror.lookUp("k"), mirror.lookUp("k"), mirror.lookUp("k")]);
  expect(found).toEqual(["written elsewhere", "written elsewhere", "written elsewhere"]);
  expect(gets()).toBe(1);
  // Held now: a second lookup reads nothing, and the watch's copy of the same write changes nothing.
  expect(await mirror.lookUp("k")).toBe("written elsewhere");
  expect(gets()).toBe(1);
  deliver();
  expect(mirror.entries.get("k")).toBe("written elsewhere");
});

test("lookUp() of a key absent from the bucket drops no value the watch brings meanwhile", async () => {
  const { kv, deliver, mirror } = await lateMirror();
  const looking = mirror.lookUp("k"); // reads "k" absent
  await kv.put("k", text.encode("v"));
  deliver(); // the watch brings it before the lookup's answer is applied
  expect(await looking).toBe("v");
  expect(mirror.entries.get("k")).toBe("v");
});

test("lookUp() does not bring back a key whose delete the watch brought while it read", async () => {
  const { kv, late, deliver, mirror } = await lateMirror();
  await kv.put("k", text.encode("v"));
  const read = await kv.entry("k"); // the lookup's read, answered before the delete...
  const answer = Promise.withResolvers<KvEntry | null>();
  late.entry = () => answer.promise;
  const looking = mirror.lookUp("k");
  await kv.delete("k");
  deliver(); // ...the watch brings the put and the delete...
  answer.resolve(read); // ...and then the read's answer arrives
  expect(await looking).toBeUndefined();
  expect(mirror.entries.has("k")).toBe(false);
});
