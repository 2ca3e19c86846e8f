import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileEntry } from "./catalog/entry.ts";
import { writeRollupFile } from "./parquet/rollup.ts";
import { readRollupFiles, readRollupRuns } from "./parquet/rollup_reader.ts";
import { sampleRows, type TestSample, writeRollupHours } from "./parquet/testing.ts";
import { writeMetricsFile } from "./parquet/writer.ts";
import { cachedRollups, RollupCache, rollupBytes } from "./rollup_cache.ts";
import { HELD_FIELDS } from "./rollup_rows.ts";
import type { RollupField, RollupRows } from "./storage.ts";

const ALL = { start: 0, end: 1e15 };

const dir = mkdtempSync(join(tmpdir(), "rollup-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H);
const HOURS = 3;
let paths: string[] = [];
let files: FileEntry[] = [];

beforeAll(async () => {
  ({ paths, files } = await writeRollupHours(dir, T0, HOURS, (job, h, t) =>
    job === "c" ? (t / 15_000) * 0.5 : h * 240 + t / 15_000,
  ));
});

/** `cachedRollups` over hours [from, to) of the files, counting the files it opens. */
async function read(
  cache: RollupCache,
  from: number,
  to: number,
  range = { start: 0, end: 1e15 },
  match = (l: readonly string[]) => l[3] !== "b",
  fields?: readonly RollupField[],
) {
  const opened: number[] = [];
  const chosen = files.slice(from, to);
  const localPath = async (i: number) => {
    opened.push(from + i);
    return paths[from + i];
  };
  const rows = await cachedRollups(cache, chosen, ["m"], localPath, match, range, fields);
  return { rows, opened };
}

const plain = (rows: readonly RollupRows[]) =>
  rows.map((r) => ({
    labels: r.labels,
    ...Object.fromEntries(HELD_FIELDS.map((f) => [f, Array.from(r[f])])),
    counts: Array.from(r.countTotal.subarray(1), (t, i) => t - r.countTotal[i]),
  }));

describe("readRollupRuns()", () => {
  test("says where each file's rows sit: the rows a read of that file alone gives", async () => {
    const all = { start: 0, end: 1e15 };
    const { series, placements } = await readRollupRuns(paths, { metrics: ["m"], ...all });
    expect(placements).not.toBeNull();
    for (let f = 0; f < HOURS; f++) {
      const alone = await readRollupFiles([paths[f]], { metrics: ["m"], ...all });
      const at = placements?.[f];
      const parts = series.map((r, j) => ({
        labels: r.labels,
        ...Object.fromEntries(
          HELD_FIELDS.map((k) => [k, Array.from(r[k].subarray(at?.from[j], at?.to[j]))]),
        ),
        counts: Array.from(
          r.countTotal.subarray((at?.from[j] ?? 0) + 1, (at?.to[j] ?? 0) + 1),
          (t, i) => t - r.countTotal[(at?.from[j] ?? 0) + i],
        ),
      }));
      expect(parts).toEqual(plain(alone));
    }
  });

  test("totals each series' sumBound without the columns it is computed from", async () => {
    const read = (fields?: RollupField[]) =>
      readRollupFiles(paths, { metrics: ["m"], fields, ...ALL });
    const bounds = (rows: readonly RollupRows[]) => rows.map((r) => [r.labels[3], r.sumBound]);
    const all = await read();
    const counter = await read(["first", "last", "lastAge", "resets", "resetSum"]);
    expect(counter[0].min.length).toBe(0);
    expect(bounds(counter)).toEqual(bounds(all));
    // a and b count whole numbers (the bound is finite, and each below 2^53); c's are halves.
    expect(bounds(all).map(([, b]) => Number.isFinite(b))).toEqual([true, true, false]);
  });

  test("has no placements where two files' rows of a series interleave", async () => {
    // Hours 0 and 2 then 1: the rows of hour 1 come between those of the others.
    const order = [paths[0], paths[2], paths[1]];
    const { series, placements } = await readRollupRuns(order, { metrics: ["m"], ...ALL });
    expect(placements).toBeNull();
    const rows = (r: readonly RollupRows[]) => r.map((s) => s.length);
    expect(rows(series)).toEqual(rows(await readRollupFiles(paths, { metrics: ["m"], ...ALL })));
  });
});

describe("cachedRollups()", () => {
  test("gives the rows a direct read of the files gives, sorted by labels", async () => {
    const range = { start: T0 + H / 2, end: T0 + 2 * H + H / 4 };
    const { rows } = await read(new RollupCache(1 << 24), 0, HOURS, range);
    const direct = await readRollupFiles(paths, {
      ...range,
      metrics: ["m"],
      match: (l) => l[3] !== "b",
    });
    expect(rows.map((r) => r.labels[3])).toEqual(["a", "c"]);
    expect(plain(rows)).toEqual(plain(direct));
  });

  test("slices a held run for another range without opening a file", async () => {
    const cache = new RollupCache(1 << 24);
    expect((await read(cache, 0, HOURS)).opened.sort()).toEqual([0, 1, 2]);
    const again = await read(cache, 0, HOURS, { start: T0 + H, end: T0 + 2 * H });
    expect(again.opened).toEqual([]);
    // 13 window ends; the two on hours have a row in each hour's file.
    expect(again.rows[0].length).toBe(15);
    // The window sum over the slice is a difference of running totals.
    const r = again.rows[0];
    let sum = 0;
    for (let i = 0; i < r.length; i++) sum += r.sum[i];
    expect(r.sumTotal[r.length] - r.sumTotal[0]).toBe(sum);
  });

  test("joins a moved cover from the files it still holds", async () => {
    const cache = new RollupCache(1 << 24);
    await read(cache, 0, 2);
    expect((await read(cache, 1, 3)).opened).toEqual([2]);
  });

  test("reads a cover whole when most of its files are not held, rather than join", async () => {
    const cache = new RollupCache(1 << 24);
    await read(cache, 2, 3);
    const whole = await read(cache, 0, HOURS);
    expect(whole.opened.sort()).toEqual([0, 1, 2]);
    expect(plain(whole.rows)).toEqual(plain((await read(new RollupCache(1 << 24), 0, HOURS)).rows));
  });

  test("joins a moved cover from a run's rows without holding its files twice", async () => {
    const all = () => true;
    const whole = (await read(new RollupCache(1 << 24), 0, HOURS, undefined, all)).rows;
    // Room for the run of all three hours and a little more, not for a second copy of it.
    const cache = new RollupCache(Math.ceil(rollupBytes(whole) * 1.2));
    await read(cache, 0, HOURS);
    expect((await read(cache, 1, HOURS)).opened).toEqual([]);
    // Holding hours 1–2 pushed the run of 0–2 out, and with it where hour 0's rows sat.
    expect((await read(cache, 0, 2)).opened).toEqual([0]);
    expect(plain((await read(cache, 1, 2)).rows)).toEqual(
      plain((await read(new RollupCache(1 << 24), 1, 2)).rows),
    );
  });

  test("holds no run larger than the budget, so others stay", async () => {
    // Each file's rows (3 series, ~13 rows) fit the budget; their run (~38 rows) does not.
    const cache = new RollupCache(8_000);
    cache.put("other", [], new Map(), []);
    expect((await read(cache, 0, HOURS)).opened.sort()).toEqual([0, 1, 2]);
    expect(cache.lookup("other")).toEqual([]);
    // Known too large: read again whole, and still not held.
    expect((await read(cache, 0, HOURS)).opened.sort()).toEqual([0, 1, 2]);
    expect(cache.lookup("other")).toEqual([]);
  });

  test("forgets where a file's rows sit once their run is pushed out", async () => {
    const cache = new RollupCache(8_000);
    await read(cache, 0, 1);
    expect((await read(cache, 0, 1)).opened).toEqual([]);
    await read(cache, 1, 2);
    await read(cache, 2, 3);
    // Room for about two one-hour runs: hour 0's went first.
    expect((await read(cache, 0, 1)).opened).toEqual([0]);
  });

  test("holds a read of some fields at the bytes of its columns", async () => {
    const cache = new RollupCache(1 << 24);
    const all = await read(new RollupCache(1 << 24), 0, HOURS);
    const max = await read(cache, 0, HOURS, undefined, undefined, ["max"]);
    expect(max.opened.sort()).toEqual([0, 1, 2]);
    const some = (rows: readonly RollupRows[]) =>
      rows.map((r) => [r.ends, r.countTotal, r.firstAge, r.max].map((a) => Array.from(a)));
    expect(some(max.rows)).toEqual(some(all.rows));
    expect(max.rows.map((r) => [r.min.length, r.sum.length, r.whole.length])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // ends, first ages, max and the counts' running total: 28 bytes a row, not 85.
    expect(rollupBytes(max.rows) / rollupBytes(all.rows)).toBeLessThan(0.5);
    expect((await read(cache, 1, HOURS, undefined, undefined, ["max"])).opened).toEqual([]);
  });

  test("serves a read of fewer fields from a held run of more", async () => {
    const cache = new RollupCache(1 << 24);
    await read(cache, 0, HOURS, undefined, undefined, ["max"]);
    const counts = await read(cache, 0, HOURS, undefined, undefined, []);
    expect(counts.opened).toEqual([]);
    expect(counts.rows[0].max.length).toBe(counts.rows[0].length);
    expect((await read(cache, 0, HOURS, undefined, undefined, ["min"])).opened.length).toBe(3);
  });

  test("joins a moved cover of fewer fields from a held run of more", async () => {
    const cache = new RollupCache(1 << 24);
    await read(cache, 0, 2, undefined, undefined, ["max"]);
    const moved = await read(cache, 1, HOURS, undefined, undefined, []);
    expect(moved.opened).toEqual([2]);
    const fresh = await read(new RollupCache(1 << 24), 1, HOURS, undefined, undefined, []);
    const some = (rows: readonly RollupRows[]) =>
      rows.map((r) => [r.ends, r.countTotal, r.firstAge].map((a) => Array.from(a)));
    expect(some(moved.rows)).toEqual(some(fresh.rows));
    // Joined with the new file's rows of the base fields: no `max` there.
    expect(moved.rows[0].max.length).toBe(0);
  });

  test("copies a moved cover's series whose rows came from one file of another run", async () => {
    // x in every hour, y only in the middle one.
    const own: string[] = [];
    const entries: FileEntry[] = [];
    for (let h = 0; h < 3; h++) {
      const samples: TestSample[] = [];
      for (const job of h === 1 ? ["x", "y"] : ["x"]) {
        for (let t = 0; t < H; t += 60_000) {
          samples.push({ labels: { __name__: "n", job }, t: T0 + h * H + t, v: t });
        }
      }
      const raw = join(dir, `own-raw${h}.parquet`);
      await writeMetricsFile(sampleRows(samples), raw);
      own.push(join(dir, `own${h}.parquet`));
      await writeRollupFile([raw], own[h], 300_000);
      entries.push({ key: `own${h}`, hour: T0 + h * H } as FileEntry);
    }
    const cache = new RollupCache(1 << 24);
    const cover = (from: number, to: number) =>
      cachedRollups(
        cache,
        entries.slice(from, to),
        ["n"],
        async (i) => own[from + i],
        () => true,
        { start: 0, end: 1e15 },
      );
    await cover(0, 2);
    const moved = await cover(1, 3);
    const y = moved.find((r) => r.labels[3] === "y");
    // Its own arrays: a view would keep the first run's arrays alive, uncounted.
    expect(y?.ends.byteLength).toBe(y?.ends.buffer.byteLength);
    expect(y?.length).toBe(13);
  });

  test("bounds a run joined from parts of others by its own rows", async () => {
    const fields: RollupField[] = ["first"];
    const cache = new RollupCache(1 << 24);
    const alone = (await read(new RollupCache(1 << 24), 1, HOURS, undefined, undefined, fields))
      .rows;
    await read(cache, 0, 2, undefined, undefined, fields);
    const joined = await read(cache, 1, HOURS, undefined, undefined, fields);
    expect(joined.opened).toEqual([2]);
    // Hour 1 from the held run of hours 0–1 (its file's bound, not the run's), hour 2 read:
    // the direct read's bound, not one that grows with each move of the cover.
    const a = (rows: readonly RollupRows[]) => rows[0].sumBound;
    expect(Number.isFinite(a(alone))).toBe(true);
    expect(a(joined.rows)).toBe(a(alone));
    expect(joined.rows[1].sumBound).toBe(Number.POSITIVE_INFINITY);
  });

  test("reads everything again when the cache is too small to hold it", async () => {
    const cache = new RollupCache(100);
    await read(cache, 0, HOURS);
    expect((await read(cache, 0, HOURS)).opened.sort()).toEqual([0, 1, 2]);
  });
});
