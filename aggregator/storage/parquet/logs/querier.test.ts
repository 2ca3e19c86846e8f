import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LogSelectParams } from "../../../logs/source.ts";
import type { LabelMatcher } from "../../storage.ts";
import { ParquetLogQuerier } from "./querier.ts";
import { collect, logRows, type TestRecord, tempFiles } from "./testing.ts";
import { writeLogsFile } from "./writer.ts";

const files = tempFiles("parquet-logs-querier-");
afterAll(files.cleanup);

const h1 = { job: "app", host: "h1" };
const h2 = { job: "app", host: "h2" };
const db = { job: "db" };

// Two files overlapping in time; times are distinct except the tie at 40.
const first: TestRecord[] = [
  { labels: h1, t: 10n, line: "h1 start" },
  { labels: h1, t: 30n, line: "h1 request timeout" },
  { labels: h2, t: 20n, line: "h2 héllo 😀", fields: ["trace_id", "t1", "1", "one"] },
  { labels: db, t: 40n, line: "db ERROR slow query" },
  { labels: db, t: 50n, line: "" },
];
const second: TestRecord[] = [
  { labels: h1, t: 35n, line: "h1 Timeout again" },
  { labels: h2, t: 40n, line: "h2 tie at 40" },
  { labels: h2, t: 60n, line: "h2 last" },
];
const all = [...first, ...second];
let q: ParquetLogQuerier;

beforeAll(async () => {
  const paths = [files.path(), files.path()];
  await writeLogsFile(logRows(first), paths[0]);
  await writeLogsFile(logRows(second), paths[1]);
  q = new ParquetLogQuerier(paths);
});

const eq = (name: string, value: string): LabelMatcher => ({ name, type: "=", value });

function params(over: Partial<LogSelectParams> = {}): LogSelectParams {
  return {
    matchers: [],
    startNs: 0n,
    endNs: 1000n,
    direction: "forward",
    lineFilters: [],
    limitHint: 0,
    ...over,
  };
}

/** The lines of `records` in time order (the tie at 40 in file order). */
const lines = (records: TestRecord[]) => records.map((r) => r.line);
const byTime = [...all].sort((a, b) => Number(a.t - b.t) || all.indexOf(a) - all.indexOf(b));

describe("ParquetLogQuerier.select()", () => {
  test("returns every record with its labels, time, line and fields", async () => {
    const got = await collect(q.select(params()));
    expect(got).toEqual(byTime.map((r) => ({ ...r, labels: r.labels })));
  });

  const cases: [string, Partial<LogSelectParams>, string[]][] = [
    ["reads backward newest first", { direction: "backward" }, lines(byTime).reverse()],
    [
      "includes the start and excludes the end",
      { startNs: 20n, endNs: 40n },
      ["h2 héllo 😀", "h1 request timeout", "h1 Timeout again"],
    ],
    ["returns nothing for an empty range", { startNs: 40n, endNs: 40n }, []],
    ["stops at the limit going forward", { limitHint: 2 }, ["h1 start", "h2 héllo 😀"]],
    ["stops at the limit going backward", { limitHint: 2, direction: "backward" }, ["h2 last", ""]],
    [
      "selects streams by label",
      { matchers: [eq("host", "h2")] },
      ["h2 héllo 😀", "h2 tie at 40", "h2 last"],
    ],
    [
      "selects by a regex matcher, anchored",
      { matchers: [{ name: "job", type: "=~", value: "d" }] },
      [],
    ],
    [
      "treats an absent label as empty",
      { matchers: [{ name: "host", type: "=", value: "" }] },
      ["db ERROR slow query", ""],
    ],
    [
      "keeps lines containing a string",
      { lineFilters: [{ op: "|=", value: "timeout" }] },
      ["h1 request timeout"],
    ],
    [
      "drops lines containing a string",
      { matchers: [eq("job", "app")], lineFilters: [{ op: "!=", value: "h1" }] },
      ["h2 héllo 😀", "h2 tie at 40", "h2 last"],
    ],
    [
      "matches line regexes unanchored, with RE2 flags",
      { lineFilters: [{ op: "|~", value: "(?i)time.ut" }] },
      ["h1 request timeout", "h1 Timeout again"],
    ],
    [
      "drops lines matching a regex",
      { matchers: [eq("job", "db")], lineFilters: [{ op: "!~", value: "^$" }] },
      ["db ERROR slow query"],
    ],
    [
      "applies every filter",
      {
        lineFilters: [
          { op: "|=", value: "h1" },
          { op: "|~", value: "[a-z]+out" },
          { op: "!=", value: "again" },
        ],
      },
      ["h1 request timeout"],
    ],
    [
      "leaves a regex DuckDB refuses to the engine",
      { lineFilters: [{ op: "|~", value: "a(b" }], limitHint: 1 },
      ["h1 start"],
    ],
  ];
  test.each(cases)("%s", async (_, over, want) => {
    expect(lines(await collect(q.select(params(over))))).toEqual(want);
  });

  test("yields chunks whose stream indices name the chunk's streams", async () => {
    for await (const chunk of q.select(params({ matchers: [eq("job", "app")] }))) {
      expect(chunk.streams.length).toBe(2);
      expect([...chunk.stream].every((s) => s === 0 || s === 1)).toBe(true);
    }
  });
});

