import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { LogSelectParams } from "../../logs/source.ts";
import { DAY_MS, dayOf, type FileEntry, partitionPrefix } from "../catalog/entry.ts";
import { ParquetLogQuerier } from "../parquet/logs/querier.ts";
import { collect, type TestRecord } from "../parquet/logs/testing.ts";
import { type Fixture, fixture } from "./testing.ts";

let fx: Fixture;
beforeEach(async () => {
  fx = await fixture();
});
afterEach(() => fx.cleanup());

const logs = () => fx.catalog.select({ tenant: "default", signal: "logs", tier: "raw" });

/** Records of the fixture's hour, `ms` milliseconds (plus `ns`) into it. */
function at(labels: Record<string, string>, ms: number, line: string, ns = 0n): TestRecord {
  return { labels, t: BigInt(fx.hour + ms) * 1_000_000n + ns, line };
}

/** What a querier over `files` answers to a few selects, the stream list and a bucket count. */
async function answers(files: readonly FileEntry[]) {
  const q = new ParquetLogQuerier(await fx.paths(files), { pageRows: 3, windowRows: 3 });
  const start = BigInt(fx.hour) * 1_000_000n;
  const end = start + 3_600_000_000_000n;
  const selects: Partial<LogSelectParams>[] = [
    {},
    { direction: "backward", limitHint: 4 },
    { matchers: [{ name: "job", type: "=", value: "db" }] },
    { lineFilters: [{ op: "|=", value: "dup" }], direction: "backward" },
  ];
  const base = { matchers: [], startNs: start, endNs: end, lineFilters: [], limitHint: 0 };
  const out: unknown[] = [];
  for (const s of selects)
    out.push(await collect(q.select({ ...base, direction: "forward", ...s })));
  out.push(await q.streams([], start, end));
  const b = await q.buckets({
    matchers: [],
    lineFilters: [],
    startNs: start,
    bucketNs: 600_000_000_000n,
    buckets: 6,
  });
  out.push(
    Array.from(
      { length: b.length },
      (_, i) => `${b.stream[i]}/${b.bucket[i]}/${b.count[i]}/${b.bytes[i]}`,
    ).sort(),
  );
  q.close();
  return out;
}

const app = { job: "app", host: "h1" };
const db = { job: "db" };
const emoji = { job: "app", host: "\u{1F600}" };
const fffd = { job: "app", host: "\uFFFD" };

