/**
 * A rollup file's series index (rollup_index.ts) against its reference, the listing of the
 * file's rows (`rollupReaderTuning.index` off): the same series, rows, placements and bounds,
 * for odd label texts and metric names, bounds not finite, ranges that cut files, files
 * without an index, and indexes that cannot be trusted.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HELD_FIELDS } from "../rollup_rows.ts";
import type { RollupField } from "../storage.ts";
import { withConnection } from "./db.ts";
import { writeDayRollupFile, writeRollupFile } from "./rollup.ts";
import { INDEX_KEY, indexMatches, rollupIndexLimits, SERIES_KEY_PREFIX } from "./rollup_index.ts";
import { decodeEntry, type EntryColumns, encodeEntry } from "./rollup_index_binary.ts";
import {
  type RollupReadOptions,
  readRollupRuns,
  rollupReaderStats,
  rollupReaderTuning,
} from "./rollup_reader.ts";
import { queryRows, sampleRows, type TestSample } from "./testing.ts";
import { writeMetricsFile } from "./writer.ts";

const dir = mkdtempSync(join(tmpdir(), "rollup-index-"));
afterAll(() => {
  rollupReaderTuning.index = true;
  rollupReaderTuning.fileOrder = true;
  rmSync(dir, { recursive: true, force: true });
});

const H = 3_600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % (24 * H));
/** Three hours' 5 m rollups, and the day's 1 h rollup of them. */
const hours: string[] = [];
let day = "";

/** Label values a JSON text and an SQL literal must both carry unchanged. */
const ODD = ['say "hi"', "it's", "back\\slash", "new\nline", "ünïcødé ✓", ""];

beforeAll(async () => {
  for (let h = 0; h < 3; h++) {
    const samples: TestSample[] = [];
    for (let t = 30_000; t <= H; t += 30_000) {
      const at = T0 + h * H + t;
      ODD.forEach((v, i) => {
        // Series missing from the middle hour, and new in it.
        if ((i === 2 && h === 1) || (i === 4 && h === 0)) return;
        samples.push({ labels: { __name__: "m", odd: v, i: String(i) }, t: at, v: h * H + t + i });
      });
      // Values whose sums are not exact: no finite bound.
      samples.push({ labels: { __name__: "m", odd: "half" }, t: at, v: t / 60_000 });
      samples.push({ labels: { __name__: "m", odd: "nan" }, t: at, v: t === H ? Number.NaN : 1 });
      samples.push({ labels: { __name__: "we\"ird'name", job: "x" }, t: at, v: 2 });
    }
    const raw = join(dir, `raw${h}.parquet`);
    await writeMetricsFile(sampleRows(samples), raw);
    hours.push(join(dir, `h${h}.parquet`));
    await writeRollupFile([raw], hours[h], 300_000);
  }
  day = join(dir, "day.parquet");
  await writeDayRollupFile(hours, day);
});

/** A read with the index and without: what each gives, and how many files the index listed. */
async function both(files: readonly string[], opts: Partial<RollupReadOptions> = {}) {
  const read = async (index: boolean) => {
    rollupReaderTuning.index = index;
    const before = rollupReaderStats.indexedFiles;
    const runs = await readRollupRuns(files, { metrics: ["m"], start: 0, end: 1e15, ...opts });
    return { plain: plain(runs), indexed: rollupReaderStats.indexedFiles - before };
  };
  return { index: await read(true), rows: await read(false) };
}

function plain(runs: Awaited<ReturnType<typeof readRollupRuns>>) {
  return {
    series: runs.series.map((r) => ({
      labels: r.labels,
      ...Object.fromEntries(HELD_FIELDS.map((f) => [f, Array.from(r[f])])),
      countTotal: Array.from(r.countTotal),
      sumBound: r.sumBound,
    })),
    placements:
      runs.placements?.map((p) => [Array.from(p.from), Array.from(p.to), Array.from(p.bound)]) ??
      null,
  };
}

/** The footer's entries of `path`, by key. */
async function footer(path: string): Promise<Map<string, Buffer>> {
  const rows = await queryRows(`SELECT decode(key), value FROM parquet_kv_metadata('${path}')`);
  return new Map(rows.map(([k, v]) => [k as string, v as Buffer]));
}

/** The footer entries a copied file starts from: the schema, and the key of metric m's entry. */
const SCHEMA = "outpost_schema: 'metrics-rollup/2'";
const M_KEY = `"${SERIES_KEY_PREFIX}m"`;

/** Metric m's index entry in the footer of `path`: its bytes decompressed, and its columns. */
async function entryOf(path: string): Promise<{ bytes: Buffer; e: EntryColumns }> {
  const kv = await footer(path);
  const bytes = Bun.zstdDecompressSync(kv.get(`${SERIES_KEY_PREFIX}m`) as Buffer);
  return { bytes, e: decodeEntry(bytes) as EntryColumns };
}

