import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../shared/metrics/registry.ts";
import { Catalog } from "./catalog/catalog.ts";
import { Compactor } from "./compact/compactor.ts";
import { type Fixture, fixture } from "./compact/testing.ts";

import type { Querier } from "./storage.ts";
import { openUnionQuerier, Pins } from "./union.ts";

const m = (name: string, type: "=" | "!=", value: string) => ({ name, type, value });

/** A union querier over the fixture's files alone (no head). */
const filesQuerier = (f: Fixture) =>
  openUnionQuerier({
    tenant: "default",
    head: undefined,
    catalog: f.catalog,
    bucket: f.bucket,
    pins: f.pins,
  });

describe("openUnionQuerier() over Parquet files", () => {
  // Prometheus lists names, values and series in Go's string order: UTF-8 bytes.
  const byBytes = ["a", "z", "é", "～", "😀"];
  let f: Fixture;
  let range: { start: number; end: number };
  beforeAll(async () => {
    f = await fixture();
    range = { start: f.hour, end: f.hour + 3_600_000 - 1 };
    await f.flushMetrics([
      ...["～", "a", "😀", "é", "z"].map((l, i) => ({
        labels: { __name__: "m", l },
        t: f.hour + 1000,
        v: i,
      })),
      { labels: { __name__: "n", "😀": "2", "～": "1" }, t: f.hour + 1000, v: 1 },
    ]);
  });
  afterAll(() => f.cleanup());

  const cases: [string, (q: Querier) => Promise<unknown[]>, unknown[]][] = [
    ["lists values", (q) => q.labelValues("l", [], range), byBytes],
    [
      "lists matching series' values",
      (q) => q.labelValues("l", [m("l", "!=", "")], range),
      byBytes,
    ],
    ["lists names", (q) => q.labelNames([], range), ["__name__", "l", "～", "😀"]],
    [
      "selects series",
      async (q) => (await q.select([m("__name__", "=", "m")], range)).map((s) => s.labels[3]),
      byBytes,
    ],
    [
      "reads a label set whose names sort apart in UTF-16",
      async (q) => (await q.select([m("__name__", "=", "n")], range)).map((s) => s.labels),
      [["__name__", "n", "～", "1", "😀", "2"]],
    ],
  ];
  test.each(cases)("the union %s in UTF-8 byte order", async (_, read, want) => {
    const q = await filesQuerier(f);
    try {
      expect(await read(q)).toEqual(want);
    } finally {
      q.close();
    }
  });
});

describe("openUnionQuerier() when another process merged and deleted the files it listed", () => {
  test("reads the catalog again and answers from the merged file", async () => {
    const f = await fixture();
    try {
      const range = { start: f.hour, end: f.hour + 3_600_000 - 1 };
      await f.flushMetrics([{ labels: { __name__: "m", l: "a" }, t: f.hour + 1000, v: 1 }]);
      await f.flushMetrics([{ labels: { __name__: "m", l: "a" }, t: f.hour + 2000, v: 2 }]);
      // Another process (`outpost import`) with a catalog of its own merges the hour and
      // deletes the inputs at once; this one's catalog still lists them.
      const other = new Catalog({ bucket: f.bucket, writer: "import" });
      await other.load();
      const rules = { delay: 0, retention_raw: 0, retention_1m: 0, retention_5m: 0 };
      await new Compactor({
        bucket: f.bucket,
        catalog: other,
        writer: "import",
        tmpDir: mkdtempSync(join(tmpdir(), "outpost-union-import-")),
        config: { ...rules, retention_1h: 0, interval: 60_000, delete_delay: 0 },
        pins: new Pins(),
        registry: new Registry(),
        orphanAgeMs: 60_000,
      }).run(Date.now());
      expect((await f.objects("metrics")).length).toBe(1);
      const q = await filesQuerier(f);
      try {
        const [series] = await q.select([m("__name__", "=", "m")], range);
        expect([...(series?.values ?? [])]).toEqual([1, 2]);
        expect(await q.labelValues("l", [], range)).toEqual(["a"]);
      } finally {
        q.close();
      }
    } finally {
      await f.cleanup();
    }
  });
});
