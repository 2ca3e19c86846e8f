import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Fixture, fixture } from "./compact/testing.ts";
import type { Querier } from "./storage.ts";
import { openUnionQuerier } from "./union.ts";

const m = (name: string, type: "=" | "!=", value: string) => ({ name, type, value });

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
    const q = await openUnionQuerier({
      tenant: "default",
      head: undefined,
      catalog: f.catalog,
      bucket: f.bucket,
      pins: f.pins,
    });
    try {
      expect(await read(q)).toEqual(want);
    } finally {
      q.close();
    }
  });
});
