/**
 * The first query after an aggregator's start, over data only in Parquet: 20 series × 1 h at
 * 15 s, flushed by one aggregator, then a fresh one started on the bucket (query cache warm-up
 * off, so the query reads Parquet) and asked `sum(rate(first_query[5m]))` over the hour as soon
 * as it is ready, then again. `--root=<checkout>` runs another checkout's aggregator (a
 * baseline) on the same data.
 *
 *   bun bench/first_query.ts [--root=<dir>] [--runs=3]
 */

import { appendFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startAggregatorProcess, testAggregatorConfig } from "../test/harness/aggregator.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  waitForAllAcked,
} from "../test/harness/ingest.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { report } from "./lib/pipeline.ts";

const { values: flags } = parseArgs({
  options: { root: { type: "string" }, runs: { type: "string", default: "3" } },
  strict: false,
});
const root = flags.root === undefined ? undefined : String(flags.root);

const dir = await mkdtemp(join(tmpdir(), "outpost-first-query-"));
const nats = await startNatsServer();
const nc = await connectTo(nats.url);
const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
try {
  const writer = await testAggregatorConfig({
    id: "writer",
    natsUrl: nats.url,
    dataDir: join(dir, "writer"),
    storage: { type: "dir", path: join(dir, "bucket") },
  });
  const agg = await startAggregatorProcess(writer.path, writer.config);
  const stamps = Array.from({ length: 240 }, (_, i) => end - 3_600_000 + i * 15_000);
  await publishBatch(nc, syntheticBatch(makeSeries(20, "first_query"), stamps));
  await waitForAllAcked(nc);
  await agg.stop();
  const query = `query=sum(rate(first_query[5m]))&start=${(end - 3_600_000) / 1000}&end=${end / 1000}&step=60`;
  const first: number[] = [];
  const second: number[] = [];
  for (let run = 0; run < Number(flags.runs); run++) {
    const c = await testAggregatorConfig({
      id: `reader${run}`,
      natsUrl: nats.url,
      dataDir: join(dir, `reader${run}`),
      storage: { type: "dir", path: join(dir, "bucket") },
      // Long: the reader must not flush or compact while it is measured.
      flushInterval: "1h",
      ackWait: "2h",
    });
    appendFileSync(c.path, "query: {cache_warm: 0s}\n");
    const reader = await startAggregatorProcess(c.path, c.config, {}, root);
    for (const into of [first, second]) {
      const t0 = performance.now();
      const answer = await fetch(`${reader.url}/api/v1/query_range?${query}`);
      const body = (await answer.json()) as { data: { result: unknown[] } };
      into.push(performance.now() - t0);
      if (body.data.result.length !== 1) throw new Error("Cannot measure: the query found no data");
    }
    await reader.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  report("first_query_after_start_median", median(first), "ms");
  report("second_query_after_start_median", median(second), "ms");
  console.error(`# first: ${first.map((x) => x.toFixed(0)).join(" ")} ms`);
} finally {
  await nc.close();
  await nats.dispose();
  await rm(dir, { recursive: true, force: true });
}
