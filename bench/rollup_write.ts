/**
 * What the compactor's rollups cost to write: the 5 m rollup of one merged hour and the 1 h
 * rollup of a day (all of the day's merged hours in one read), over the hourly files in
 * `--dir` (e.g. those `bench/parquet_cold_read.ts --keep DIR --hours 24` leaves), at the
 * merge's zstd level. Prints the wall time of each and the process's peak RSS after each
 * (DuckDB runs in process; its memory limit is 1 GB, beyond which it spills to disk).
 *
 *   bun bench/rollup_write.ts --dir DIR [--level 19]
 */
import { readdirSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeRollupFile } from "../aggregator/storage/parquet/rollup.ts";
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
try {
  for (const [name, inputs, step] of [
    ["rollup_write_5m_hour", hours.slice(0, 1), 300_000],
    ["rollup_write_1h_day", hours, 3_600_000],
  ] as const) {
    const path = join(out, `${name}.parquet`);
    const began = performance.now();
    const stats = await writeRollupFile(inputs, path, step, level);
    report(`${name}_s`, (performance.now() - began) / 1000, "s");
    report(`${name}_rows`, stats.rows, "rows");
    report(`${name}_bytes`, (await stat(path)).size / 2 ** 20, "MB");
    report(`${name}_peak_rss`, peakMb(), "MB");
  }
  report("rollup_write_input_files", hours.length, "files");
} finally {
  await rm(out, { recursive: true, force: true });
}
