/**
 * The rollup reader's two ways (`rollupReaderTuning.fileOrder`): every series of a metric in
 * the files' own order, held to the sorted read, its reference, bit for bit; and the sorted
 * read wherever the files' order cannot serve. The files' order keeps the columns that series
 * hold alike once per pattern (`rollupReaderTuning.common`), held to each series' own.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HELD_FIELDS } from "../rollup_rows.ts";
import type { RollupField } from "../storage.ts";
import { writeRollupFile } from "./rollup.ts";
import {
  type RollupReadOptions,
  readRollupRuns,
  rollupCommonStats,
  rollupReaderStats,
  rollupReaderTuning,
} from "./rollup_reader.ts";
import { sampleRows, type TestSample } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "rollup-file-order-"));
afterAll(() => {
  rollupReaderTuning.fileOrder = true;
  rollupReaderTuning.index = true;
  rollupReaderTuning.common = true;
  rmSync(dir, { recursive: true, force: true });
});

const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H);
const paths: string[] = [];

beforeAll(async () => {
  // Four hours of two metrics; series come and go, counters reset, one gauge has halves,
  // and a sample sits on each hour (its window has a row in both hours' files).
  for (let h = 0; h < 4; h++) {
    const samples: TestSample[] = [];
    for (const job of ["a", "b", "c", "d", "e"]) {
      if (job === "d" && h === 1) continue;
      if (job === "e" && h < 2) continue;
      for (let t = h === 0 ? 0 : 30_000; t <= H; t += 30_000) {
        const at = T0 + h * H + t;
        // a resets within a window of the second hour.
        const reset = job === "a" && h === 1 && t > 1_000_000;
        const v =
          job === "c"
            ? (t / 30_000) * 0.5
            : job === "b" && h === 2
              ? t / 1000
              : reset
                ? t - 1_000_000
                : h * H + t;
        samples.push({ labels: { __name__: "m", job }, t: at, v });
        samples.push({ labels: { __name__: "other", job }, t: at, v: -v });
      }
    }
    const raw = join(dir, `raw${h}.parquet`);
    await writeMetricsFile(sampleRows(samples), raw);
    paths.push(join(dir, `r${h}.parquet`));
    await writeRollupFile([raw], paths[h], 300_000);
  }
});

/** A read of `files` both ways: what each gives, and which way each took. */
async function both(files: readonly string[], opts: Partial<RollupReadOptions> = {}) {
  const read = async (fileOrder: boolean) => {
    rollupReaderTuning.fileOrder = fileOrder;
    const before = { ...rollupReaderStats };
    const runs = await readRollupRuns(files, { metrics: ["m"], start: 0, end: 1e15, ...opts });
    const took = rollupReaderStats.fileOrder > before.fileOrder ? "file order" : "sorted";
    return { plain: plain(runs), took };
  };
  return { fileOrder: await read(true), sorted: await read(false) };
}

function plain(runs: Awaited<ReturnType<typeof readRollupRuns>>) {
  return {
    series: runs.series.map((r) => ({
      labels: r.labels,
      ...Object.fromEntries(HELD_FIELDS.map((f) => [f, Array.from(r[f])])),
      countTotal: Array.from(r.countTotal),
      sumBound: r.sumBound,
    })),
    placements: runs.placements?.map((p) => [Array.from(p.from), Array.from(p.to)]) ?? null,
  };
}

describe("a read of every series of a metric", () => {
  const reads: [string, RollupField[] | undefined][] = [
    ["of every column", undefined],
    ["of a counter's columns", ["first", "last", "lastAge", "resets", "resetSum"]],
    ["of the base columns", []],
  ];
  test.each(reads)("in the files' order gives the sorted read's rows %s", async (_, fields) => {
    const { fileOrder, sorted } = await both(paths, { fields });
    expect(fileOrder.took).toBe("file order");
    expect(sorted.took).toBe("sorted");
    expect(fileOrder.plain).toEqual(sorted.plain);
    expect(fileOrder.plain.series.map((s) => s.labels[3])).toEqual(["a", "b", "c", "d", "e"]);
  });

  test("within a time range gives the sorted read's rows", async () => {
    const { fileOrder, sorted } = await both(paths, { start: T0 + H + H / 3, end: T0 + 3 * H });
    expect(fileOrder.took).toBe("file order");
    expect(fileOrder.plain).toEqual(sorted.plain);
  });

  test("of files out of time order is sorted instead, with no placements", async () => {
    const { fileOrder, sorted } = await both([paths[0], paths[2], paths[1], paths[3]]);
    expect(fileOrder.took).toBe("sorted");
    expect(fileOrder.plain).toEqual(sorted.plain);
    expect(sorted.plain.placements).toBeNull();
  });
});

