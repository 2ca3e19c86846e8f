import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import { stagingCases } from "../staging/staging.cases.ts";
import { bucketCases } from "./bucket.cases.ts";
import { DirBucket } from "./dir.ts";

const root = await mkdtemp(join(tmpdir(), "outpost-dir-bucket-"));
afterAll(() => rm(root, { recursive: true, force: true }));

let n = 0;
const fresh = async () => new DirBucket(join(root, `b${n++}`));

bucketCases("DirBucket", fresh);
stagingCases("DirBucket", fresh);

describe("DirBucket", () => {
  test("describes itself by its absolute folder", async () => {
    const b = await fresh();
    expect(b.description).toBe(`dir:${b.root}`);
  });

  test("openLocal() hands out the object's own file", async () => {
    const b = await fresh();
    await b.put("a/b.parquet", new Uint8Array([1]));
    expect((await b.openLocal("a/b.parquet")).path).toBe(join(b.root, "a", "b.parquet"));
  });

  test("openLocal() of a staged object hands out a link that outlives its move, removed on release", async () => {
    const b = await fresh();
    await b.put("staging/v1/a.parquet", new Uint8Array([7, 8]));
    const local = await b.openLocal("staging/v1/a.parquet");
    await b.move("staging/v1/a.parquet", "v1/a.parquet");
    expect([...(await Bun.file(local.path).bytes())]).toEqual([7, 8]);
    expect(await b.list("")).toEqual(["v1/a.parquet"]);
    local.release();
    await Bun.sleep(20);
    expect(await readdir(b.root)).toEqual(["v1"]);
    await expect(b.openLocal("staging/v1/a.parquet")).rejects.toThrow("does not exist");
  });

  test("list() skips temporary files of writes in progress", async () => {
    const b = await fresh();
    await b.put("a/done", new Uint8Array([1]));
    await writeFile(join(b.root, "a", ".tmp-0123456789abcdef"), "half written");
    expect(await b.list("")).toEqual(["a/done"]);
    expect(await b.list("a/.tmp")).toEqual([]);
  });

  test("put() leaves no temporary file behind", async () => {
    const b = await fresh();
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.put("same", new Uint8Array([i]))));
    expect(await readdir(b.root)).toEqual(["same"]);
  });

  test("delete() removes folders it leaves empty, up to the root", async () => {
    const b = await fresh();
    await b.put("v1/t=a/h=1/f", new Uint8Array([1]));
    await b.put("v1/t=b/h=1/f", new Uint8Array([1]));
    await b.delete("v1/t=a/h=1/f");
    expect(await readdir(join(b.root, "v1"))).toEqual(["t=b"]);
    await b.delete("v1/t=b/h=1/f");
    expect(await readdir(b.root)).toEqual([]);
  });

  test("put() and delete() racing on one folder never lose the put", async () => {
    const b = await fresh();
    for (let i = 0; i < 20; i++) {
      await b.put("race/old", new Uint8Array([1]));
      await Promise.all([b.delete("race/old"), b.put("race/new", new Uint8Array([2]))]);
      expect(await b.list("race/")).toEqual(["race/new"]);
      await b.delete("race/new");
    }
  });

  test("deletes racing in one folder all succeed, whichever prunes it", async () => {
    // Each delete flushes its folder after the unlink; the last one out removes the folder,
    // so the others may find it gone (make test met it between two catalog checkpoints).
    const b = await fresh();
    for (let round = 0; round < 20; round++) {
      const keys = Array.from({ length: 8 }, (_, i) => `v1/catalog/checkpoint/${round}-${i}.json`);
      for (const k of keys) await b.put(k, new Uint8Array([1]));
      await Promise.all(keys.map((k) => b.delete(k)));
      expect(await b.list("v1/")).toEqual([]);
    }
  });

  test("counts operations and errors when given a registry", async () => {
    const registry = new Registry();
    const b = new DirBucket(join(root, `m${n++}`), { registry });
    await b.put("k", new Uint8Array([1]));
    await b.get("k");
    await b.openLocal("nope").catch(() => {});
    const text = registry.render();
    expect(text).toContain('outpost_bucket_operations_total{op="put"} 1');
    expect(text).toContain('outpost_bucket_operations_total{op="open_local"} 1');
    expect(text).toContain('outpost_bucket_errors_total{op="open_local"} 1');
    expect(text).toContain('outpost_bucket_errors_total{op="put"} 0');
  });
});
