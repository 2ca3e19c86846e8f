/** Helpers for the compactor tests: a dir bucket with a catalog, and flushes committed into it. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../../shared/metrics/registry.ts";
import { DirBucket } from "../bucket/dir.ts";
import { Catalog } from "../catalog/catalog.ts";
import { type FileEntry, objectKey, partitionPrefix, type Signal } from "../catalog/entry.ts";
import { logRows, type TestRecord } from "../parquet/logs/testing.ts";
import { writeLogsFile } from "../parquet/logs/writer.ts";
import { sampleRows, type TestSample } from "../parquet/testing.ts";
import { writeMetricsFile } from "../parquet/writer.ts";
import { Pins } from "../union.ts";
import { Compactor, type CompactorOptions } from "./compactor.ts";

const HOUR_MS = 3_600_000;

/** A bucket and catalog in a temp folder, with a way to build compactors over them. */
export interface Fixture {
  bucket: DirBucket;
  catalog: Catalog;
  pins: Pins;
  registry: Registry;
  /** An hour closed three hours ago, recent enough for the orphan sweep. */
  hour: number;
  compactor(
    over?: Partial<CompactorOptions["config"]> &
      Pick<Partial<CompactorOptions>, "orphanAgeMs" | "onMerged" | "mayRun" | "renewEveryMs">,
  ): Compactor;
  /** Writes `records` as a log flush file of `hour` and commits it, its entry changed by `over`. */
  flushLogs(records: TestRecord[], over?: Partial<FileEntry>): Promise<FileEntry>;
  /** Writes `samples` as a metrics flush file of `hour` and commits it. */
  flushMetrics(samples: TestSample[]): Promise<FileEntry>;
  /** The objects of a partition folder of `hour`. */
  objects(signal: Signal, tier?: "raw" | "1m" | "5m"): Promise<string[]>;
  /** The local paths of committed files (a dir bucket hands out the objects themselves). */
  paths(files: readonly FileEntry[]): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Makes a {@link Fixture}; `cleanup()` removes its folder. */
export async function fixture(): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), "compactor-"));
  const bucket = new DirBucket(join(root, "bucket"));
  const catalog = new Catalog({ bucket, writer: "test" });
  await catalog.load();
  const pins = new Pins();
  const registry = new Registry();
  const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
  let n = 0;
  // Keys ascend in commit order, as the flushes of one writer name them.
  const commit = async (signal: Signal, write: (local: string) => Promise<FileEntry>) => {
    const created = Date.now() + n++;
    const key = objectKey("default", signal, "raw", hour, "w", "flush", created);
    const local = join(root, `flush-${n}.parquet`);
    const e = { ...(await write(local)), key, created };
    await bucket.putFile(key, local);
    await catalog.commit({ add: [e], remove: [] });
    return e;
  };
  const entry = (
    signal: Signal,
    s: { rows: number; minTime: number; maxTime: number; bytes: number },
    metrics: string[],
    over: Partial<FileEntry> = {},
  ): FileEntry => {
    const { rows, minTime, maxTime, bytes } = s;
    const at = { tenant: "default", signal, tier: "raw" as const, hour, key: "", created: 0 };
    return { ...at, rows, minTime, maxTime, bytes, metrics, seqs: [], level: 0, ...over };
  };
  return {
    bucket,
    catalog,
    pins,
    registry,
    hour,
    compactor: ({ orphanAgeMs = 60_000, onMerged, mayRun, renewEveryMs, ...config } = {}) =>
      new Compactor({
        bucket,
        catalog,
        writer: "c",
        tmpDir: join(root, "tmp"),
        config: {
          delay: 0,
          retention_raw: 0,
          retention_1m: 0,
          retention_5m: 0,
          retention_1h: 0,
          interval: 60_000,
          delete_delay: 0,
          ...config,
        },
        pins,
        registry,
        orphanAgeMs,
        onMerged,
        mayRun,
        renewEveryMs,
      }),
    flushLogs: (records, over) =>
      commit("logs", async (local) => {
        const s = await writeLogsFile(logRows(records), local);
        return entry("logs", s, s.jobs, over);
      }),
    flushMetrics: (samples) =>
      commit("metrics", async (local) => {
        const s = await writeMetricsFile(sampleRows(samples), local);
        return entry("metrics", s, s.metrics);
      }),
    objects: (signal, tier = "raw") => bucket.list(partitionPrefix("default", signal, tier, hour)),
    paths: async (files) =>
      (await Promise.all(files.map((f) => bucket.openLocal(f.key)))).map((l) => l.path),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
