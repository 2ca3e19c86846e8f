/**
 * Speed and size of the aggregator's Parquet log files (aggregator/storage/parquet/logs): 10 M lines of
 * ~200 bytes over 24 h and 50 streams (5 jobs × 10 hosts), written as one file per hour, as
 * the compactor leaves them; then the two queries a log UI runs most, each cold (the files'
 * index not yet cached) and warm:
 *
 *   - the newest 100 lines of `{job="app"} |= "timeout"` (1 % of lines say "timeout");
 *   - `count_over_time` by stream over the 24 h in 5 m buckets (the buckets() pushdown).
 *
 *   bun bench/logs_parquet.ts              10 M lines
 *   bun bench/logs_parquet.ts --quick      1 M lines
 *   bun bench/logs_parquet.ts --lines N
 *
 * Prints `name value unit` lines.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runLogQuery } from "../aggregator/logs/logql/query.ts";
import type { LogQueryOptions } from "../aggregator/logs/result.ts";
import type { LogQuerier } from "../aggregator/logs/source.ts";
import { closeDb } from "../aggregator/storage/parquet/db.ts";
import { clearIndexCache } from "../aggregator/storage/parquet/logs/index.ts";
import { ParquetLogQuerier } from "../aggregator/storage/parquet/logs/querier.ts";
import type { LogRows } from "../aggregator/storage/parquet/logs/schema.ts";
import { writeLogsFile } from "../aggregator/storage/parquet/logs/writer.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import { random } from "../test/harness/random.ts";
import { progress } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean", default: false }, lines: { type: "string" } },
  strict: false,
});
const total = Number(flags.lines ?? (flags.quick ? 1_000_000 : 10_000_000));

const HOURS = 24;
const HOUR_NS = 3_600_000_000_000n;
const START_NS = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z
const JOBS = ["app", "api", "db", "nginx", "worker"];
const LEVEL_LABELS = ["info", "debug", "warn", "error"];
// The agent's `level` stage makes the level a stream label: 5 jobs × 10 hosts × 4 levels.
const streams = JOBS.flatMap((job) =>
  Array.from({ length: 10 }, (_, h) =>
    LEVEL_LABELS.map((level) => labelsFromRecord({ job, host: `host-${h}`, env: "prod", level })),
  ).flat(),
);

const LEVELS = ["info", "info", "info", "info", "debug", "debug", "warn", "error"];
const MESSAGES = ["request handled", "cache miss", "db query done", "user login", "retrying"];
const METHODS = ["GET", "GET", "POST", "PUT", "DELETE"];

const hex = (n: number, width: number) => Math.floor(n).toString(16).padStart(width, "0");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function flat(s: string): string {
  return decoder.decode(encoder.encode(s));
}

/** One hour of lines, spread evenly in time, streams drawn at random. */
function hourRows(hour: number, n: number, next: () => number): LogRows {
  const stream = new Int32Array(n);
  const timeNs = new BigInt64Array(n);
  const lines: string[] = new Array(n);
  const hourStart = START_NS + BigInt(hour) * HOUR_NS;
  for (let i = 0; i < n; i++) {
    const offset = Math.floor((i * 3.6e12) / n + next() * 1e6);
    const t = hourStart + BigInt(offset);
    const pick = (list: string[]) => list[Math.floor(next() * list.length)];
    const msg = next() < 0.01 ? "upstream timeout after 30s" : pick(MESSAGES);
    const level = pick(LEVELS);
    stream[i] = Math.floor(next() * (streams.length / 4)) * 4 + LEVEL_LABELS.indexOf(level);
    timeNs[i] = t;
    // Through bytes and back: ingest hands the writer flat strings decoded from messages, where a
    // template leaves a rope that costs the writer ~1 µs more per line to convert.
    lines[i] = flat(
      `${new Date(Number(t / 1_000_000n)).toISOString()} level=${level} msg="${msg}" ` +
        `method=${pick(METHODS)} path=/api/v1/items/${Math.floor(next() * 1e5)} ` +
        `status=${200 + 100 * Math.floor(next() * 4)} duration_ms=${Math.floor(next() * 5000)} ` +
        `trace_id=${hex(next() * 2 ** 32, 8)}${hex(next() * 2 ** 32, 8)} span_id=${hex(next() * 2 ** 32, 8)} ` +
        `user_agent="Mozilla/5.0 (X11; Linux x86_64)"`,
    );
  }
  return { length: n, streams, stream, timeNs, lines };
}

const out = (name: string, value: number, unit: string) => console.log(`${name} ${value} ${unit}`);

/** Milliseconds `fn` takes, and its result. */
async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await fn();
  return [Math.round((performance.now() - t0) * 10) / 10, result];
}

