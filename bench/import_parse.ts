/**
 * Throughput of `outpost import`'s file reader (aggregator/import/openmetrics.ts): an
 * OpenMetrics file from ../shared/bench/gen_openmetrics.py streamed into columnar chunks, with a
 * consumer that only looks at each chunk. The file is read once beforehand so that it comes from
 * the page cache, as it would after being copied to the host.
 *
 *   bun bench/import_parse.ts                          10,000 series × 24 h (57.6 M samples, 7.2 GB)
 *   bun bench/import_parse.ts --quick                  1,000 series × 2 h
 *   bun bench/import_parse.ts --series N --hours H
 *
 * Prints `name value unit` lines: samples and MB per second of wall time, and samples per
 * CPU-second of this process (steadier on a shared machine).
 */
import { open } from "node:fs/promises";
import { parseArgs } from "node:util";
import { readOpenMetricsFile } from "../aggregator/import/openmetrics.ts";
import { generate } from "./lib/replay.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    series: { type: "string" },
    hours: { type: "string" },
  },
  strict: false,
});
const series = Number(flags.series ?? (flags.quick ? 1000 : 10_000));
const hours = Number(flags.hours ?? (flags.quick ? 2 : 24));
const file = generate(series, hours);

/** Reads the file once so that the measured run reads from the page cache. */
async function warmPageCache(path: string): Promise<void> {
  const handle = await open(path, "r");
  const buf = new Uint8Array(16 << 20);
  try {
    while ((await handle.read(buf, 0, buf.length)).bytesRead > 0);
  } finally {
    await handle.close();
  }
}

await warmPageCache(file);
let rows = 0;
let check = 0;
const cpu = process.cpuUsage();
const stats = await readOpenMetricsFile(file, async (chunk) => {
  rows += chunk.length;
  check += chunk.series.length + chunk.timestamps[chunk.length - 1];
});
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
if (rows !== stats.samples || Number.isNaN(check))
  throw new Error("Cannot benchmark: rows went missing");

const seconds = stats.ms / 1000;
console.log(`import_parse_samples_per_s ${Math.round(stats.samples / seconds)} samples/s`);
console.log(`import_parse_mb_per_s ${(stats.bytes / 1e6 / seconds).toFixed(1)} MB/s`);
console.log(`import_parse_samples_per_cpu_s ${Math.round(stats.samples / cpuSeconds)} samples/s`);
console.log(`import_parse_samples ${stats.samples} samples`);
console.log(`import_parse_series ${stats.series} series`);
console.log(`import_parse_seconds ${seconds.toFixed(2)} s`);
