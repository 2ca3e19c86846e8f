/**
 * `outpost import` end to end, and the bytes per sample the data then takes on disk: the file
 * from ../shared/bench/gen_openmetrics.py is imported into a fresh local-directory bucket
 * (Parquet per chunk and hour, then compaction merges each hour into one file and writes the
 * 1 m and 5 m rollups). When Debian's promtool is installed, the same file is backfilled into
 * a Prometheus TSDB in the same run, for the ratio.
 *
 *   bun bench/import_storage.ts                  10,000 series × 24 h (57.6 M samples)
 *   bun bench/import_storage.ts --quick          1,000 series × 2 h
 *   bun bench/import_storage.ts --series N --hours H [--no-promtool]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backfill } from "../aggregator/import/backfill.ts";
import { openBucket } from "../aggregator/storage/bucket/config.ts";
import { Catalog } from "../aggregator/storage/catalog/catalog.ts";
import { upAggregatorConfig } from "../cli/up_config.ts";
import { report } from "./lib/pipeline.ts";
import { generate } from "./lib/replay.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    hours: { type: "string" },
    "no-promtool": { type: "boolean", default: false },
  },
  strict: false,
});
const series = Number(flags.series ?? (flags.quick ? 1000 : 10_000));
const hours = Number(flags.hours ?? (flags.quick ? 2 : 24));

/** Disk usage of a directory in bytes (`du -sb`). */
function du(dir: string): number {
  const r = Bun.spawnSync(["du", "-sb", dir]);
  return Number(r.stdout.toString().split("\t")[0]);
}

const teardown = new Teardown();
try {
  const file = generate(series, hours);
  const root = await mkdtemp(join(tmpdir(), "outpost-bench-import-"));
  teardown.defer("the bench directory", () => rm(root, { recursive: true, force: true }));

  progress(`outpost import of ${series} series × ${hours} h`);
  const config = upAggregatorConfig(join(root, "outpost"));
  // The generated data ends on 2024-01-01: keep it whatever its age.
  Object.assign(config.compaction, {
    retention_raw: 0,
    retention_1m: 0,
    retention_5m: 0,
    retention_1h: 0,
  });
  const cpu0 = process.cpuUsage();
  const r = await backfill(config, file);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (r.writeMs + r.compactMs) / 1000;
  report("import_samples_per_s", r.samples / seconds, "samples/s");
  report("import_samples_per_cpu_s", r.samples / ((cpu.user + cpu.system) / 1e6), "samples/cpu-s");
  report("import_write_seconds", r.writeMs / 1000, "s");
  report("import_compact_seconds", r.compactMs / 1000, "s");

  const catalog = new Catalog({
    bucket: openBucket(config.storage, { baseDir: config.baseDir }),
    writer: "bench",
  });
  await catalog.load();
  const bytes = { raw: 0, "1m": 0, "5m": 0, "1h": 0 };
  let rawFiles = 0;
  for (const f of catalog.all()) {
    bytes[f.tier] += f.bytes;
    if (f.tier === "raw") rawFiles++;
  }
  report("storage_raw_bytes_per_sample", bytes.raw / r.samples, "bytes");
  report("storage_raw_files", rawFiles, "files");
  report("storage_rollup_1m_bytes", bytes["1m"] / 2 ** 20, "MB");
  report("storage_rollup_5m_bytes", bytes["5m"] / 2 ** 20, "MB");
  report("storage_rollup_1h_bytes", bytes["1h"] / 2 ** 20, "MB");
  report("storage_bucket_bytes_per_sample", du(config.storage.dir.path) / r.samples, "bytes");

  const promtool = Bun.which("promtool");
  if (promtool && !flags["no-promtool"]) {
    progress("promtool tsdb create-blocks-from openmetrics (the same file)");
    const out = join(root, "prometheus");
    const started = performance.now();
    const p = Bun.spawnSync([promtool, "tsdb", "create-blocks-from", "openmetrics", file, out], {
      stdout: "ignore",
      stderr: "pipe",
    });
    if (p.exitCode !== 0)
      throw new Error(`Cannot run promtool: ${p.stderr.toString().slice(-500)}`);
    const promSeconds = (performance.now() - started) / 1000;
    const promBytes = du(out);
    report("promtool_import_samples_per_s", r.samples / promSeconds, "samples/s");
    report("prometheus_bytes_per_sample", promBytes / r.samples, "bytes");
    report("storage_vs_prometheus_ratio", bytes.raw / promBytes, "x");
    report("import_vs_promtool_speed_ratio", promSeconds / seconds, "x");
  } else progress("promtool not installed (apt-get install prometheus): no same-run comparison");
} finally {
  await teardown.run();
}
