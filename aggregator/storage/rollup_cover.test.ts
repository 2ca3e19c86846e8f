import { describe, expect, test } from "bun:test";
import type { FileEntry, Tier } from "./catalog/entry.ts";
import { fewerRows, rollupCover } from "./rollup_cover.ts";
import type { RollupField, TimeRange } from "./storage.ts";

const H = 3_600_000;

function file(tier: Tier, hour: number, over: Partial<FileEntry> = {}): FileEntry {
  return {
    key: `${tier}-${hour}-${over.created ?? 0}`,
    tenant: "t",
    signal: "metrics",
    tier,
    hour: hour * H,
    minTime: hour * H,
    maxTime: hour * H + H - 1,
    rows: 1,
    bytes: 1,
    metrics: ["x"],
    seqs: [],
    level: 1,
    created: 10,
    ...(tier === "raw" ? {} : { schema: 2, created: 20 }),
    ...over,
  };
}

const selectFrom = (files: FileEntry[]) => (tier: Tier, r: TimeRange) =>
  files.filter((f) => f.tier === tier && f.maxTime >= r.start && f.minTime <= r.end);

function cover(files: FileEntry[], range: TimeRange, headMin = Infinity) {
  const select = selectFrom(files);
  const c = rollupCover(select, "5m", range, headMin);
  return (
    c && {
      hours: c.files.map((f) => f.hour / H),
      covered: [c.covered.start / H, (c.covered.end + 1) / H],
    }
  );
}

describe("rollupCover()", () => {
  const whole = (n: number) =>
    Array.from({ length: n }, (_, h) => [file("raw", h), file("5m", h)]).flat();
  // [name, files, range in hours, head's first hour, answer]
  type Want = { hours: number[]; covered: number[] } | null;
  const cases: [string, FileEntry[], [number, number], number, Want][] = [
    [
      "covers every hour rolled up",
      whole(3),
      [0, 3],
      Infinity,
      { hours: [0, 1, 2], covered: [0, 3] },
    ],
    ["leaves hours the head holds raw", whole(3), [0, 3], 2, { hours: [0, 1], covered: [0, 2] }],
    [
      "leaves an hour with a flush after its merge raw, and takes the longest run",
      [...whole(4), file("raw", 1, { level: 0 })],
      [0, 4],
      Infinity,
      { hours: [2, 3], covered: [2, 4] },
    ],
    [
      "skips a rollup older than its hour's raw file",
      [file("raw", 0, { created: 30 }), file("5m", 0)],
      [0, 1],
      Infinity,
      null,
    ],
    [
      "skips a rollup of schema 1",
      [file("raw", 0), file("5m", 0, { schema: undefined })],
      [0, 1],
      Infinity,
      null,
    ],
    [
      "runs across an hour without any data",
      [file("raw", 0), file("5m", 0), file("raw", 2), file("5m", 2)],
      [0, 3],
      Infinity,
      { hours: [0, 2], covered: [0, 3] },
    ],
  ];
  test.each(cases)("%s", (_name, files, [from, to], head, want) => {
    expect(cover(files, { start: from * H, end: to * H - 1 }, head * H)).toEqual(want);
  });
});

