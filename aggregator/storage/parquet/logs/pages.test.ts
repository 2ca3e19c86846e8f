import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { random } from "../../../../test/harness/random.ts";
import type { LogSelectParams } from "../../../logs/source.ts";
import { ParquetLogQuerier } from "./querier.ts";
import { collect, logRows, type TestRecord, tempFiles } from "./testing.ts";
import { writeLogsFile } from "./writer.ts";

const files = tempFiles("parquet-logs-pages-");
afterAll(files.cleanup);

// 30 files of 200 records over 3 streams, overlapping in time; every time distinct.
const FILES = 30;
const records: TestRecord[] = [];
const paths: string[] = [];

beforeAll(async () => {
  const next = random(7);
  const used = new Set<bigint>();
  for (let f = 0; f < FILES; f++) {
    const mine: TestRecord[] = [];
    for (let i = 0; i < 200; i++) {
      let t: bigint;
      do t = BigInt(Math.floor(next() * 1e6)) + 1_700_000_000_000_000_000n;
      while (used.has(t));
      used.add(t);
      const job = ["app", "api", "db"][i % 3];
      mine.push({
        labels: { job },
        t,
        line: `${job} f${f} i${i}${i % 10 === 0 ? " timeout" : ""}`,
      });
    }
    const p = files.path();
    await writeLogsFile(logRows(mine), p);
    paths.push(p);
    records.push(...mine);
  }
});

const T0 = 1_700_000_000_000_000_000n;

function params(over: Partial<LogSelectParams>): LogSelectParams {
  return {
    matchers: [],
    startNs: T0,
    endNs: T0 + 1_000_000n,
    direction: "forward",
    lineFilters: [],
    limitHint: 0,
    ...over,
  };
}

describe("ParquetLogQuerier.select() over many files", () => {
  const sizes = [
    ["default sizes", {}],
    ["pages of 97 rows in windows of 500", { pageRows: 97, windowRows: 500 }],
  ] as const;
  const cases: [string, Partial<LogSelectParams>, (r: TestRecord) => boolean][] = [
    ["all records forward", {}, () => true],
    ["all records backward", { direction: "backward" }, () => true],
    [
      "the newest 150 of a job",
      {
        direction: "backward",
        limitHint: 150,
        matchers: [{ name: "job", type: "=", value: "app" }],
      },
      (r) => r.labels.job === "app",
    ],
    [
      "the oldest 40 with a filter",
      { limitHint: 40, lineFilters: [{ op: "|=", value: "timeout" }] },
      (r) => r.line.includes("timeout"),
    ],
    [
      "a middle range backward",
      { direction: "backward", startNs: T0 + 250_000n, endNs: T0 + 600_000n },
      (r) => r.t >= T0 + 250_000n && r.t < T0 + 600_000n,
    ],
  ];
  for (const [sizeName, size] of sizes) {
    test.each(cases)(`returns %s in order (${sizeName})`, async (_, over, keep) => {
      const p = params(over);
      const sign = p.direction === "backward" ? -1 : 1;
      let want = records.filter(keep).sort((a, b) => sign * Number(a.t - b.t));
      if (p.limitHint > 0) want = want.slice(0, p.limitHint);
      const got = await collect(new ParquetLogQuerier(paths, size).select(p));
      expect(got.map((r) => r.line)).toEqual(want.map((r) => r.line));
    });
  }
});

describe("ParquetLogQuerier.select() with equal times", () => {
  test("pages through 40,000 records of one time without losing or repeating one", async () => {
    const p = [files.path(), files.path()];
    const n = 20_000;
    const make = (f: number) =>
      Array.from({ length: n }, (_, i) => ({ labels: { job: "tie" }, t: 5n, line: `${f}-${i}` }));
    await writeLogsFile(logRows(make(0)), p[0]);
    await writeLogsFile(logRows(make(1)), p[1]);
    for (const direction of ["forward", "backward"] as const) {
      const got = await collect(
        new ParquetLogQuerier(p, { pageRows: 3000 }).select(
          params({ startNs: 0n, endNs: 10n, direction }),
        ),
      );
      expect(got.length).toBe(2 * n);
      expect(new Set(got.map((r) => r.line)).size).toBe(2 * n);
    }
  });
});
