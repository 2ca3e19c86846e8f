import { expect, test } from "bun:test";
import type { LogLine } from "./logs.ts";
import { downloadName, rfc3339Nano, toLogText, toNdjson } from "./logs_export.ts";

const line = (timeNs: bigint, text: string, meta = false): LogLine => ({
  key: String(timeNs),
  timeNs,
  line: text,
  labels: [{ name: "app", value: "api" }],
  metadata: meta ? [{ name: "trace_id", value: "t1" }] : [],
  level: "",
});

test("toLogText() writes the raw lines in order", () => {
  expect(toLogText([line(2n, "b"), line(1n, 'a "q"')])).toBe('b\na "q"\n');
});

test("toNdjson() writes one object per line with time, labels, metadata and line", () => {
  const out = toNdjson([line(1_700_000_000_123_456_789n, "x=1", true), line(5n, "y")]);
  const recs = out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(recs[0]).toEqual({
    time: "2023-11-14T22:13:20.123456789Z",
    time_ns: "1700000000123456789",
    labels: { app: "api" },
    metadata: { trace_id: "t1" },
    line: "x=1",
  });
  expect(recs[1]).toEqual({
    time: "1970-01-01T00:00:00.000000005Z",
    time_ns: "5",
    labels: { app: "api" },
    line: "y",
  });
});

test("times and names are UTC", () => {
  expect(rfc3339Nano(0n)).toBe("1970-01-01T00:00:00.000000000Z");
  expect(downloadName("log", new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe(
    "outpost-logs-2026-01-02T030405Z.log",
  );
});
