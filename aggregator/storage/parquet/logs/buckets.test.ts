import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { labelsToMap } from "../../../../shared/model/labels.ts";
import type { LogBucketParams, LogBuckets } from "../../../logs/source.ts";
import { ParquetLogQuerier } from "./querier.ts";
import { logRows, type TestRecord, tempFiles } from "./testing.ts";
import { writeLogsFile } from "./writer.ts";

const files = tempFiles("parquet-logs-buckets-");
afterAll(files.cleanup);

const START = 1_000n;
const STEP = 100n;

// Times on both sides of every bucket edge, in two files, three streams; some unicode lines.
const records: TestRecord[] = [];
for (let t = 900n; t <= 1_510n; t += 10n) {
  for (const job of ["app", "api", "db"]) {
    if (job === "db" && t % 50n !== 0n) continue;
    records.push({
      labels: { job },
      t,
      line: t % 30n === 0n ? `é ${job} error ${t}` : `${job} ok`,
    });
  }
}
records.push({ labels: { job: "app" }, t: START, line: "on the open edge" });
records.push({ labels: { job: "app" }, t: START + STEP, line: "on the closed edge" });
let q: ParquetLogQuerier;

beforeAll(async () => {
  const paths = [files.path(), files.path()];
  await writeLogsFile(logRows(records.filter((_, i) => i % 2 === 0)), paths[0]);
  await writeLogsFile(logRows(records.filter((_, i) => i % 2 === 1)), paths[1]);
  q = new ParquetLogQuerier(paths);
});

/** Counts as `job/bucket → [count, bytes]`, from buckets() or by hand. */
function byKey(b: LogBuckets): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (let i = 0; i < b.length; i++) {
    const job = labelsToMap(b.streams[b.stream[i]]).get("job");
    out[`${job}/${b.bucket[i]}`] = [b.count[i], b.bytes[i]];
  }
  return out;
}

function byHand(p: LogBucketParams, keep: (r: TestRecord) => boolean) {
  const out: Record<string, [number, number]> = {};
  for (const r of records) {
    const end = p.startNs + BigInt(p.buckets) * p.bucketNs;
    if (!(r.t > p.startNs && r.t <= end) || !keep(r)) continue;
    const key = `${r.labels.job}/${(r.t - p.startNs - 1n) / p.bucketNs}`;
    const [n, bytes] = out[key] ?? [0, 0];
    out[key] = [n + 1, bytes + Buffer.byteLength(r.line)];
  }
  return out;
}

const base: LogBucketParams = {
  matchers: [],
  lineFilters: [],
  startNs: START,
  bucketNs: STEP,
  buckets: 5,
};

describe("ParquetLogQuerier.buckets()", () => {
  const cases: [string, Partial<LogBucketParams>, (r: TestRecord) => boolean][] = [
    ["counts every stream into left-open buckets", {}, () => true],
    [
      "counts the matching streams only",
      { matchers: [{ name: "job", type: "!=", value: "api" }] },
      (r) => r.labels.job !== "api",
    ],
    [
      "applies line filters",
      { lineFilters: [{ op: "|~", value: "err.r" }] },
      (r) => /err.r/.test(r.line),
    ],
    ["counts one bucket", { buckets: 1, startNs: 1_200n }, () => true],
    [
      "counts buckets wider than the data",
      { buckets: 3, startNs: 0n, bucketNs: 1_000n },
      () => true,
    ],
    ["counts nothing past the data", { startNs: 5_000n }, () => true],
  ];
  test.each(cases)("%s", async (_, over, keep) => {
    const p = { ...base, ...over };
    expect(byKey(await q.buckets(p))).toEqual(byHand(p, keep));
  });

  test("puts a record on a bucket's end in that bucket and one on its start in the one before", async () => {
    const got = byKey(await q.buckets({ ...base, lineFilters: [{ op: "|=", value: "edge" }] }));
    expect(got).toEqual({ "app/0": [1, 18] });
  });

  test("counts nothing for zero buckets", async () => {
    expect((await q.buckets({ ...base, buckets: 0 })).length).toBe(0);
  });

  test("refuses a bucket width that is not positive", async () => {
    await expect(q.buckets({ ...base, bucketNs: 0n })).rejects.toThrow(
      "Cannot count log buckets: 5 buckets of 0 ns",
    );
  });
});
