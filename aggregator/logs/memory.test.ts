import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import type { LogRecord } from "../../shared/model/log.ts";
import { MemoryLogs } from "./memory.ts";
import type { LogChunk, LogSelectParams } from "./source.ts";

const a = labelsFromRecord({ app: "a" });
const b = labelsFromRecord({ app: "b" });
const rec = (labels: readonly string[], t: number, line: string): LogRecord => ({
  timeNs: BigInt(t),
  labels,
  line,
  fields: [],
});

const logs = new MemoryLogs(2);
// Appended out of order: storage sorts by time, ties in stream order.
logs.append([
  rec(a, 30, "a30"),
  rec(b, 10, "b10"),
  rec(a, 10, "a10"),
  rec(a, 20, "a20"),
  rec(b, 40, "b40 é"),
]);

const all = [{ name: "app", type: "=~" as const, value: ".+" }];
const base: LogSelectParams = {
  matchers: all,
  startNs: 0n,
  endNs: 100n,
  direction: "forward",
  lineFilters: [],
  limitHint: 0,
};

async function read(p: Partial<LogSelectParams>): Promise<{ lines: string[]; sizes: number[] }> {
  const q = await logs.querier();
  const chunks: LogChunk[] = [];
  for await (const c of q.select({ ...base, ...p })) chunks.push(c);
  q.close();
  return { lines: chunks.flatMap((c) => c.lines), sizes: chunks.map((c) => c.length) };
}

describe("MemoryLogs", () => {
  const cases: [string, Partial<LogSelectParams>, string[]][] = [
    [
      "select() yields records in time order, ties in stream order",
      {},
      ["a10", "b10", "a20", "a30", "b40 é"],
    ],
    [
      "select() reverses for backward reads",
      { direction: "backward" },
      ["b40 é", "a30", "a20", "b10", "a10"],
    ],
    [
      "select() reads the half-open range [start, end)",
      { startNs: 10n, endNs: 30n },
      ["a10", "b10", "a20"],
    ],
    [
      "select() applies matchers",
      { matchers: [{ name: "app", type: "=", value: "b" }] },
      ["b10", "b40 é"],
    ],
    [
      "select() may apply line filters",
      { lineFilters: [{ op: "!~", value: "^a" }] },
      ["b10", "b40 é"],
    ],
    ["select() stops at the limit hint", { limitHint: 3 }, ["a10", "b10", "a20"]],
  ];
  test.each(cases)("%s", async (_, params, want) => {
    expect((await read(params)).lines).toEqual(want);
  });

  test("select() yields chunks of the configured size", async () => {
    expect((await read({})).sizes).toEqual([2, 2, 1]);
  });

  test("streams() lists matching streams with data in the range", async () => {
    const q = await logs.querier();
    expect(await q.streams(all, 35n, 100n)).toEqual([b]);
    expect(await q.streams([], 0n, 100n)).toEqual([a, b]);
  });

  test("buckets() counts records and UTF-8 bytes in (start + k·size, start + (k+1)·size]", async () => {
    const q = await logs.querier();
    const got = await q.buckets!({
      matchers: all,
      lineFilters: [],
      startNs: 0n,
      bucketNs: 20n,
      buckets: 2,
    });
    const rows = Array.from({ length: got.length }, (_, i) => [
      got.streams[got.stream[i]].join("="),
      got.bucket[i],
      got.count[i],
      got.bytes[i],
    ]);
    expect(rows.sort()).toEqual([
      ["app=a", 0, 2, 6],
      ["app=a", 1, 1, 3],
      ["app=b", 0, 1, 3],
      ["app=b", 1, 1, 6],
    ]);
  });

  test("a querier is a snapshot of what was appended before it", async () => {
    const local = new MemoryLogs();
    local.append([rec(a, 1, "first")]);
    const q = await local.querier();
    local.append([rec(a, 2, "second")]);
    const seen: string[] = [];
    for await (const c of q.select(base)) seen.push(...c.lines);
    expect(seen).toEqual(["first"]);
  });
});
