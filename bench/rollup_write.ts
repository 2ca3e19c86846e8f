/**
 * What the compactor's rollups cost to write, over the hourly files in `--dir` (e.g. those
 * `bench/parquet_cold_read.ts --keep DIR --hours 24` leaves), at the merge's zstd level: the
 * 5 m rollup of each hour, the day's 1 h rollup folded from those (what the compactor does)
 * and from the raw files (its fallback). Prints the wall time of each and the process's peak
 * RSS after each (DuckDB runs in process; its memory limit is 1 GB, beyond which it spills).
 *
 *   bun bench/rollup_write.ts --dir DIR [--level 19]
 */
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeDayRollupFile, writeRollupFile } from "../aggregator/storage/parquet/rollup.ts";
import { COMPACT_LEVEL } from "../aggregator/storage/parquet/schema.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags } = parseArgs({
  options: { dir: { type: "string" }, level: { type: "string" } },
});
if (flags.dir === undefined) throw new Error("Cannot run: --dir DIR names the hourly files");
const dir = flags.dir;
const level = Number(flags.level ?? COMPACT_LEVEL);
const hours = readdirSync(dir)
  .filter((f) => f.endsWith(".parquet"))
  .sort((a, b) => Number(a.match(/h(\d+)\./)?.[1]) - Number(b.match(/h(\d+)\./)?.[1]))
  .map((f) => join(dir, f));
const out = await mkdtemp(join(tmpdir(), "outpost-rollup-write-"));
const peakMb = () => process.resourceUsage().maxRSS / 1024;
const path = (name: string) => join(out, `day-${name}.parquet`);
try {
  // The 5 m rollups of every hour (as the compactor writes them), then the day folded from
  // them, then the day from the raw files: peak RSS only grows, so the lighter steps go first.
  const fiveMinute: string[] = [];
  let began = performance.now();
  for (const [h, input] of hours.entries()) {
    fiveMinute.push(join(out, `5m-${h}.parquet`));
    await writeRollupFile([input], fiveMinute[h], 300_000, level);
    if (h === 0) report("rollup_write_5m_hour_s", (performance.now() - began) / 1000, "s");
  }
  report("rollup_write_5m_day_s", (performance.now() - began) / 1000, "s");
  report("rollup_write_5m_day_peak_rss", peakMb(), "MB");
  const steps = [
    ["rollup_write_1h_day_from_5m", () => writeDayRollupFile(fiveMinute, path("a"), level)],
    ["rollup_write_1h_day_from_raw", () => writeRollupFile(hours, path("b"), 3_600_000, level)],
  ] as const;
  for (const [name, write] of steps) {
    began = performance.now();
    const stats = await write();
    report(`${name}_s`, (performance.now() - began) / 1000, "s");
    report(`${name}_rows`, stats.rows, "rows");
    report(`${name}_peak_rss`, peakMb(), "MB");
  }
  report("rollup_write_input_files", hours.length, "files");
} finally {
  await rm(out, { recursive: true, force: true });
}
