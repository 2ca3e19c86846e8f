import { afterAll, describe, expect, test } from "bun:test";
import { queryRows } from "../testing.ts";
import { LOG_ROW_GROUP } from "./schema.ts";
import { logRows, type TestRecord, tempFiles } from "./testing.ts";
import { writeLogsFile } from "./writer.ts";

const files = tempFiles("parquet-logs-writer-");
afterAll(files.cleanup);

const app = { job: "app", host: "h1" };
const api = { job: "api" };

/** The file's rows as [stream, ts ns, line, fields, line_bytes], in file order. */
function fileRows(path: string) {
  return queryRows(
    `SELECT stream::VARCHAR, epoch_ns(ts), line, fields::VARCHAR, line_bytes FROM read_parquet('${path}')`,
  );
}

describe("writeLogsFile()", () => {
  test("writes the documented columns, types and schema version", async () => {
    const p = files.path();
    await writeLogsFile(logRows([{ labels: app, t: 1n, line: "x" }]), p);
    const cols = await queryRows(`DESCRIBE SELECT * FROM read_parquet('${p}')`);
    expect(cols.map((c) => [c[0], c[1]])).toEqual([
      ["stream", "JSON"],
      ["ts", "TIMESTAMP_NS"],
      ["line", "VARCHAR"],
      ["fields", "JSON"],
      ["line_bytes", "INTEGER"],
    ]);
    const kv = await queryRows(
      `SELECT decode(value) FROM parquet_kv_metadata('${p}') WHERE decode(key) = 'outpost_schema'`,
    );
    expect(kv).toEqual([["logs/1"]]);
  });

  const cases: [string, TestRecord[], unknown[][]][] = [
    [
      "sorts rows by stream text bytes, then time, keeping duplicates in input order",
      [
        { labels: app, t: 20n, line: "app 20" },
        { labels: api, t: 30n, line: "api 30" },
        { labels: app, t: 10n, line: "app 10 first" },
        { labels: app, t: 10n, line: "app 10 second" },
        { labels: app, t: 10n, line: "app 10 second" },
      ],
      [
        ['{"host":"h1","job":"app"}', 10n, "app 10 first", null, 12],
        ['{"host":"h1","job":"app"}', 10n, "app 10 second", null, 13],
        ['{"host":"h1","job":"app"}', 10n, "app 10 second", null, 13],
        ['{"host":"h1","job":"app"}', 20n, "app 20", null, 6],
        ['{"job":"api"}', 30n, "api 30", null, 6],
      ],
    ],
    [
      "stores unicode, empty lines, NUL bytes and fields exactly, with UTF-8 byte lengths",
      [
        { labels: { job: "ünï" }, t: 1n, line: "héllo 😀", fields: ["trace_id", "abc", "1", "x"] },
        { labels: { job: "ünï" }, t: 2n, line: "" },
        { labels: { job: "ünï" }, t: 3n, line: "a\0b" },
      ],
      [
        ['{"job":"ünï"}', 1n, "héllo 😀", '{"trace_id":"abc","1":"x"}', 11],
        ['{"job":"ünï"}', 2n, "", null, 0],
        ['{"job":"ünï"}', 3n, "a\0b", null, 3],
      ],
    ],
  ];
  test.each(cases)("%s", async (_, records, want) => {
    const p = files.path();
    await writeLogsFile(logRows(records), p);
    expect(await fileRows(p)).toEqual(want);
  });

  test("stores a 1 MB line", async () => {
    const p = files.path();
    const line = "x".repeat(1 << 20);
    await writeLogsFile(logRows([{ labels: app, t: 1n, line }]), p);
    expect(
      await queryRows(`SELECT line = '${line}', line_bytes FROM read_parquet('${p}')`),
    ).toEqual([[true, 1 << 20]]);
  });

  test("returns rows, times rounded outwards to ms, streams, jobs and bytes", async () => {
    const p = files.path();
    const stats = await writeLogsFile(
      logRows([
        { labels: app, t: 1_500_000n, line: "a" },
        { labels: { job: "db", host: "x" }, t: -2_500_000n, line: "b" },
        { labels: { host: "nojob" }, t: 7_000_001n, line: "c" },
        { labels: app, t: 3_000_000n, line: "d" },
      ]),
      p,
    );
    const { bytes, ...rest } = stats;
    expect(rest).toEqual({ rows: 4, minTime: -3, maxTime: 8, streams: 3, jobs: ["app", "db"] });
    expect(bytes).toBe(Bun.file(p).size);
  });

  test("counts only streams that have rows", async () => {
    const rows = logRows([{ labels: app, t: 1n, line: "a" }]);
    const stats = await writeLogsFile(
      { ...rows, streams: [...rows.streams, ["job", "idle"]] },
      files.path(),
    );
    expect([stats.streams, stats.jobs]).toEqual([1, ["app"]]);
  });

  test("writes an empty file for no rows", async () => {
    const p = files.path();
    const stats = await writeLogsFile(logRows([]), p);
    expect([stats.rows, stats.minTime, stats.maxTime, stats.streams]).toEqual([0, 0, 0, 0]);
    expect(await queryRows(`SELECT count(*) FROM read_parquet('${p}')`)).toEqual([[0n]]);
  });

  test("cuts row groups of the documented size", async () => {
    const p = files.path();
    // DuckDB folds a small remainder into the last group; 7,232 is not small.
    const n = LOG_ROW_GROUP + 7232;
    const rows = logRows(
      Array.from({ length: n }, (_, i) => ({ labels: app, t: BigInt(i), line: "l" })),
    );
    await writeLogsFile(rows, p);
    const groups = await queryRows(
      `SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${p}') ORDER BY 1`,
    );
    expect(groups).toEqual([
      [0n, BigInt(LOG_ROW_GROUP)],
      [1n, 7232n],
    ]);
  });

  test("says which file it could not write", async () => {
    await expect(writeLogsFile(logRows([]), "/nonexistent/dir/x.parquet")).rejects.toThrow(
      /^Cannot write Parquet log file \/nonexistent\/dir\/x\.parquet: /,
    );
  });
});
