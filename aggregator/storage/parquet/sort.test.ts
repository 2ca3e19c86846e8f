import { describe, expect, test } from "bun:test";
import { isStaleAt } from "../../../shared/model/sample.ts";
import { sortRows } from "./sort.ts";
import { sampleRows, type TestSample } from "./testing.ts";

const a = { __name__: "m", i: "a" };
const b = { __name__: "m", i: "b" };

/** Sorts with series ranked in first-seen order, returning [rank, t, value] rows. */
function sorted(samples: TestSample[]): [number, number, number | "stale"][] {
  const rows = sampleRows(samples);
  const rankOf = Int32Array.from(rows.series.keys());
  const out = sortRows(rows, rankOf, rows.series.length);
  return [...out.seriesIndex].map((rank, k) => [
    rank,
    out.timestamps[k],
    isStaleAt(out.valueWords, k) ? "stale" : out.values[k],
  ]);
}

describe("sortRows()", () => {
  const cases: [string, TestSample[], [number, number, number | "stale"][]][] = [
    [
      "groups rows by series rank, keeping time order",
      [
        { labels: a, t: 1, v: 10 },
        { labels: b, t: 1, v: 20 },
        { labels: a, t: 2, v: 11 },
        { labels: b, t: 2, v: 21 },
      ],
      [
        [0, 1, 10],
        [0, 2, 11],
        [1, 1, 20],
        [1, 2, 21],
      ],
    ],
    [
      "sorts a series whose samples arrive out of order",
      [
        { labels: a, t: 3, v: 3 },
        { labels: a, t: 1, v: 1 },
        { labels: a, t: 2, v: 2 },
      ],
      [
        [0, 1, 1],
        [0, 2, 2],
        [0, 3, 3],
      ],
    ],
    [
      "keeps the last of duplicate timestamps, even out of order",
      [
        { labels: a, t: 2, v: 1 },
        { labels: a, t: 1, v: 5 },
        { labels: a, t: 2, v: 2 },
        { labels: a, t: 2, v: 3 },
      ],
      [
        [0, 1, 5],
        [0, 2, 3],
      ],
    ],
    [
      "keeps the bits of staleness markers",
      [
        { labels: a, t: 2, v: "stale" },
        { labels: a, t: 1, v: 1 },
      ],
      [
        [0, 1, 1],
        [0, 2, "stale"],
      ],
    ],
  ];
  test.each(cases)("%s", (_name, samples, want) => {
    expect(sorted(samples)).toEqual(want);
  });

  test("treats two series with the same rank as one series", () => {
    const rows = sampleRows([
      { labels: a, t: 1, v: 1 },
      { labels: b, t: 1, v: 2 },
      { labels: a, t: 2, v: 3 },
    ]);
    const out = sortRows(rows, Int32Array.from([0, 0]), 1);
    expect([...out.timestamps]).toEqual([1, 2]);
    expect([...out.values]).toEqual([2, 3]);
  });
});