async function writeDay(dir: string): Promise<string[]> {
  const next = random(42);
  const paths: string[] = [];
  let writeMs = 0;
  let bytes = 0;
  let chars = 0;
  for (let h = 0; h < HOURS; h++) {
    const rows = hourRows(h, Math.round(total / HOURS), next);
    for (const l of rows.lines) chars += l.length;
    const path = join(dir, `hour-${String(h).padStart(2, "0")}.parquet`);
    const [ms, stats] = await timed(() => writeLogsFile(rows, path));
    writeMs += ms;
    bytes += stats.bytes;
    paths.push(path);
    if (h % 6 === 5) progress(`logs_parquet: ${h + 1} hours written`);
  }
  const rows = Math.round(total / HOURS) * HOURS;
  out("logs_parquet_lines", rows, "lines");
  out("logs_parquet_line_length", Math.round(chars / rows), "bytes");
  out("logs_parquet_write_rate", Math.round(rows / (writeMs / 1000)), "rows/s");
  out("logs_parquet_file_bytes_per_line", Math.round((bytes / rows) * 100) / 100, "bytes");
  return paths;
}

async function search(q: LogQuerier): Promise<number> {
  let n = 0;
  for await (const chunk of q.select({
    matchers: [{ name: "job", type: "=", value: "app" }],
    lineFilters: [{ op: "|=", value: "timeout" }],
    startNs: START_NS,
    endNs: START_NS + BigInt(HOURS) * HOUR_NS,
    direction: "backward",
    limitHint: 100,
  })) {
    n += chunk.length;
  }
  return n;
}

function countByStream(q: LogQuerier) {
  return q.buckets!({
    matchers: [{ name: "job", type: "=~", value: ".+" }],
    lineFilters: [],
    startNs: START_NS,
    bucketNs: 300_000_000_000n,
    buckets: HOURS * 12,
  });
}

async function queries(paths: string[]): Promise<void> {
  for (const state of ["cold", "warm"]) {
    // A fresh querier each time, as each API request opens one. Cold: the files' index is
    // read first (one GROUP BY over stream and ts); warm: it is cached from an earlier query.
    if (state === "cold") clearIndexCache();
    const [searchMs, found] = await timed(() => search(new ParquetLogQuerier(paths)));
    out(`logs_parquet_search_timeout_limit100_${state}`, searchMs, "ms");
    if (found < 100) throw new Error(`Cannot trust the search figure: it found ${found} lines`);
    if (state === "cold") clearIndexCache();
    const [bucketMs, buckets] = await timed(() => countByStream(new ParquetLogQuerier(paths)));
    out(`logs_parquet_count_by_stream_24h_5m_${state}`, bucketMs, "ms");
    if (buckets.length < streams.length * HOURS * 10) {
      throw new Error(`Cannot trust the count figure: ${buckets.length} (stream, bucket) rows`);
    }
  }
  const q = new ParquetLogQuerier(paths);
  const [filteredMs] = await timed(() =>
    q.buckets!({
      matchers: [{ name: "job", type: "=", value: "app" }],
      lineFilters: [{ op: "|=", value: "timeout" }],
      startNs: START_NS,
      bucketNs: 300_000_000_000n,
      buckets: HOURS * 12,
    }),
  );
  out("logs_parquet_count_app_timeout_24h_5m_warm", filteredMs, "ms");
  await logql(paths);
}

/**
 * The two queries through the LogQL engine (what the Loki API runs), over the same
 * files: median of 5 with the file index warm, as a dashboard refreshing sees it.
 */
async function logql(paths: string[]): Promise<void> {
  const source = { querier: async () => new ParquetLogQuerier(paths) };
  const endNs = START_NS + BigInt(HOURS) * HOUR_NS;
  const runs: [string, string, Partial<LogQueryOptions>][] = [
    ["logql_search_timeout_limit100", '{job="app"} |= "timeout"', {}],
    [
      "logql_sum_by_level_count_5m_step5m",
      'sum by (level) (count_over_time({job="app"}[5m]))',
      { stepMs: 300_000 },
    ],
    [
      "logql_sum_by_level_count_5m_step1m",
      'sum by (level) (count_over_time({job="app"}[5m]))',
      { stepMs: 60_000 },
    ],
  ];
  for (const [name, query, opts] of runs) {
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const [ms, r] = await timed(() =>
        runLogQuery(source, query, {
          startNs: START_NS,
          endNs,
          stepMs: 60_000,
          limit: 100,
          direction: "backward",
          instant: false,
          ...opts,
        }),
      );
      if (r.result.result.length === 0) throw new Error(`Cannot trust ${name}: empty result`);
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    out(name, times[2], "ms");
  }
}

const dir = await mkdtemp(join(tmpdir(), "bench-logs-parquet-"));
try {
  progress(`logs_parquet: writing ${total} lines to ${dir}`);
  const paths = await writeDay(dir);
  await queries(paths);
} finally {
  await closeDb();
  await rm(dir, { recursive: true, force: true });
}
