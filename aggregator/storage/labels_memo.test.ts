import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Fixture, fixture } from "./compact/testing.ts";
import { LabelsMemo } from "./labels_memo.ts";
import type { LabelMatcher } from "./storage.ts";
import { openUnionQuerier } from "./union.ts";

const eq = (name: string, value: string): LabelMatcher => ({ name, type: "=", value });
const ne = (name: string, value: string): LabelMatcher => ({ name, type: "!=", value });

let f: Fixture;
/** Sample times (ms after the fixture's hour) of four files, one series each time. */
const FILES: [number, string, string][][] = [
  [
    [1_000, "m", "x"],
    [100_000, "m", "y"],
  ],
  [
    [200_000, "m", "x"],
    [300_000, "m", "z"],
  ],
  [[400_000, "n", "w"]],
  [
    [500_000, "m", "x"],
    [600_000, "m", "v"],
  ],
];

beforeAll(async () => {
  f = await fixture();
  for (const samples of FILES)
    await f.flushMetrics(
      samples.map(([t, name, job]) => ({ labels: { __name__: name, job }, t: f.hour + t, v: 1 })),
    );
});
afterAll(() => f.cleanup());

function querier(labelsMemo?: LabelsMemo) {
  return openUnionQuerier({
    tenant: "default",
    head: undefined,
    catalog: f.catalog,
    bucket: f.bucket,
    pins: f.pins,
    labelsMemo,
  });
}

test("label lookups answer as the files read with the range, whichever files lie inside it", async () => {
  const memo = new LabelsMemo();
  const bounds = [
    0, 1_000, 50_000, 100_000, 150_000, 200_000, 300_000, 450_000, 500_000, 600_000, 700_000,
  ];
  const selectors = [
    [eq("__name__", "m")],
    [eq("__name__", "m"), ne("job", "x")],
    [eq("__name__", "n")],
    [ne("job", "x")],
  ];
  let compared = 0;
  for (const a of bounds)
    for (const b of bounds.filter((x) => x >= a))
      for (const sel of selectors) {
        const range = { start: f.hour + a, end: f.hour + b };
        const [fast, simple] = await Promise.all([querier(memo), querier()]);
        try {
          expect([
            await fast.labelValues("job", sel, range),
            await fast.labelNames(sel, range),
          ]).toEqual([
            await simple.labelValues("job", sel, range),
            await simple.labelNames(sel, range),
          ]);
          compared++;
        } finally {
          fast.close();
          simple.close();
        }
      }
  expect(compared).toBe(66 * 4);
  // Every file's series of m and n were read once, for the ranges that hold a whole file.
  expect(memo.size).toBe(7);
});

test("the memo keeps a file's series of a metric once, interned, and forgets files gone", () => {
  const memo = new LabelsMemo(4);
  memo.put("f1", "m", ['{"job":"x"}', '{"job":"y"}']);
  memo.put("f2", "m", ['{"job":"x"}']);
  memo.put("f2", "n", []);
  expect(memo.get("f1", "m")).toEqual(['{"job":"x"}', '{"job":"y"}']);
  expect(memo.get("f2", "n")).toEqual([]);
  expect(memo.get("f3", "m")).toBeUndefined();
  expect(memo.size).toBe(3);
  memo.retain((key) => key !== "f1");
  expect(memo.get("f1", "m")).toBeUndefined();
  expect(memo.size).toBe(1);
  // Past its bound it starts again empty rather than growing.
  memo.put("f4", "m", ["a", "b", "c", "d"]);
  expect(memo.get("f2", "m")).toBeUndefined();
  expect(memo.size).toBe(4);
});

test("a lookup whose reads overflow the memo still answers every file", async () => {
  const range = { start: f.hour, end: f.hour + 700_000 };
  const sel = [eq("__name__", "m")];
  // Room for one file's two series: reading the next empties the memo mid-lookup.
  const [tight, simple] = await Promise.all([querier(new LabelsMemo(2)), querier()]);
  try {
    expect(await tight.labelValues("job", sel, range)).toEqual(
      await simple.labelValues("job", sel, range),
    );
  } finally {
    tight.close();
    simple.close();
  }
});
