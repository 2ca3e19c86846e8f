/**
 * A bucket of Parquet files with rollups, made from a test's in-memory data: one flush file
 * per hour, then the real compactor (merge, 1 m and 5 m rollups) over the hours asked for, and
 * a union querier over the result, as the aggregator reads it. Used by the rollup
 * differential test and the rollup benchmark.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirBucket } from "../../aggregator/storage/bucket/dir.ts";
import { Catalog } from "../../aggregator/storage/catalog/catalog.ts";
import { type FileEntry, objectKey } from "../../aggregator/storage/catalog/entry.ts";
import { Compactor } from "../../aggregator/storage/compact/compactor.ts";
import { writeMetricsFile } from "../../aggregator/storage/parquet/writer.ts";
import type { RollupCache } from "../../aggregator/storage/rollup_cache.ts";
import type {
  Querier,
  Queryable,
  RollupRead,
  SampleRows,
  SeriesSamples,
} from "../../aggregator/storage/storage.ts";
import { openUnionQuerier, Pins } from "../../aggregator/storage/union.ts";
import { Registry } from "../../shared/metrics/registry.ts";
import { labelValue, seriesHash } from "../../shared/model/labels.ts";

const HOUR_MS = 3_600_000;

/**
 * A bucket with its queryable; `rollupReads` counts rollup reads that covered some hours,
 * `dayReads` those of them from the 1 h rollups (a file a day).
 */
export interface RollupBucket extends Queryable {
  rollupReads: number;
  dayReads: number;
  close(): Promise<void>;
}

/**
 * Writes `source`'s series to hourly files from `start` for `hours` hours and compacts the
 * hours `compact` accepts (all by default): the others keep their raw flush file only.
 */
export async function rollupBucket(
  source: Queryable,
  start: number,
  hours: number,
  compact: (hour: number) => boolean = () => true,
  rollupCache?: RollupCache,
): Promise<RollupBucket> {
  const root = await mkdtemp(join(tmpdir(), "rollup-bucket-"));
  const bucket = new DirBucket(join(root, "bucket"));
  const catalog = new Catalog({ bucket, writer: "test" });
  await catalog.load();
  const all = await readAll(source, start, start + hours * HOUR_MS - 1);
  for (let h = 0; h < hours; h++) {
    const hour = start + h * HOUR_MS;
    const rows = hourRows(all, hour);
    if (rows.length === 0) continue;
    const created = Date.now() + h;
    const key = objectKey("default", "metrics", "raw", hour, "w", "flush", created);
    const local = join(root, `flush-${h}.parquet`);
    const stats = await writeMetricsFile(rows, local);
    await bucket.putFile(key, local);
    const { minTime, maxTime, rows: count, bytes, metrics } = stats;
    const at = { key, tenant: "default", signal: "metrics" as const, tier: "raw" as const, hour };
    const entry: FileEntry = {
      ...at,
      ...{ minTime, maxTime, rows: count, bytes, metrics },
      ...{ seqs: [], level: 0, created },
    };
    await catalog.commit({ add: [entry], remove: [] });
  }
  const pins = new Pins();
  const compactor = new Compactor({
    bucket,
    catalog,
    writer: "c",
    tmpDir: join(root, "tmp"),
    config: {
      ...{ delay: 0, retention_raw: 0, retention_1m: 0, retention_5m: 0, retention_1h: 0 },
      ...{ interval: 60_000, delete_delay: 0 },
    },
    pins,
    registry: new Registry(),
    orphanAgeMs: 3_600_000,
    scope: (f) => compact(f.hour),
  });
  // A pass merges the hours; the next rolls the merged files up (hours, then whole days).
  for (let i = 0; i < 3; i++) await compactor.run();
  const out: RollupBucket = {
    tenant: "default",
    rollupReads: 0,
    dayReads: 0,
    querier: async () => {
      const at = { tenant: "default", head: undefined };
      const q = await openUnionQuerier({ ...at, catalog, bucket, pins, rollupCache });
      return counting(q, (step) => {
        out.rollupReads++;
        if (step === HOUR_MS) out.dayReads++;
      });
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
  return out;
}

/** `q`, telling `onCovered` of each rollup read that covered some hours. */
function counting(q: Querier, onCovered: (stepMs: number) => void): Querier {
  const rollups = q.rollups?.bind(q);
  return {
    select: (m, r) => q.select(m, r),
    labelNames: (m, r) => q.labelNames(m, r),
    labelValues: (n, m, r) => q.labelValues(n, m, r),
    close: () => q.close(),
    rollups:
      rollups &&
      (async (m, r, step, opts): Promise<RollupRead> => {
        const read = await rollups(m, r, step, opts);
        if (read.covered !== null) onCovered(step);
        return read;
      }),
  };
}

async function readAll(source: Queryable, start: number, end: number): Promise<SeriesSamples[]> {
  const q = await source.querier();
  try {
    return await q.select([{ name: "__name__", type: "=~", value: ".*" }], { start, end });
  } finally {
    q.close();
  }
}

/** The samples of `all` in one hour as flush rows, staleness markers' bits kept. */
function hourRows(all: readonly SeriesSamples[], hour: number): SampleRows {
  const picks: [number, number][] = [];
  all.forEach((s, si) => {
    for (let i = 0; i < s.length; i++) {
      const t = s.timestamps[i];
      if (t >= hour && t < hour + HOUR_MS) picks.push([si, i]);
    }
  });
  const values = new Float64Array(picks.length);
  const rows = {
    series: all.map((s) => ({
      labels: s.labels,
      hash: seriesHash(s.labels),
      metric: labelValue(s.labels, "__name__"),
    })),
    length: picks.length,
    seriesIndex: new Int32Array(picks.length),
    timestamps: new Float64Array(picks.length),
    values,
    valueWords: new Uint32Array(values.buffer),
  };
  picks.forEach(([si, i], k) => {
    rows.seriesIndex[k] = si;
    rows.timestamps[k] = all[si].timestamps[i];
    // A copy of the double keeps a staleness marker's NaN bits (a typed-array copy does).
    rows.values.set(all[si].values.subarray(i, i + 1), k);
  });
  return rows;
}