describe("Compactor on logs", () => {
  test("merges an hour's flush files into one level-1 file that reads back as they did", async () => {
    await fx.flushLogs(
      [at(app, 1000, "a1"), at(db, 1500, "db1"), at(emoji, 1200, "e1"), at(app, 5000, "dup")],
      { seqs: [[1, 2]] },
    );
    await fx.flushLogs(
      [at(app, 5000, "dup"), at(fffd, 900, "f1"), at({ host: "nojob" }, 70_000, "n1")],
      { seqs: [[3, 3]] },
    );
    await fx.flushLogs([at(app, 5000, "dup third"), at(db, 800, "db late", 7n)], {
      seqs: [[5, 9]],
    });
    const inputs = logs();
    const before = await answers(inputs);
    await fx.compactor().run(Date.now());

    const [merged, ...rest] = logs();
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({
      signal: "logs",
      tier: "raw",
      level: 1,
      rows: 9,
      seqs: [
        [1, 3],
        [5, 9],
      ],
      metrics: ["app", "db"],
      minTime: fx.hour + 800,
      maxTime: fx.hour + 70_000,
    });
    expect(merged.key).toContain("/signal=logs/");
    expect(await fx.objects("logs")).toEqual([merged.key]);
    expect(await answers([merged])).toEqual(before);
    expect([1, 2, 3, 4, 5, 9].map((s) => fx.catalog.hasSeq(s))).toEqual([
      true,
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(fx.registry.render()).toContain(
      'outpost_compaction_merged_files_total{signal="logs"} 3',
    );
  });

  test("merges a late flush file into the hour's merged file, after it in time ties", async () => {
    await fx.flushLogs([at(app, 10, "first"), at(app, 20, "x")]);
    await fx.compactor().run(Date.now());
    await fx.flushLogs([at(app, 10, "late"), at(db, 5, "late db")]);
    const before = await answers(logs());
    await fx.compactor().run(Date.now());
    expect(logs().map((f) => [f.level, f.rows])).toEqual([[1, 4]]);
    expect(await answers(logs())).toEqual(before);
    const lines = (before[0] as TestRecord[]).map((r) => r.line);
    expect(lines).toEqual(["late db", "first", "late", "x"]);
  });

  test("tells of a pass that merged (the store warms its cache), not of one with nothing to merge", async () => {
    let told = 0;
    const c = fx.compactor({ onMerged: () => told++ });
    await c.run(Date.now());
    expect(told).toBe(0);
    await fx.flushMetrics([{ labels: { __name__: "up", job: "app" }, t: fx.hour + 1000, v: 1 }]);
    await c.run(Date.now());
    expect(told).toBe(1);
    await c.run(Date.now());
    expect(told).toBe(1);
  });

  test("merges the metrics and logs of one hour apart and rolls up only metrics", async () => {
    const m = { __name__: "up", job: "app" };
    await fx.flushMetrics([{ labels: m, t: fx.hour + 1000, v: 1 }]);
    await fx.flushLogs([at(app, 1000, "a")]);
    await fx.flushMetrics([{ labels: m, t: fx.hour + 61_000, v: 1 }]);
    await fx.flushLogs([at(app, 2000, "b")]);
    // A time past the end of the hour's day, so that the day's 1 h rollup is due too.
    await fx.compactor().run(dayOf(fx.hour) + DAY_MS + 60_000);
    const kinds = fx.catalog.all().map((f) => `${f.signal}/${f.tier}/${f.level}/${f.rows}`);
    expect(kinds.sort()).toEqual([
      "logs/raw/1/2",
      "metrics/1h/1/1",
      "metrics/1m/1/2",
      "metrics/5m/1/1",
      "metrics/raw/1/2",
    ]);
    expect(await fx.objects("logs")).toHaveLength(1);
  });

  test("rolls a day up into 1 h rows once its hours are merged, and again after a late merge", async () => {
    const m = { __name__: "req_total", job: "app" };
    const dayEnded = dayOf(fx.hour) + DAY_MS + 60_000;
    await fx.flushMetrics([{ labels: m, t: fx.hour + 1000, v: 1 }]);
    await fx.flushMetrics([{ labels: m, t: fx.hour + 1_800_000, v: 4 }]);
    const c = fx.compactor();
    await c.run(dayOf(fx.hour) + DAY_MS - 1); // the day is not over: hours only
    expect(fx.catalog.all().filter((f) => f.tier === "1h")).toEqual([]);
    await c.run(dayEnded);
    const [day] = fx.catalog.all().filter((f) => f.tier === "1h");
    expect({ hour: day.hour, rows: day.rows, schema: day.schema }).toEqual({
      hour: dayOf(fx.hour),
      rows: 1,
      schema: 2,
    });
    expect(day.key).toContain("/signal=metrics_1h/");
    // A late flush: the hour is merged again, then the day rolled up again, replacing its rollup.
    await fx.flushMetrics([{ labels: { ...m, job: "late" }, t: fx.hour + 2000, v: 2 }]);
    await c.run(dayEnded);
    const days = fx.catalog.all().filter((f) => f.tier === "1h");
    expect(days.map((f) => f.rows)).toEqual([2]);
    expect(days[0].key).not.toBe(day.key);
  });

  test("keeps merged inputs until delete_delay has passed, the merged file in staging", async () => {
    const inputs = [await fx.flushLogs([at(app, 1, "a")]), await fx.flushLogs([at(app, 2, "b")])];
    const c = fx.compactor({ delete_delay: 300 });
    await c.run(Date.now());
    const merged = logs().map((f) => f.key);
    expect(await fx.objects("logs")).toEqual(inputs.map((f) => f.key));
    expect(await fx.bucket.list("staging/")).toEqual(merged.map((k) => `staging/${k}`));
    await Bun.sleep(350);
    await c.run(Date.now());
    expect(await fx.objects("logs")).toEqual(merged);
    expect(await fx.bucket.list("staging/")).toEqual([]);
  });

  test("keeps an input a query pins until it is released", async () => {
    const pinned = await fx.flushLogs([at(app, 1, "a")]);
    await fx.flushLogs([at(app, 2, "b")]);
    fx.pins.pin([pinned.key]);
    const c = fx.compactor();
    await c.run(Date.now());
    expect(await fx.objects("logs")).toContain(pinned.key);
    fx.pins.unpin([pinned.key]);
    await c.run(Date.now());
    expect(await fx.objects("logs")).toEqual(logs().map((f) => f.key));
  });

  test("sweeps an old log object the catalog does not know, not a young one", async () => {
    await fx.flushLogs([at(app, 1, "a")]);
    const prefix = (await fx.objects("logs"))[0].replace(/[^/]*$/, "");
    const old = `${prefix}${Date.now() - 600_000}-w-flush-orphan.parquet`;
    const young = `${prefix}${Date.now()}-w-flush-young0.parquet`;
    await fx.bucket.put(old, new Uint8Array([1]));
    await fx.bucket.put(young, new Uint8Array([1]));
    await fx.compactor({ orphanAgeMs: 60_000 }).run(Date.now());
    const left = await fx.objects("logs");
    expect(left).toContain(young);
    expect(left).not.toContain(old);
  });

  test("sweeps an old object the catalog does not know from a closed day's 1 h rollups", async () => {
    const m = { __name__: "up", job: "app" };
    await fx.flushMetrics([{ labels: m, t: fx.hour + 1000, v: 1 }]);
    const prefix = partitionPrefix("default", "metrics", "1h", dayOf(fx.hour));
    const old = `${prefix}${Date.now() - 600_000}-c-rollup-orphan.parquet`;
    await fx.bucket.put(old, new Uint8Array([1]));
    await fx.compactor({ orphanAgeMs: 60_000 }).run(dayOf(fx.hour) + DAY_MS + 60_000);
    const left = await fx.bucket.list(prefix);
    expect(left).not.toContain(old);
    expect(fx.catalog.all().filter((f) => f.tier === "1h")).toHaveLength(1);
  });

  test("drops log files past the raw retention and deletes them", async () => {
    await fx.flushLogs([at(app, 1, "a")]);
    await fx.compactor({ retention_raw: 60_000 }).run(Date.now());
    expect(logs()).toEqual([]);
    expect(await fx.objects("logs")).toEqual([]);
  });

  const failures: [string, Partial<FileEntry>, (f: FileEntry) => Promise<void>][] = [
    ["an input is missing from the bucket", {}, (f) => fx.bucket.delete(f.key)],
    ["the merge writes other than the inputs' rows", { rows: 99 }, async () => {}],
  ];
  test.each(failures)("commits nothing and counts an error when %s", async (_, over, spoil) => {
    await fx.flushLogs([at(app, 1, "a")]);
    await spoil(await fx.flushLogs([at(app, 2, "b")], over));
    const committed = logs();
    await fx.compactor().run(Date.now());
    expect(logs()).toEqual(committed);
    expect((await fx.objects("logs")).filter((k) => k.includes("-compact-"))).toEqual([]);
    expect(fx.registry.render()).toContain("outpost_compaction_errors_total 1");
  });
});
