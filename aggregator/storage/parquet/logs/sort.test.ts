import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../../shared/model/labels.ts";
import { rankStreams, sortLogRows } from "./sort.ts";
import { logRows } from "./testing.ts";

describe("rankStreams()", () => {
  test("orders stream texts by UTF-8 bytes and gives equal label sets one rank", () => {
    const streams = [
      labelsFromRecord({ job: "\u{1F600}" }), // above U+FFFF: UTF-16 would put it before U+FFFD
      labelsFromRecord({ job: "\uFFFD" }),
      labelsFromRecord({ job: "a" }),
      labelsFromRecord({ job: "\uFFFD" }),
    ];
    const ranked = rankStreams(streams);
    expect(ranked.texts).toEqual(['{"job":"a"}', '{"job":"\uFFFD"}', '{"job":"\u{1F600}"}']);
    expect([...ranked.rankOf]).toEqual([2, 1, 0, 1]);
  });
});

describe("sortLogRows()", () => {
  test("sorts by stream, then time, then input order", () => {
    const rows = logRows([
      { labels: { job: "b" }, t: 5n, line: "b5" },
      { labels: { job: "a" }, t: 7n, line: "a7-first" },
      { labels: { job: "a" }, t: -3n, line: "a-3" },
      { labels: { job: "a" }, t: 7n, line: "a7-second" },
      { labels: { job: "b" }, t: 2n ** 40n, line: "b-big" },
      { labels: { job: "b" }, t: 1n, line: "b1" },
    ]);
    const sorted = sortLogRows(rows, rankStreams(rows.streams));
    expect([...sorted.order].map((i) => rows.lines[i])).toEqual([
      "a-3",
      "a7-first",
      "a7-second",
      "b1",
      "b5",
      "b-big",
    ]);
    expect([...sorted.rank]).toEqual([0, 0, 0, 1, 1, 1]);
  });

  test("refuses a row naming a stream that is not listed", () => {
    const rows = {
      ...logRows([{ labels: { job: "a" }, t: 1n, line: "" }]),
      stream: Int32Array.of(3),
    };
    expect(() => sortLogRows(rows, rankStreams(rows.streams))).toThrow(
      "Cannot sort log rows: row 0 names stream 3 of 1",
    );
  });
});
