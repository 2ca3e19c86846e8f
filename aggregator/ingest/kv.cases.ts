/**
 * The cases every {@link KeyValueStore} passes: the in-memory one in kv_memory.test.ts and
 * the NATS one in test/integration/silences_nats.test.ts.
 */
import { expect, test } from "bun:test";
import type { KeyValueStore, KvChange } from "./kv.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

/** Waits until `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("Cannot see the change: timed out");
    await Bun.sleep(5);
  }
}

/** Registers the shared cases; `make` returns a fresh, empty store each time. */
export function keyValueCases(make: () => Promise<KeyValueStore>): void {
  test("get() reads what put() wrote, and null for a missing key", async () => {
    const kv = await make();
    await kv.put("a", bytes("1"));
    await kv.put("a", bytes("2"));
    expect(text(await kv.get("a"))).toBe("2");
    expect(await kv.get("missing")).toBeNull();
  });

  test("publish() writes a value that get() and a watch then see", async () => {
    const kv = await make();
    const seen: string[] = [];
    const stop = await kv.watch({
      change: (c) => seen.push(`${c.key}=${text(c.value)}`),
      ready() {},
    });
    await kv.publish("p", bytes("1"));
    await eventually(() => seen.includes("p=1"));
    expect(text(await kv.get("p"))).toBe("1");
    stop();
  });

  test("create() writes only a key that holds no value, deleted ones included", async () => {
    const kv = await make();
    const created = await kv.create("c", bytes("1"));
    expect(created).toBeGreaterThan(0);
    expect((await kv.entry("c"))?.revision).toBe(created!);
    expect(await kv.create("c", bytes("2"))).toBeNull();
    expect(text(await kv.get("c"))).toBe("1");
    await kv.delete("c");
    expect(await kv.create("c", bytes("3"))).toBeGreaterThan(created!);
    expect(text(await kv.get("c"))).toBe("3");
  });

  test("delete() removes a key from get() and keys(), and a missing key is no error", async () => {
    const kv = await make();
    await kv.put("a", bytes("1"));
    await kv.put("b", bytes("2"));
    await kv.delete("a");
    await kv.delete("never");
    expect(await kv.get("a")).toBeNull();
    expect(await kv.keys()).toEqual(["b"]);
  });

  test("watch() replays current values, says ready, then sees puts and deletes", async () => {
    const kv = await make();
    await kv.put("old", bytes("x"));
    const seen: Array<[string, string | null]> = [];
    let ready = false;
    const stop = await kv.watch({
      change: (c: KvChange) => seen.push([c.key, text(c.value)]),
      ready: () => {
        ready = true;
      },
    });
    await eventually(() => ready);
    expect(seen).toEqual([["old", "x"]]);
    await kv.put("new", bytes("y"));
    await kv.delete("old");
    await eventually(() => seen.length === 3);
    expect(seen.slice(1)).toEqual([
      ["new", "y"],
      ["old", null],
    ]);
    stop();
  });

  test("update() and deleteAt() write only over the revision read, never over a change", async () => {
    const kv = await make();
    const revisions = new Map<string, number>();
    const stop = await kv.watch({
      change: (c: KvChange) => revisions.set(`${c.key}=${text(c.value)}`, c.revision),
      ready() {},
    });
    const first = await kv.put("u", bytes("1"));
    await eventually(() => revisions.has("u=1"));
    expect(revisions.get("u=1")).toBe(first);
    expect((await kv.entry("u"))?.revision).toBe(first);
    const second = await kv.update("u", bytes("2"), first);
    expect(second).toBeGreaterThan(first);
    expect(await kv.update("u", bytes("3"), first)).toBeNull(); // written since
    expect(text(await kv.get("u"))).toBe("2");
    await eventually(() => revisions.has("u=2"));
    expect(revisions.get("u=2")).toBe(second!);
    expect(await kv.deleteAt("u", first)).toBe(false); // written since
    expect(text((await kv.entry("u"))?.value ?? null)).toBe("2");
    await kv.delete("u");
    expect(await kv.update("u", bytes("4"), second!)).toBeNull(); // deleted since
    expect(await kv.get("u")).toBeNull();
    expect(await kv.entry("u")).toBeNull();
    const third = await kv.put("u", bytes("5"));
    expect(await kv.deleteAt("u", third)).toBe(true);
    expect(await kv.get("u")).toBeNull();
    expect(await kv.update("never", bytes("6"), 0)).toBeNull();
    expect(await kv.deleteAt("never", 0)).toBe(false);
    expect(await kv.get("never")).toBeNull();
    stop();
  });
}
