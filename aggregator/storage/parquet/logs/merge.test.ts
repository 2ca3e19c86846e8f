import { afterAll, describe, expect, test } from "bun:test";
import type { LogBuckets, LogSelectParams } from "../../../logs/source.ts";
import { queryRows } from "../testing.ts";
import { mergeLogFiles } from "./merge.ts";
import { ParquetLogQuerier } from "./querier.ts";
import { LOG_ROW_GROUP } from "./schema.ts";
import { collect, logRows, type TestRecord, tempFiles } from "./testing.ts";
import { writeLogsFile } from "./writer.ts";

const files = tempFiles("parquet-logs-merge-");
afterAll(files.cleanup);

/** Writes each list of records as one flush file; returns their paths. */
async function write(inputs: readonly TestRecord[][]): Promise<string[]> {
  const paths = inputs.map(() => files.path());
  await Promise.all(inputs.map((records, i) => writeLogsFile(logRows(records), paths[i])));
  return paths;
}

/** The file's rows as [stream, ts ns, line, fields, line_bytes], in file order. */
function fileRows(path: string) {
  return queryRows(
    `SELECT stream::VARCHAR, epoch_ns(ts), line, fields::VARCHAR, line_bytes FROM read_parquet('${path}')`,
  );
}

/** Bucket counts as sorted [stream, bucket, count, bytes] rows (a GROUP BY has no order). */
function bucketRows(b: LogBuckets): string[] {
  return Array.from({ length: b.length }, (_, i) =>
    JSON.stringify([b.streams[b.stream[i]], b.bucket[i], b.count[i], b.bytes[i]]),
  ).sort();
}

const emoji = { job: "\u{1F600}" }; // after U+FFFD in UTF-8, before it in UTF-16
const fffd = { job: "\uFFFD" };
const app = { job: "app", host: "h1" };

const cases: [string, TestRecord[][]][] = [
  [
    "interleaves streams and times of several files",
    [
      [
        { labels: app, t: 30n, line: "app 30" },
        { labels: { job: "api" }, t: 5n, line: "api 5" },
      ],
      [
        { labels: app, t: 10n, line: "app 10 (late)" },
        { labels: { job: "api" }, t: 50n, line: "api 50" },
      ],
    ],
  ],
  [
    "orders non-ASCII streams by their UTF-8 bytes",
    [
      [
        { labels: emoji, t: 1n, line: "emoji" },
        { labels: { job: "é" }, t: 1n, line: "é" },
      ],
      [
        { labels: fffd, t: 1n, line: "fffd" },
        { labels: { job: "z" }, t: 1n, line: "z" },
        { labels: { job: "日本" }, t: 1n, line: "日本" },
      ],
    ],
  ],
  [
    "keeps duplicates, equal times in input order across files",
    [
      [
        { labels: app, t: 7n, line: "first" },
        { labels: app, t: 7n, line: "same" },
        { labels: app, t: 7n, line: "same" },
      ],
      [
        { labels: app, t: 7n, line: "same" },
        { labels: app, t: 7n, line: "second" },
      ],
      [{ labels: app, t: 7n, line: "third", fields: ["k", "v", "k", "w"] }],
    ],
  ],
];