test("a read of some series is in the files' order from their indexes, else sorted", async () => {
  const { fileOrder, sorted } = await both(paths, { match: (l) => l[3] !== "b" });
  expect(fileOrder.took).toBe("file order");
  expect(fileOrder.plain).toEqual(sorted.plain);
  expect(fileOrder.plain.series.map((s) => s.labels[3])).toEqual(["a", "c", "d", "e"]);
  rollupReaderTuning.index = false;
  try {
    const unindexed = await both(paths, { match: (l) => l[3] !== "b" });
    expect(unindexed.fileOrder.took).toBe("sorted");
    expect(unindexed.fileOrder.plain).toEqual(sorted.plain);
  } finally {
    rollupReaderTuning.index = true;
  }
});

describe("window ends and counts that series hold alike", () => {
  /** A read in the files' order, with common columns or without. */
  async function read(common: boolean, files: readonly string[]) {
    rollupReaderTuning.fileOrder = true;
    rollupReaderTuning.common = common;
    try {
      return await readRollupRuns(files, { metrics: ["m"], start: 0, end: 1e15 });
    } finally {
      rollupReaderTuning.common = true;
    }
  }

  test("are kept once, and give each series the rows it holds on its own", async () => {
    const before = new Map(rollupCommonStats);
    const shared = (f: RollupField) => (rollupCommonStats.get(f) ?? 0) - (before.get(f) ?? 0);
    const common = await read(true, paths);
    // a, b and c were scraped alike all four hours; d missed one (its ends part from theirs
    // there, its counts are still theirs), e came in the third (its first values are others).
    // a reset within a window (b's reset falls between two): the others part from the resets
    // a brought, and follow one pattern from there. Each series follows a pattern.
    for (const f of ["ends", "count", "resets"] as const) expect(shared(f)).toBe(5);
    const own = await read(false, paths);
    expect(shared("ends")).toBe(5);
    expect(plain(common)).toEqual(plain(own));
  });
});

describe("a read of more files than a query scans, and of more rows than a chunk", () => {
  const many: string[] = [];

  beforeAll(async () => {
    // 11 hours (8 files a query), 40 series of 1 m rows (2,400 rows a file; chunks of 2,048),
    // one series missing for three hours, and another metric between. Odd series are scraped
    // 15 s before even ones, as another target would be: their sample ages are others.
    for (let h = 0; h < 11; h++) {
      const samples: TestSample[] = [];
      for (let s = 0; s < 40; s++) {
        if (s === 17 && h >= 3 && h <= 5) continue;
        for (let t = 30_000; t <= H; t += 30_000) {
          const at = T0 + h * H + t - (s % 2) * 15_000;
          samples.push({ labels: { __name__: "m", job: `s${s}` }, t: at, v: h * H + t + s });
          samples.push({ labels: { __name__: "n", job: `s${s}` }, t: at, v: s });
        }
      }
      const raw = join(dir, `many-raw${h}.parquet`);
      await writeMetricsFile(sampleRows(samples), raw);
      many.push(join(dir, `many${h}.parquet`));
      await writeRollupFile([raw], many[h], 60_000);
    }
    // 22 files written: past bun's 5 s default for a hook on a loaded machine.
  }, 60_000);

  test("in the files' order gives the sorted read's rows", async () => {
    const before = new Map(rollupCommonStats);
    const { fileOrder, sorted } = await both(many);
    expect(fileOrder.took).toBe("file order");
    expect(fileOrder.plain).toEqual(sorted.plain);
    expect(fileOrder.plain.series).toHaveLength(40);
    expect(fileOrder.plain.series.map((s) => s.countTotal.length - 1)).toContain(8 * 60);
    // Every series' ages follow its target's pattern, even the one that missed hours, and
    // its window ends follow one that parts from the others' there; nothing reset.
    const shared = (f: RollupField) => (rollupCommonStats.get(f) ?? 0) - (before.get(f) ?? 0);
    expect(["firstAge", "lastAge", "resets"].map((f) => shared(f as RollupField))).toEqual([
      40, 40, 40,
    ]);
    // Sums of resets are each series' own.
    expect(shared("resetSum")).toBe(0);
    expect(shared("ends")).toBe(40);
  });
});