/** An index entry's value as an SQL literal: `value` compressed as the writer does. */
function entry(value: string | Uint8Array): string {
  const hex = [...Bun.zstdCompressSync(value)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`);
  return `'${hex.join("")}'::BLOB`;
}

/** `path` copied to `to` with the footer entries `kv` (an SQL struct's fields) only. */
async function copyWith(path: string, to: string, kv: string): Promise<string> {
  await queryRows(
    `COPY (SELECT * FROM read_parquet('${path}')) TO '${to}' (FORMAT parquet, KV_METADATA {${kv}})`,
  );
  return to;
}

describe("the index a rollup file is written with", () => {
  test("lists each series' run of rows: its labels as the rows hold them, first row, count, ends", async () => {
    for (const path of [hours[1], day]) {
      const kv = await footer(path);
      expect(kv.get(INDEX_KEY)?.toString()).toBe("2");
      expect([...kv.keys()].filter((k) => k.startsWith(SERIES_KEY_PREFIX)).sort()).toEqual([
        `${SERIES_KEY_PREFIX}m`,
        `${SERIES_KEY_PREFIX}we"ird'name`,
      ]);
      const { e: entry } = await entryOf(path);
      const runs = await queryRows(
        `SELECT labels::VARCHAR, min(file_row_number)::INTEGER, count(*)::INTEGER,
           epoch_ms(min(ts))::DOUBLE, epoch_ms(max(ts))::DOUBLE
         FROM read_parquet('${path}', file_row_number = true) WHERE metric = 'm'
         GROUP BY labels ORDER BY 2`,
      );
      const column = (k: number) => runs.map((r) => r[k]) as unknown[];
      expect(entry.labels as unknown[]).toEqual(column(0));
      expect(Array.from(entry.row) as unknown[]).toEqual(column(1));
      expect(Array.from(entry.n) as unknown[]).toEqual(column(2));
      expect(Array.from(entry.t0) as unknown[]).toEqual(column(3));
      expect(Array.from(entry.t1) as unknown[]).toEqual(column(4));
      expect(entry.labels).toContain('{"i":"0","odd":"say \\"hi\\""}');
      // Not whole: no finite bound, written as NaN.
      expect(entry.bound[entry.labels.indexOf('{"odd":"half"}')]).toBeNaN();
      expect(entry.bound[entry.labels.indexOf('{"odd":"nan"}')]).toBeNaN();
      expect(entry.bound[entry.labels.indexOf('{"i":"1","odd":"it\'s"}')]).toBeGreaterThan(0);
    }
  });

  test("is left out where two metric names differ only in case (DuckDB's keys do not)", async () => {
    const samples: TestSample[] = [];
    for (let t = 30_000; t <= H; t += 30_000) {
      samples.push({ labels: { __name__: "req_total", job: "a" }, t: T0 + t, v: t });
      samples.push({ labels: { __name__: "REQ_total", job: "a" }, t: T0 + t, v: 2 * t });
    }
    const raw = join(dir, "cases-raw.parquet");
    await writeMetricsFile(sampleRows(samples), raw);
    const out = join(dir, "cases.parquet");
    await writeRollupFile([raw], out, 300_000);
    expect((await footer(out)).has(INDEX_KEY)).toBe(false);
    for (const metrics of [["req_total"], ["REQ_total"], undefined]) {
      const { index, rows } = await both([out], { metrics });
      expect(index.plain).toEqual(rows.plain);
      expect(index.plain.series).toHaveLength(metrics ? 1 : 2);
    }
  });

  test("is checked against the file it was written to", async () => {
    const rows = `(SELECT * FROM read_parquet('${hours[0]}'))`;
    const reversed = join(dir, "reversed.parquet");
    await queryRows(
      `COPY (SELECT * FROM ${rows} ORDER BY metric, labels DESC, ts) TO '${reversed}' (FORMAT parquet)`,
    );
    const matches = (path: string) =>
      withConnection(async (conn) => {
        await conn.run(`CREATE TEMP TABLE t AS SELECT * FROM ${rows}`);
        return indexMatches(conn, "t", path);
      });
    expect(await matches(hours[0])).toBe(true);
    expect(await matches(reversed)).toBe(false);
  });

  test("is left out where it would pass its size limit", async () => {
    const before = rollupIndexLimits.maxBytes;
    rollupIndexLimits.maxBytes = 100;
    try {
      const out = join(dir, "unindexed.parquet");
      await writeDayRollupFile(hours, out);
      const kv = await footer(out);
      expect(kv.has(INDEX_KEY)).toBe(false);
      expect([...kv.keys()]).toEqual(["outpost_schema"]);
      const { index, rows } = await both([out]);
      expect(index.indexed).toBe(0);
      expect(index.plain).toEqual(rows.plain);
    } finally {
      rollupIndexLimits.maxBytes = before;
    }
  });
});

