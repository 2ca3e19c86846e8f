/**
 * A metric's month of 1 h rollup rows read alone, as a long-range query's first read does
 * (aggregator/storage/parquet/rollup_reader.ts `readRollupRuns`, through the rollup cache):
 * the day files under `--dir` (any folder holding `signal=metrics_1h/date=…/hour=00/*.parquet`,
 * such as a bucket's `v1/tenant=default`, or the data bench/promql_rollups.ts `--data` keeps),
 * `--metric`'s columns for `rate`. Each run is a fresh process (the figure is the first read
 * after a start), reading the files' series indexes alone (`_listing_ms`) and then the whole
 * read (`_ms`) twice; prints the median over `--runs` of each, with the first read's CPU and
 * minor page faults (all threads, and the JS thread's alone: the rest are DuckDB's).
 *
 *   bun bench/rollup_read.ts --dir /tmp/rollups-month/outpost/bucket/v1/tenant=default \
 *     [--metric http_requests_total] [--runs 5]
 */

import { parseArgs } from "node:util";
import { Glob } from "bun";
import { ROW_FIELDS } from "../aggregator/promql/engine/rollup/kernels.ts";
import { withConnection } from "../aggregator/storage/parquet/db.ts";
import { readIndexes } from "../aggregator/storage/parquet/rollup_index.ts";
import { readRollupRuns } from "../aggregator/storage/parquet/rollup_reader.ts";
import { report } from "./lib/pipeline.ts";
import { threadUsage } from "./lib/proc.ts";

const { values: flags } = parseArgs({
  options: {
    dir: { type: "string" },
    metric: { type: "string", default: "http_requests_total" },
    runs: { type: "string", default: "5" },
    child: { type: "boolean", default: false },
  },
});
if (!flags.dir) {
  console.error("Cannot read: give --dir, a folder holding signal=metrics_1h day files");
  process.exit(2);
}
const ALL = { start: -8.64e15, end: 8.64e15 };

if (flags.child) {
  const paths = [
    ...new Glob("**/signal=metrics_1h/**/*.parquet").scanSync({ cwd: flags.dir, absolute: true }),
  ].sort();
  const metrics = [flags.metric];
  const js0 = threadUsage(process.pid);
  const usage0 = process.resourceUsage();
  let t = performance.now();
  await readRollupRuns(paths, { metrics, fields: [...ROW_FIELDS.rate], ...ALL });
  const first = performance.now() - t;
  const usage1 = process.resourceUsage();
  const js1 = threadUsage(process.pid);
  t = performance.now();
  const indexed = await withConnection((c) => readIndexes(c, paths, metrics, ALL.start, ALL.end));
  const listing = performance.now() - t;
  t = performance.now();
  const read = await readRollupRuns(paths, { metrics, fields: [...ROW_FIELDS.rate], ...ALL });
  const second = performance.now() - t;
  const rows = read.series.reduce((n, s) => n + s.length, 0);
  console.log(
    JSON.stringify({
      first,
      // The first read's CPU (µs → ms) and minor page faults, all threads.
      firstUser: (usage1.userCPUTime - usage0.userCPUTime) / 1000,
      firstSystem: (usage1.systemCPUTime - usage0.systemCPUTime) / 1000,
      firstFaults: usage1.minorPageFault - usage0.minorPageFault,
      // Of them, the JS thread's (the process's first thread): the rows' columns it fills.
      firstFaultsJs: js1.faults - js0.faults,
      // The JS thread's CPU (ms), the rest being DuckDB's threads'.
      firstCpuJs: (js1.cpuSeconds - js0.cpuSeconds) * 1000,
      listing,
      second,
      files: paths.length,
      indexed: indexed.size,
      series: read.series.length,
      rows,
    }),
  );
  process.exit(0);
}

const runs: Record<string, number>[] = [];
for (let i = 0; i < Number(flags.runs); i++) {
  const child = Bun.spawnSync(
    [process.execPath, import.meta.path, "--child", "--dir", flags.dir, "--metric", flags.metric],
    { stderr: "inherit" },
  );
  if (child.exitCode !== 0) throw new Error(`The read's process exited ${child.exitCode}`);
  runs.push(JSON.parse(child.stdout.toString()));
}
const median = (k: string) => {
  const v = runs.map((r) => r[k]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
report("rollup_read_files", runs[0].files, "count");
report("rollup_read_files_indexed", runs[0].indexed, "count");
report("rollup_read_series", runs[0].series, "count");
report("rollup_read_rows", runs[0].rows, "count");
report("rollup_read_first_ms", median("first"), "ms");
report("rollup_read_first_user_ms", median("firstUser"), "ms");
report("rollup_read_first_system_ms", median("firstSystem"), "ms");
report("rollup_read_first_faults", median("firstFaults"), "count");
report("rollup_read_first_faults_js_thread", median("firstFaultsJs"), "count");
report("rollup_read_first_cpu_js_thread_ms", median("firstCpuJs"), "ms");
report("rollup_read_listing_ms", median("listing"), "ms");
report("rollup_read_second_ms", median("second"), "ms");
