import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../shared/metrics/registry.ts";
import type { FileEntry } from "./catalog/entry.ts";
import { readRollupFiles } from "./parquet/rollup_reader.ts";
import { writeRollupHours } from "./parquet/testing.ts";
import { cachedRollups, RollupCache } from "./rollup_cache.ts";
import { RollupDisk } from "./rollup_disk.ts";
import { HELD_FIELDS } from "./rollup_rows.ts";
import type { RollupField, RollupRows } from "./storage.ts";

const ALL = { start: 0, end: 1e15 };
const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H);
const HOURS = 4;
const RATE: RollupField[] = ["first", "last", "lastAge", "resets", "resetSum"];

const dir = mkdtempSync(join(tmpdir(), "rollup-disk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let paths: string[] = [];
let files: FileEntry[] = [];

beforeAll(async () => {
  // "c" resets every 20 minutes and is not whole: sums and bounds differ by series.
  ({ paths, files } = await writeRollupHours(dir, T0, HOURS, (job, h, t) =>
    job === "c" ? ((t / 15_000) % 80) * 0.5 : h * 240 + t / 15_000,
  ));
});

let n = 0;
/**
 * A fresh disk cache directory, and a cache over it (a new one is a restart); runs are written
 * without waiting for the query that read them, unless `saveDelayMs`.
 */
function place(maxBytes = 1 << 30, minBytes = 0, saveDelayMs = 0) {
  const at = join(dir, `cache${n++}`);
  const registry = new Registry();
  const start = () =>
    new RollupCache(1 << 30, new RollupDisk(at, maxBytes, registry, minBytes, saveDelayMs));
  return { at, registry, start };
}

/** `cachedRollups` over hours [from, to), counting the files it opens. */
async function read(cache: RollupCache, from: number, to: number, fields?: RollupField[]) {
  const opened: number[] = [];
  const localPath = async (i: number) => {
    opened.push(from + i);
    return paths[from + i];
  };
  const chosen = files.slice(from, to);
  const rows = await cachedRollups(cache, chosen, ["m"], localPath, () => true, ALL, fields);
  await cache.disk?.settled();
  return { rows, opened };
}

/** Everything a query can see of rows. */
const plain = (rows: readonly RollupRows[]) =>
  rows.map((r) => ({
    labels: r.labels,
    length: r.length,
    ...Object.fromEntries(HELD_FIELDS.map((f) => [f, Array.from(r[f])])),
    countTotal: Array.from(r.countTotal),
    sumTotal: Array.from(r.sumTotal),
    sumBound: r.sumBound,
    exactTotals: r.exactTotals,
  }));

const direct = async (from: number, to: number, fields?: RollupField[]) =>
  plain(await readRollupFiles(paths.slice(from, to), { metrics: ["m"], fields, ...ALL }));

const runFiles = (at: string) =>
  existsSync(at) ? readdirSync(at).filter((f) => f.endsWith(".run")) : [];

describe("RollupDisk", () => {
  for (const [name, fields] of [
    ["every column", undefined],
    ["rate's columns", RATE],
  ] as const) {
    test(`keeps a run read whole, which the next start maps without a file opened (${name})`, async () => {
      const { at, start } = place();
      const first = await read(start(), 0, 3, fields);
      expect(first.opened).toEqual([0, 1, 2]);
      expect(runFiles(at)).toHaveLength(1);
      const again = await read(start(), 0, 3, fields);
      expect(again.opened).toEqual([]);
      expect(plain(again.rows)).toEqual(await direct(0, 3, fields));
    });
  }

  test("writes a run once the query that read it has had its time, not on its path", async () => {
    const { at, start } = place(1 << 30, 0, 300);
    const cache = start();
    const began = performance.now();
    await cachedRollups(
      cache,
      files.slice(0, 3),
      ["m"],
      async (i) => paths[i],
      () => true,
      ALL,
    );
    expect(runFiles(at)).toEqual([]);
    await cache.disk?.settled();
    expect(performance.now() - began).toBeGreaterThanOrEqual(300);
    expect(runFiles(at)).toHaveLength(1);
  });

  test("serves a cover a file on from a kept run, reading only the new file", async () => {
    const { start } = place();
    await read(start(), 0, 3, RATE);
    const moved = await read(start(), 1, 4, RATE);
    expect(moved.opened).toEqual([3]);
    expect(plain(moved.rows)).toEqual(await direct(1, 4, RATE));
  });

  test("leaves a kept run of other fields, or holding half the files or fewer, to Parquet", async () => {
    const { start } = place();
    await read(start(), 0, 2, RATE);
    expect((await read(start(), 0, 2, ["max"])).opened).toEqual([0, 1]);
    expect((await read(start(), 1, 3, RATE)).opened).toEqual([1, 2]);
  });

  test("removes a file that does not read back, counts it, and answers from Parquet", async () => {
    const { at, registry, start } = place();
    await read(start(), 0, 3, RATE);
    const [file] = runFiles(at);
    truncateSync(join(at, file), statSync(join(at, file)).size - 8);
    const again = await read(start(), 0, 3, RATE);
    expect(again.opened).toEqual([0, 1, 2]);
    expect(plain(again.rows)).toEqual(await direct(0, 3, RATE));
    expect(registry.render()).toContain('outpost_rollup_disk_errors_total{op="read"} 1');
    // Written again by that read, whole.
    expect(runFiles(at)).toHaveLength(1);
    expect((await read(start(), 0, 3, RATE)).opened).toEqual([]);
  });

  test("keeps nothing more after files that do not read back", async () => {
    const { at } = place();
    const disk = new RollupDisk(at, 1 << 30, undefined, 0, 0);
    for (let i = 0; i < 3; i++) {
      await read(new RollupCache(1 << 30, disk), 0, 3, RATE);
      const [file] = runFiles(at);
      writeFileSync(join(at, file), "OUTPRUN1 and then nothing that reads");
      expect((await read(new RollupCache(1 << 30, disk), 0, 3, RATE)).opened).toEqual([0, 1, 2]);
    }
    expect(runFiles(at)).toEqual([]);
  });

  test("ignores what is not a run, and removes a crash's half-written file", async () => {
    const { at, start } = place();
    await read(start(), 0, 3, RATE);
    writeFileSync(join(at, "junk.run"), "not a run at all");
    writeFileSync(join(at, "x.run.123.tmp"), "half");
    expect((await read(start(), 0, 3, RATE)).opened).toEqual([]);
    expect(readdirSync(at).sort()).toEqual(runFiles(at));
    expect(runFiles(at)).toHaveLength(1);
  });

  test("keeps the files within the budget, the least recently used going first", async () => {
    const probe = place();
    await read(probe.start(), 0, 2, RATE);
    const size = statSync(join(probe.at, runFiles(probe.at)[0])).size;
    const { at, start } = place(Math.floor(size * 2.5));
    await read(start(), 0, 2, RATE);
    await read(start(), 2, 4, RATE);
    expect(runFiles(at)).toHaveLength(2);
    // Used again, so the run of hours 2-3 is now the least recently used.
    await Bun.sleep(20);
    expect((await read(start(), 0, 2, RATE)).opened).toEqual([]);
    await read(start(), 1, 3, ["max"]);
    expect(runFiles(at)).toHaveLength(2);
    expect((await read(start(), 0, 2, RATE)).opened).toEqual([]);
    expect((await read(start(), 2, 4, RATE)).opened).toEqual([2, 3]);
  });

  test("writes nothing larger than the budget, nor smaller than its least", async () => {
    const small = place(1024);
    await read(small.start(), 0, 3, RATE);
    expect(runFiles(small.at)).toEqual([]);
    const big = place(1 << 30, 1 << 20);
    await read(big.start(), 0, 3, RATE);
    expect(runFiles(big.at)).toEqual([]);
  });
});
