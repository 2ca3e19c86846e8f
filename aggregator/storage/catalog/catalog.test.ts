import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirBucket } from "../bucket/dir.ts";
import { Catalog } from "./catalog.ts";
import type { FileEntry } from "./entry.ts";

let root: string;
let bucket: DirBucket;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "outpost-catalog-"));
  bucket = new DirBucket(join(root, "bucket"));
});

afterEach(() => rm(root, { recursive: true, force: true }));

function entry(
  key: string,
  seqs: [number, number][] = [],
  over: Partial<FileEntry> = {},
): FileEntry {
  return {
    key,
    tenant: "default",
    signal: "metrics",
    tier: "raw",
    hour: 0,
    minTime: 0,
    maxTime: 1000,
    rows: 10,
    bytes: 100,
    metrics: ["up"],
    seqs,
    level: 0,
    created: 1,
    ...over,
  };
}

const keys = (c: Catalog) =>
  c
    .all()
    .map((f) => f.key)
    .sort();

describe("Catalog", () => {
  test("a commit is seen by a catalog loaded later from the same bucket", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    await a.load();
    await a.commit({ add: [entry("f1", [[1, 5]])], remove: [] });
    const b = new Catalog({ bucket, writer: "b" });
    await b.load();
    expect(keys(b)).toEqual(["f1"]);
    expect([0, 1, 5, 6].map((s) => b.hasSeq(s))).toEqual([false, true, true, false]);
  });

  test("refresh() picks up another writer's commits, removals included", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    const b = new Catalog({ bucket, writer: "b" });
    await Promise.all([a.load(), b.load()]);
    await a.commit({ add: [entry("f1"), entry("f2")], remove: [] });
    await b.refresh();
    expect(keys(b)).toEqual(["f1", "f2"]);
    await a.commit({ add: [entry("f3")], remove: ["f1", "f2"] });
    await b.refresh();
    expect(keys(b)).toEqual(["f3"]);
  });

  test("a checkpoint folds the log in and removes the folded records", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    await a.load();
    for (let i = 0; i < 5; i++) await a.commit({ add: [entry(`f${i}`, [[i, i]])], remove: [] });
    await a.checkpoint();
    expect(await bucket.list("v1/catalog/log/")).toEqual([]);
    expect((await bucket.list("v1/catalog/checkpoint/")).length).toBe(1);
    await a.commit({ add: [entry("late")], remove: ["f0"] });
    const b = new Catalog({ bucket, writer: "b" });
    await b.load();
    expect(keys(b)).toEqual(["f1", "f2", "f3", "f4", "late"]);
    expect(b.hasSeq(3)).toBe(true);
  });

  test("a reader that refreshes across another writer's checkpoint keeps every file", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    const b = new Catalog({ bucket, writer: "b" });
    await Promise.all([a.load(), b.load()]);
    await a.commit({ add: [entry("f1")], remove: [] });
    await b.commit({ add: [entry("g1")], remove: [] });
    await a.checkpoint();
    await b.commit({ add: [entry("g2")], remove: [] });
    await b.refresh();
    await a.refresh();
    expect(keys(a)).toEqual(["f1", "g1", "g2"]);
    expect(keys(b)).toEqual(["f1", "g1", "g2"]);
  });

  test("the local copy restores the catalog when the bucket is unchanged", async () => {
    const localDir = join(root, "local");
    const a = new Catalog({ bucket, writer: "a", localDir });
    await a.load();
    await a.commit({ add: [entry("f1", [[7, 9]])], remove: [] });
    const again = new Catalog({ bucket, writer: "a", localDir });
    await again.load();
    expect(keys(again)).toEqual(["f1"]);
    expect(again.hasSeq(8)).toBe(true);
  });

  test("a refresh rewrites the local copy only when it found a change", async () => {
    const localDir = join(root, "local");
    const copy = join(localDir, "catalog.json");
    const a = new Catalog({ bucket, writer: "a" });
    const b = new Catalog({ bucket, writer: "b", localDir });
    await Promise.all([a.load(), b.load()]);
    await rm(copy);
    await b.refresh();
    expect(await Bun.file(copy).exists()).toBe(false);
    await a.commit({ add: [entry("f1", [[1, 2]])], remove: [] });
    await b.refresh();
    expect((await Bun.file(copy).json()).files.map((f: FileEntry) => f.key)).toEqual(["f1"]);
    await rm(copy);
    await a.checkpoint();
    await b.refresh();
    expect(await Bun.file(copy).exists()).toBe(true);
  });

  test("an empty local disk recovers the catalog from the bucket", async () => {
    const a = new Catalog({ bucket, writer: "a", localDir: join(root, "one") });
    await a.load();
    await a.commit({ add: [entry("f1")], remove: [] });
    await a.checkpoint();
    await a.commit({ add: [entry("f2")], remove: [] });
    const fresh = new Catalog({ bucket, writer: "a", localDir: join(root, "empty") });
    await fresh.load();
    expect(keys(fresh)).toEqual(["f1", "f2"]);
  });

  test("select() filters by tenant, tier, time and metric", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    await a.load();
    await a.commit({
      add: [
        entry("old", [], { minTime: 0, maxTime: 99 }),
        entry("new", [], { minTime: 100, maxTime: 199, metrics: ["a", "b"] }),
        entry("other", [], { tenant: "t2" }),
        entry("rollup", [], { tier: "1m" }),
      ],
      remove: [],
    });
    const pick = (f: Parameters<Catalog["select"]>[0]) => a.select(f).map((e) => e.key);
    const base = { tenant: "default", signal: "metrics", tier: "raw" } as const;
    expect(pick({ ...base })).toEqual(["new", "old"]);
    expect(pick({ ...base, start: 150, end: 300 })).toEqual(["new"]);
    expect(pick({ ...base, metrics: ["b"] })).toEqual(["new"]);
    expect(pick({ ...base, metrics: ["zzz"] })).toEqual([]);
  });

  test("select() leaves out held files, as filtering its answer afterwards does", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    await a.load();
    const names = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const add = Array.from({ length: 40 }, (_, i) =>
      entry(`f${i}`, [], {
        minTime: i * 100,
        maxTime: i * 100 + 99,
        metrics: names.filter((_, j) => (i + j) % 3 === 0),
      }),
    );
    await a.commit({ add, remove: [] });
    const held = (f: FileEntry) => f.minTime >= 2000 && Number(f.key.slice(1)) % 2 === 0;
    const base = { tenant: "default", signal: "metrics", tier: "raw" } as const;
    for (const filter of [
      { ...base },
      { ...base, start: 1500, end: 3500 },
      { ...base, metrics: ["m1"] },
      { ...base, start: 1000, metrics: ["m2", "m7"] },
    ]) {
      const expected = a.select(filter).filter((f) => !held(f));
      expect(a.select({ ...filter, held })).toEqual(expected);
    }
    expect(a.select({ ...base, start: 2000, held }).map((f) => f.key)).not.toContain("f20");
  });
});