describe("ParquetLogQuerier.streams()", () => {
  const texts = (labels: readonly (readonly string[])[]) => labels.map((l) => l.join(","));
  test.each([
    [
      "lists every stream for no matchers",
      [],
      0n,
      1000n,
      ["host,h1,job,app", "host,h2,job,app", "job,db"],
    ],
    [
      "lists the matching streams",
      [eq("job", "app")],
      0n,
      1000n,
      ["host,h1,job,app", "host,h2,job,app"],
    ],
    // h1 has rows at 10, 30 and 35, h2 at 20, 40 and 60, db at 40 and 50: spans that overlap
    // [31, 35) without a row in it.
    ["leaves out streams with no record in the range", [], 31n, 35n, []],
    ["keeps a stream with a record in the range", [], 35n, 36n, ["host,h1,job,app"]],
    ["lists nothing for an empty range", [], 5n, 5n, []],
  ] as [string, LabelMatcher[], bigint, bigint, string[]][])(
    "%s",
    async (_, matchers, start, end, want) => {
      expect(texts(await q.streams(matchers, start, end))).toEqual(want);
    },
  );
});

describe("ParquetLogQuerier", () => {
  test("reads a 1 MB line back", async () => {
    const p = files.path();
    const line = "y".repeat(1 << 20);
    await writeLogsFile(logRows([{ labels: db, t: 1n, line }]), p);
    const got = await collect(new ParquetLogQuerier([p]).select(params()));
    expect(got.map((r) => r.line.length)).toEqual([1 << 20]);
    expect(got[0].line === line).toBe(true);
  });

  test("says which file it cannot read", async () => {
    const missing = new ParquetLogQuerier(["/nonexistent/logs.parquet"]);
    await expect(missing.streams([], 0n, 1n)).rejects.toThrow(
      /^Cannot read Parquet log file \/nonexistent\/logs\.parquet: /,
    );
  });

  test("reads nothing from no files", async () => {
    const none = new ParquetLogQuerier([]);
    expect(await collect(none.select(params()))).toEqual([]);
    expect(await none.streams([], 0n, 1000n)).toEqual([]);
    expect((await none.buckets({ ...params(), bucketNs: 10n, buckets: 3 })).length).toBe(0);
  });

  test("refuses reads once closed", async () => {
    const closed = new ParquetLogQuerier([]);
    closed.close();
    await expect(closed.streams([], 0n, 1n)).rejects.toThrow(
      "Cannot read logs: the Parquet log querier is closed",
    );
  });
});