describe("rollupCover() over 1 h rollups, a file a day", () => {
  const D = 24;
  /** A day's 1 h rollup (its `hour` the day's start, spanning the day's window ends). */
  const day = (d: number, over: Partial<FileEntry> = {}) =>
    file("1h", d * D, { maxTime: (d + 1) * D * H, ...over });
  const days = (files: FileEntry[], range: [number, number], headMin = Infinity) => {
    const c = rollupCover(
      selectFrom(files),
      "1h",
      { start: range[0] * H, end: range[1] * H - 1 },
      headMin * H,
    );
    return (
      c && {
        days: c.files.map((f) => f.hour / H / D),
        covered: [c.covered.start / H, (c.covered.end + 1) / H],
      }
    );
  };
  const merged = (hours: number[], over: Partial<FileEntry> = {}) =>
    hours.map((h) => file("raw", h, over));

  test("covers whole days whose every merged hour went into the day's rollup", () => {
    const files = [...merged([0, 5, 23, 24, 40]), day(0), day(1)];
    expect(days(files, [0, 48])).toEqual({ days: [0, 1], covered: [0, 48] });
    // A range inside the days is covered by the whole days holding it.
    expect(days(files, [3, 30])).toEqual({ days: [0, 1], covered: [0, 48] });
  });

  test("leaves a day raw where an hour has a flush file, two files, or a file newer than the rollup", () => {
    const base = [...merged([0, 30]), day(0), day(1)];
    const want = { days: [0], covered: [0, 24] };
    expect(days([...base, file("raw", 31, { level: 0 })], [0, 48])).toEqual(want);
    expect(days([...base, file("raw", 30, { key: "again" })], [0, 48])).toEqual(want);
    expect(days([...base, file("raw", 31, { created: 30 })], [0, 48])).toEqual(want);
  });

  test("leaves the days the head reaches raw, and days without a rollup", () => {
    const files = [...merged([0, 30, 50]), day(0), day(1)];
    expect(days(files, [0, 72], 47)).toEqual({ days: [0], covered: [0, 24] });
    expect(days(files, [0, 72])).toEqual({ days: [0, 1], covered: [0, 48] });
  });

  test("skips a day's rollup of schema 1, and an hourly tier's files", () => {
    expect(days([...merged([0]), day(0, { schema: undefined })], [0, 24])).toBeNull();
    expect(days([...merged([0]), file("5m", 0)], [0, 24])).toBeNull();
  });
});

/** What `rate` reads (kernels.ts `ROW_FIELDS`) besides ROLLUP_BASE_FIELDS. */
const RATE_FIELDS: RollupField[] = ["first", "last", "lastAge", "resets", "resetSum"];

describe("fewerRows() over 1 h rollups", () => {
  // A day of 10 series: raw rows an hour against the day's 1 h rows (10 an hour).
  test.each([
    ["takes them at a sample every 15 s (240 samples a row)", 2400, undefined, true],
    ["takes them at a sample every 150 s (24 samples a row)", 240, undefined, true],
    ["leaves them at 5 min (12 samples a row: more bytes than raw)", 120, undefined, false],
    ["takes a max's 4 columns at 5 min (28 bytes for 12 samples)", 120, ["max"], true],
    ["leaves a max's at 10 min (6 samples a row)", 60, ["max"], false],
    ["takes a rate's at 5 min (52 bytes for 12 samples)", 120, RATE_FIELDS, true],
    ["leaves a rate's at 6 min (10 samples a row)", 100, RATE_FIELDS, false],
  ] as const)("%s", (_name, rawPerHour, fields, want) => {
    const files = [
      ...Array.from({ length: 24 }, (_, h) => file("raw", h, { rows: rawPerHour })),
      file("1h", 0, { rows: 240, maxTime: 24 * H }),
    ];
    const c = rollupCover(selectFrom(files), "1h", { start: 0, end: 24 * H - 1 }, Infinity);
    expect(c && fewerRows(c, selectFrom(files), "1h", fields)).toBe(want);
  });
});

describe("fewerRows()", () => {
  // [name, raw rows by hour, 5 m rows by hour, answer]
  const cases: [string, number[], number[], boolean][] = [
    ["takes rollups of a sample every 15 s (20× fewer rows)", [2400, 2400], [120, 120], true],
    ["takes rollups of half the raw rows (a sample every 2.5 min)", [24, 24], [12, 12], true],
    ["leaves rollups of a sample every 5 min (as many rows) raw", [12, 12], [12, 12], false],
    ["adds up every hour of the cover", [40, 8], [12, 12], true],
    ["counts only the raw files of the cover's hours", [12, 12, 1000], [12, 12], false],
  ];
  test.each(cases)("%s", (_name, raw, rolled, want) => {
    const files = [
      ...raw.map((rows, h) => file("raw", h, { rows })),
      ...rolled.map((rows, h) => file("5m", h, { rows })),
    ];
    const c = rollupCover(
      selectFrom(files),
      "5m",
      { start: 0, end: rolled.length * H - 1 },
      Infinity,
    );
    expect(c && fewerRows(c, selectFrom(files), "5m")).toBe(want);
  });
});
