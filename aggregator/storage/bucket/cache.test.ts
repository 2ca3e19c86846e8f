import { afterAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import { FileCache } from "./cache.ts";
import { BucketMetrics } from "./metrics.ts";

const root = await mkdtemp(join(tmpdir(), "outpost-file-cache-"));
afterAll(() => rm(root, { recursive: true, force: true }));

let n = 0;

/** A cache over a made-up store of `size`-byte objects, counting downloads per key. */
function setup(maxBytes: number, size = 100, registry?: Registry) {
  const dir = join(root, `c${n++}`);
  const cache = new FileCache({ dir, maxBytes, metrics: new BucketMetrics(registry) });
  const downloads = new Map<string, number>();
  const fetcher =
    (key: string, delayMs = 0) =>
    async (path: string) => {
      downloads.set(key, (downloads.get(key) ?? 0) + 1);
      await Bun.sleep(delayMs);
      if (key.startsWith("missing")) throw new Error(`no object ${key}`);
      await writeFile(path, new Uint8Array(size).fill(key.charCodeAt(0)));
    };
  const open = (key: string, delayMs = 0) => cache.open(key, fetcher(key, delayMs));
  const files = async () => {
    await cache.settled();
    return (await readdir(dir)).length;
  };
  return { cache, dir, downloads, open, files };
}

describe("FileCache", () => {
  test("evicts the least recently opened files beyond max bytes", async () => {
    const c = setup(250);
    for (const k of ["a", "b", "c"]) (await c.open(k)).release();
    expect(c.cache.bytes).toBe(200);
    (await c.open("b")).release(); // b is now more recent than c
    (await c.open("d")).release();
    expect(c.cache.bytes).toBe(200);
    for (const k of ["b", "d"]) (await c.open(k)).release();
    expect([...c.downloads]).toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 1],
      ["d", 1],
    ]);
    (await c.open("c")).release();
    expect(c.downloads.get("c")).toBe(2);
    expect(await c.files()).toBe(2);
  });

  test("never evicts a pinned file; it goes once released", async () => {
    const c = setup(150);
    const a = await c.open("a");
    const b = await c.open("b");
    expect(c.cache.bytes).toBe(200); // over the limit while both are held
    b.release();
    expect(c.cache.bytes).toBe(100);
    expect(await Bun.file(a.path).bytes()).toEqual(new Uint8Array(100).fill(97));
    const d = await c.open("d");
    expect(c.cache.bytes).toBe(200);
    a.release();
    a.release(); // a second release must not unpin d's neighbour or go negative
    expect(c.cache.bytes).toBe(100);
    expect(await Bun.file(d.path).exists()).toBe(true);
    d.release();
  });

  test("concurrent opens of one key download it once and share the file", async () => {
    const c = setup(1000);
    const files = await Promise.all(Array.from({ length: 10 }, () => c.open("a", 20)));
    expect(c.downloads.get("a")).toBe(1);
    expect(new Set(files.map((f) => f.path)).size).toBe(1);
    for (const f of files) f.release();
  });

  test("a failed download rejects every waiter, leaves no file and is retried", async () => {
    const c = setup(1000);
    const results = await Promise.allSettled([c.open("missing", 10), c.open("missing")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await c.files()).toBe(0);
    expect(c.cache.bytes).toBe(0);
    await expect(c.open("missing")).rejects.toThrow("no object missing");
    expect(c.downloads.get("missing")).toBe(2);
  });

  test("drop() removes an unused file at once and a held one at its release", async () => {
    const c = setup(1000);
    (await c.open("a")).release();
    await c.cache.drop("a");
    expect(await c.files()).toBe(0);
    const held = await c.open("b");
    await c.cache.drop("b");
    expect(await Bun.file(held.path).exists()).toBe(true);
    held.release();
    expect(await c.files()).toBe(0);
    expect(c.cache.bytes).toBe(0);
    (await c.open("b")).release();
    expect(c.downloads.get("b")).toBe(2);
  });

  test("removes its own leftover files at start and leaves other files alone", async () => {
    const dir = join(root, "leftovers");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "c-0123456789abcdef-0123456789abcdef"), "old copy");
    await writeFile(join(dir, "t-0123456789abcdef-0123456789abcdef"), "old download");
    await writeFile(join(dir, "notes.txt"), "not ours");
    const cache = new FileCache({ dir, maxBytes: 1000 });
    (await cache.open("k", (p) => writeFile(p, "new"))).release();
    const names = (await readdir(dir)).sort();
    expect(names).toHaveLength(2);
    expect(names[1]).toBe("notes.txt");
    expect(names[0]).toMatch(/^c-[0-9a-f]{16}-/);
  });

  test("reports hits, misses, evictions and bytes", async () => {
    const registry = new Registry();
    const c = setup(150, 100, registry);
    for (const k of ["a", "a", "b"]) (await c.open(k)).release();
    const text = registry.render();
    expect(text).toContain("outpost_bucket_cache_hits_total 1");
    expect(text).toContain("outpost_bucket_cache_misses_total 2");
    expect(text).toContain("outpost_bucket_cache_evictions_total 1");
    expect(text).toContain("outpost_bucket_cache_bytes 100");
  });
});