describe("Catalog checkpoints", () => {
  test("list only the records still in the log, so they do not grow with history", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    await a.load();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) await a.commit({ add: [entry(`f${round}-${i}`)], remove: [] });
      await a.checkpoint();
    }
    const [key] = await bucket.list("v1/catalog/checkpoint/");
    const body = JSON.parse(new TextDecoder().decode((await bucket.get(key))!));
    expect(body.applied.length).toBeLessThanOrEqual(3);
    expect(body.files.length).toBe(9);
  });

  test("a checkpoint that raced another is withdrawn and loses no record", async () => {
    const a = new Catalog({ bucket, writer: "a" });
    const b = new Catalog({ bucket, writer: "b" });
    await Promise.all([a.load(), b.load()]);
    await a.commit({ add: [entry("a1", [[1, 1]])], remove: [] });
    await b.commit({ add: [entry("b1", [[2, 2]])], remove: [] });
    await Promise.all([a.checkpoint(), b.checkpoint()]);
    await b.commit({ add: [entry("b2", [[3, 3]])], remove: [] });
    await a.checkpoint();
    const fresh = new Catalog({ bucket, writer: "c" });
    await fresh.load();
    expect(keys(fresh)).toEqual(["a1", "b1", "b2"]);
    expect([1, 2, 3].map((s) => fresh.hasSeq(s))).toEqual([true, true, true]);
  });

  test("a removal replayed before the add of the same file keeps the file removed", async () => {
    await bucket.put(
      "v1/catalog/log/0000000000001-x-aaaaaaaa.json",
      new TextEncoder().encode(JSON.stringify({ add: [], remove: ["f1"] })),
    );
    await bucket.put(
      "v1/catalog/log/0000000000002-y-bbbbbbbb.json",
      new TextEncoder().encode(JSON.stringify({ add: [entry("f1")], remove: [] })),
    );
    const c = new Catalog({ bucket, writer: "c" });
    await c.load();
    expect(keys(c)).toEqual([]);
  });
});