describe("a read listed from the files' indexes gives what a listing of their rows gives", () => {
  const reads: [string, RollupField[] | undefined][] = [
    ["of every column", undefined],
    ["of a counter's columns", ["first", "last", "lastAge", "resets", "resetSum"]],
    ["of sum_over_time's column", ["sum"]],
  ];
  for (const fileOrder of [true, false]) {
    test.each(reads)(`%s (${fileOrder ? "in the files' order" : "sorted"})`, async (_, fields) => {
      rollupReaderTuning.fileOrder = fileOrder;
      try {
        const { index, rows } = await both(hours, { fields });
        // The index serves the scan in the files' order only.
        expect(index.indexed).toBe(fileOrder ? 3 : 0);
        expect(rows.indexed).toBe(0);
        expect(index.plain).toEqual(rows.plain);
        expect(index.plain.series).toHaveLength(ODD.length + 2);
      } finally {
        rollupReaderTuning.fileOrder = true;
      }
    });
  }

  test("of every metric", async () => {
    const { index, rows } = await both(hours, { metrics: undefined });
    expect(index.indexed).toBe(3);
    expect(index.plain).toEqual(rows.plain);
    expect(index.plain.series.map((s) => s.labels[1])).toContain("we\"ird'name");
  });

  test.each([
    ["one", (l: readonly string[]) => l.includes("half"), 1],
    ["most", (l: readonly string[]) => !l.includes("half") && !l.includes("1"), ODD.length],
  ])("of some series (%s), the others' rows passed over", async (_, match, kept) => {
    for (const files of [[day], hours]) {
      const { index, rows } = await both(files, { match });
      expect(index.indexed).toBe(files.length);
      expect(index.plain).toEqual(rows.plain);
      expect(index.plain.series).toHaveLength(kept);
    }
  });

  test("within a time range, listing the files it cuts from their rows", async () => {
    const { index, rows } = await both(hours, { start: T0 + H + H / 3, end: T0 + 3 * H });
    expect(index.indexed).toBe(1);
    expect(index.plain).toEqual(rows.plain);
  });

  test("with files that have no index, or one that cannot be trusted", async () => {
    const mark = `${INDEX_KEY}: '1'`;
    const files = [
      await copyWith(hours[0], join(dir, "none.parquet"), SCHEMA),
      hours[1],
      await copyWith(hours[2], join(dir, "plain.parquet"), `${SCHEMA}, ${mark}, ${M_KEY}: '{}'`),
      await copyWith(
        hours[2],
        join(dir, "bad.parquet"),
        `${SCHEMA}, ${mark}, ${M_KEY}: ${entry("{")}`,
      ),
      await copyWith(
        hours[2],
        join(dir, "short.parquet"),
        `${SCHEMA}, ${mark}, ${M_KEY}: ${entry('{"labels":["{}"],"row":[0,1],"n":[1],"t0":[0],"t1":[0],"bound":[null]}')}`,
      ),
      await copyWith(
        hours[2],
        join(dir, "kinds.parquet"),
        `${SCHEMA}, ${mark}, ${M_KEY}: ${entry('{"labels":[{}],"row":[0],"n":[1],"t0":[0],"t1":[0],"bound":[null]}')}`,
      ),
      await copyWith(
        hours[2],
        join(dir, "twice.parquet"),
        `${SCHEMA}, ${mark}, ${M_KEY}: ${entry('{"labels":["{}","{}"],"row":[0,1],"n":[1,1],"t0":[0,0],"t1":[0,0],"bound":[null,null]}')}`,
      ),
      await copyWith(
        hours[2],
        join(dir, "future.parquet"),
        `${SCHEMA}, ${INDEX_KEY}: '3', ${M_KEY}: ${entry('{"labels":[]}')}`,
      ),
    ];
    for (const f of files.slice(2)) {
      const { index, rows } = await both([hours[0], hours[1], f]);
      // A series listed twice in a file leaves the read to the reference: nothing indexed.
      expect(index.indexed).toBe(f.endsWith("twice.parquet") ? 0 : 2);
      expect(index.plain).toEqual(rows.plain);
    }
    const { index, rows } = await both(files.slice(0, 2));
    expect(index.indexed).toBe(1);
    expect(index.plain).toEqual(rows.plain);
  });

  test("with indexes written in format 1 (JSON), and binary entries that do not hold together", async () => {
    const { bytes, e } = await entryOf(hours[2]);
    const json = JSON.stringify({
      labels: e.labels,
      row: Array.from(e.row),
      n: Array.from(e.n),
      t0: Array.from(e.t0),
      t1: Array.from(e.t1),
      bound: Array.from(e.bound, (b) => (Number.isFinite(b) ? b : null)),
    });
    const old = await copyWith(
      hours[2],
      join(dir, "json.parquet"),
      `${SCHEMA}, ${INDEX_KEY}: '1', ${M_KEY}: ${entry(json)}`,
    );
    const read = await both([hours[0], hours[1], old]);
    expect(read.index.indexed).toBe(3);
    expect(read.index.plain).toEqual(read.rows.plain);
    const broken = [
      encodeEntry({ ...e, n: Array.from(e.n, (n, i) => (i === 0 ? 0 : n)) }) as Uint8Array,
      encodeEntry({
        ...e,
        t0: Array.from(e.t0, (t, i) => (i === 0 ? Number.NaN : t)),
      }) as Uint8Array,
      bytes.subarray(0, bytes.length - 1),
      bytes.subarray(0, 20),
      Uint8Array.of(...bytes.subarray(0, bytes.length - 1), 0xff),
    ];
    for (const [k, b] of broken.entries()) {
      const f = await copyWith(
        hours[2],
        join(dir, `broken${k}.parquet`),
        `${SCHEMA}, ${INDEX_KEY}: '2', ${M_KEY}: ${entry(b)}`,
      );
      const { index, rows } = await both([hours[0], hours[1], f]);
      expect(index.indexed).toBe(2);
      expect(index.plain).toEqual(rows.plain);
    }
  });

  test("with bounds that cannot be (negative, −∞), taken as unknown", async () => {
    const { e } = await entryOf(hours[2]);
    for (const bad of [-5, Number.NEGATIVE_INFINITY]) {
      const bytes = encodeEntry({ ...e, bound: Array.from(e.bound, () => bad) }) as Uint8Array;
      const f = await copyWith(
        hours[2],
        join(dir, "bound.parquet"),
        `${SCHEMA}, ${INDEX_KEY}: '2', ${M_KEY}: ${entry(bytes)}`,
      );
      // `sum` alone: the bounds come from the listing, not from the rows' own columns.
      const { index, rows } = await both([hours[0], hours[1], f], { fields: ["sum"] });
      expect(index.indexed).toBe(3);
      const last = (p: ReturnType<typeof plain>) => p.placements?.[2][2];
      expect(last(index.plain)?.every((b) => b === Number.POSITIVE_INFINITY)).toBe(true);
      expect(last(rows.plain)?.some((b) => Number.isFinite(b))).toBe(true);
      for (const s of index.plain.series) expect(s.sumBound).toBe(Number.POSITIVE_INFINITY);
      const values = (p: ReturnType<typeof plain>) =>
        p.series.map(({ sumBound: _, ...rest }) => rest);
      expect(values(index.plain)).toEqual(values(rows.plain));
    }
  });

  test("with labels that are not a label set's JSON, read from the rows instead", async () => {
    for (const labels of ["not json", "null"]) {
      const json = JSON.stringify({
        labels: [labels],
        row: [0],
        n: [1],
        t0: [T0],
        t1: [T0],
        bound: [null],
      });
      const f = await copyWith(
        hours[2],
        join(dir, "labels.parquet"),
        `${SCHEMA}, ${INDEX_KEY}: '1', ${M_KEY}: ${entry(json)}`,
      );
      const { index, rows } = await both([hours[0], f]);
      expect(index.indexed).toBe(0);
      expect(index.plain).toEqual(rows.plain);
    }
  });

  test("with a footer key that is not UTF-8", async () => {
    const f = await copyWith(
      hours[1],
      join(dir, "utf8.parquet"),
      "outpost_schema: 'metrics-rollup/2', other_zzzz: 'x'",
    );
    const bytes = readFileSync(f);
    const at = bytes.indexOf("other_zzzz");
    expect(at).toBeGreaterThan(0);
    bytes[at + 6] = 0xff;
    bytes[at + 7] = 0xfe;
    writeFileSync(f, bytes);
    const { index, rows } = await both([hours[0], f]);
    expect(index.indexed).toBe(1);
    expect(index.plain).toEqual(rows.plain);
  });

  test("with entries that would decompress past the limit", async () => {
    const before = rollupIndexLimits.maxBytes;
    rollupIndexLimits.maxBytes = 100;
    try {
      const { index, rows } = await both(hours);
      expect(index.indexed).toBe(0);
      expect(index.plain).toEqual(rows.plain);
    } finally {
      rollupIndexLimits.maxBytes = before;
    }
  });
});