describe("mergeLogFiles()", () => {
  test.each(cases)("%s, as one write of every record would", async (_, inputs) => {
    const paths = await write(inputs);
    const merged = files.path();
    const stats = await mergeLogFiles(paths, merged);
    const [whole] = await write([inputs.flat()]);
    expect(await fileRows(merged)).toEqual(await fileRows(whole));
    const want = await writeLogsFile(logRows(inputs.flat()), files.path());
    expect({ ...stats, bytes: 0 }).toEqual({ ...want, bytes: 0 });
    expect(stats.bytes).toBe(Bun.file(merged).size);
  });

  test("orders 50,000 rows of random non-ASCII streams as the writer does", async () => {
    const alphabet = ["a", "Z", "é", "\u00FF", "\u0100", "\uE000", "\uFFFD", "\u{1F600}", "日"];
    let seed = 7;
    const pick = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return alphabet[seed % alphabet.length];
    };
    const records: TestRecord[] = Array.from({ length: 50_000 }, (_, i) => ({
      labels: { job: pick() + pick() + pick(), host: pick() },
      t: BigInt(i % 97),
      line: `line ${i}`,
    }));
    const inputs = [records.slice(0, 20_000), records.slice(20_000, 30_000), records.slice(30_000)];
    const merged = files.path();
    await mergeLogFiles(await write(inputs), merged);
    const [whole] = await write([records]);
    expect(await fileRows(merged)).toEqual(await fileRows(whole));
  });

  test("writes the writer's columns, types, schema version and row groups", async () => {
    const n = LOG_ROW_GROUP + 7232;
    const records = Array.from({ length: n }, (_, i) => ({ labels: app, t: BigInt(i), line: "l" }));
    const merged = files.path();
    await mergeLogFiles(await write([records.slice(0, 1000), records.slice(1000)]), merged);
    const [whole] = await write([records]);
    const describeOf = (p: string) => queryRows(`DESCRIBE SELECT * FROM read_parquet('${p}')`);
    expect(await describeOf(merged)).toEqual(await describeOf(whole));
    const kv = await queryRows(
      `SELECT decode(value) FROM parquet_kv_metadata('${merged}') WHERE decode(key) = 'outpost_schema'`,
    );
    expect(kv).toEqual([["logs/1"]]);
    const groups = await queryRows(
      `SELECT DISTINCT row_group_id, row_group_num_rows, compression FROM parquet_metadata('${merged}') ORDER BY 1`,
    );
    expect(groups).toEqual([
      [0n, BigInt(LOG_ROW_GROUP), "ZSTD"],
      [1n, 7232n, "ZSTD"],
    ]);
  });

  test("reads back through ParquetLogQuerier exactly as its inputs did", async () => {
    const h2 = { job: "app", host: "h2" };
    const inputs: TestRecord[][] = [
      [
        { labels: app, t: 10n, line: "a timeout" },
        { labels: h2, t: 20n, line: "b", fields: ["trace", "1"] },
        { labels: emoji, t: 25n, line: "c 😀" },
      ],
      [
        { labels: app, t: 10n, line: "a again" },
        { labels: h2, t: 15n, line: "late timeout" },
        { labels: fffd, t: 40n, line: "d" },
      ],
    ];
    const paths = await write(inputs);
    const merged = files.path();
    await mergeLogFiles(paths, merged);
    const before = new ParquetLogQuerier(paths, { pageRows: 2, windowRows: 2 });
    const after = new ParquetLogQuerier([merged], { pageRows: 2, windowRows: 2 });
    const selects: Partial<LogSelectParams>[] = [
      {},
      { direction: "backward" },
      { direction: "backward", limitHint: 3 },
      { matchers: [{ name: "job", type: "=", value: "app" }], lineFilters: [] },
      { lineFilters: [{ op: "|=", value: "timeout" }] },
      { startNs: 12n, endNs: 26n },
    ];
    for (const over of selects) {
      const p: LogSelectParams = {
        matchers: [],
        startNs: 0n,
        endNs: 100n,
        direction: "forward",
        lineFilters: [],
        limitHint: 0,
        ...over,
      };
      expect(await collect(after.select(p))).toEqual(await collect(before.select(p)));
    }
    expect(await after.streams([], 0n, 100n)).toEqual(await before.streams([], 0n, 100n));
    const b = { matchers: [], lineFilters: [], startNs: 0n, bucketNs: 10n, buckets: 5 };
    expect(bucketRows(await after.buckets(b))).toEqual(bucketRows(await before.buckets(b)));
  });

  test("merges a lone file into a copy of it", async () => {
    const records = [{ labels: app, t: 1n, line: "x" }];
    const [p] = await write([records]);
    const merged = files.path();
    expect((await mergeLogFiles([p], merged)).rows).toBe(1);
    expect(await fileRows(merged)).toEqual(await fileRows(p));
  });

  const refusals: [string, (p: string) => string[], RegExp][] = [
    ["no input", () => [], /^Cannot merge log files into .*: there are no input files$/],
    ["a file listed twice", (p) => [p, p], /^Cannot merge log files into .*: .* is listed twice$/],
  ];
  test.each(refusals)("refuses %s", async (_, list, message) => {
    const [p] = await write([[{ labels: app, t: 1n, line: "x" }]]);
    await expect(mergeLogFiles(list(p), files.path())).rejects.toThrow(message);
  });
});
