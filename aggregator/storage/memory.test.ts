import { describe, expect, test } from "bun:test";
import { isStaleAt } from "../../shared/model/sample.ts";
import { MemoryStorage } from "./memory.ts";
import type { LabelMatcher, SeriesSamples } from "./storage.ts";

const A1 = ["__name__", "up", "job", "a", "zone", "1"];
const A2 = ["__name__", "up", "job", "a", "zone", "2"];
const B = ["__name__", "up", "job", "b"];
const OTHER = ["__name__", "other", "job", "a"];

function storage(): MemoryStorage {
  const s = new MemoryStorage();
  // Appended out of label order: select() must sort.
  s.append(OTHER, [[0, 9]]);
  s.append(B, [[0, 3]]);
  s.append(A2, [[0, 2]]);
  s.append(A1, [
    [0, 1],
    [1000, 11],
  ]);
  return s;
}

async function select(s: MemoryStorage, matchers: LabelMatcher[], start = 0, end = 1000) {
  const q = await s.querier();
  return q.select(matchers, { start, end });
}

function valuesOf(series: SeriesSamples): (number | "stale")[] {
  const words = new Uint32Array(series.values.buffer, series.values.byteOffset, 2 * series.length);
  return Array.from({ length: series.length }, (_, i) =>
    isStaleAt(words, i) ? "stale" : series.values[i],
  );
}

describe("MemoryStorage", () => {
  const name = (value: string): LabelMatcher => ({ name: "__name__", type: "=", value });
  const cases: [string, LabelMatcher[], string[][]][] = [
    ["=", [name("up")], [A1, A2, B]],
    ["!=", [name("up"), { name: "job", type: "!=", value: "a" }], [B]],
    ["=~", [{ name: "zone", type: "=~", value: "1|2" }], [A1, A2]],
    ["!~", [name("up"), { name: "zone", type: "!~", value: "[12]" }], [B]],
    [
      "= on an absent label's empty value",
      [name("up"), { name: "zone", type: "=", value: "" }],
      [B],
    ],
    ["=~ matching the empty value", [{ name: "zone", type: "=~", value: "1|" }], [OTHER, A1, B]],
    ["no matchers", [], [OTHER, A1, A2, B]],
  ];
  test.each(cases)(
    "select() applies a %s matcher and sorts by labels",
    async (_n, matchers, want) => {
      expect((await select(storage(), matchers)).map((s) => s.labels)).toEqual(want);
    },
  );

  test("select() keeps the samples in the inclusive range and drops series without any", async () => {
    const s = storage();
    const late = await select(s, [name("up")], 1, 1000);
    expect(late.map((x) => [x.labels, x.length, [...x.timestamps], [...x.values]])).toEqual([
      [A1, 1, [1000], [11]],
    ]);
    const early = await select(s, [name("up"), { name: "job", type: "=", value: "a" }], 0, 0);
    expect(early.map((x) => [...x.values])).toEqual([[1], [2]]);
  });

  test("staleness markers round-trip bit-exact, distinct from plain NaN", async () => {
    const s = new MemoryStorage();
    s.append(A1, [
      [0, 1],
      [1000, "stale"],
      [2000, Number.NaN],
    ]);
    const [series] = await select(s, [], 0, 2000);
    const got = valuesOf(series);
    expect(got.slice(0, 2)).toEqual([1, "stale"]);
    expect(got[2]).toBeNaN();
  });

  test("append() merges by time, a later sample replacing an earlier one at the same time", async () => {
    const s = new MemoryStorage();
    s.append(A1, [
      [2000, 2],
      [0, 0],
    ]);
    s.append(A1, [
      [1000, "stale"],
      [2000, 20],
    ]);
    const [series] = await select(s, [], 0, 5000);
    expect([...series.timestamps]).toEqual([0, 1000, 2000]);
    expect(valuesOf(series)).toEqual([0, "stale", 20]);
  });

  test("a querier is a snapshot: later appends and clear() do not change it", async () => {
    const s = storage();
    const q = await s.querier();
    s.append(["__name__", "new"], [[0, 1]]);
    s.clear();
    expect((await q.select([], { start: 0, end: 1000 })).length).toBe(4);
    expect(await select(s, [])).toEqual([]);
  });

  test("labelNames() and labelValues() cover the matching series with samples in range", async () => {
    const q = await storage().querier();
    const range = { start: 0, end: 0 };
    expect(await q.labelNames([], range)).toEqual(["__name__", "job", "zone"]);
    expect(await q.labelNames([name("other")], range)).toEqual(["__name__", "job"]);
    expect(await q.labelValues("job", [name("up")], range)).toEqual(["a", "b"]);
    expect(await q.labelValues("zone", [], { start: 1, end: 1000 })).toEqual(["1"]);
  });

  test("select() rejects an invalid regex with a SyntaxError", async () => {
    await expect(select(storage(), [{ name: "job", type: "=~", value: "(" }])).rejects.toThrow(
      SyntaxError,
    );
  });
});
