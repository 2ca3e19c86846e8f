/**
 * What the aggregator benchmarks share: a scratch directory, a nats-server and a client, a
 * directory-bucket aggregator config, and the RSS of an aggregator that holds one series (the
 * baseline that per-series memory is measured against).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AggregatorProcess,
  type TestAggregatorOptions,
  testAggregatorConfig,
} from "../../test/harness/aggregator.ts";
import {
  connectTo,
  makeSeries,
  publishBatch,
  syntheticBatch,
  waitForAllAcked,
} from "../../test/harness/ingest.ts";
import { startNatsServer } from "../../test/harness/nats.ts";
import { rssBytes } from "./proc.ts";

/** The NATS client the test harness connects (the driver itself stays behind the harness). */
type NatsConnection = Awaited<ReturnType<typeof connectTo>>;

import type { Teardown } from "./services.ts";

/** The running pieces an aggregator benchmark starts from. */
export interface AggregatorBench {
  nc: NatsConnection;
  config: Awaited<ReturnType<typeof testAggregatorConfig>>;
}

/** Starts nats-server and a client and writes the aggregator config; everything is torn down with `teardown`. */
export async function setUpAggregatorBench(
  teardown: Teardown,
  options: Omit<TestAggregatorOptions, "natsUrl" | "dataDir" | "storage">,
): Promise<AggregatorBench> {
  const root = await mkdtemp(join(tmpdir(), `outpost-bench-${options.id}-`));
  teardown.defer("the bench directory", () => rm(root, { recursive: true, force: true }));
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  const nc = await connectTo(nats.url);
  teardown.defer("the NATS client", () => nc.close());
  const config = await testAggregatorConfig({
    ...options,
    natsUrl: nats.url,
    dataDir: join(root, "agg"),
    storage: { type: "dir", path: join(root, "bucket") },
  });
  return { nc, config };
}

/** Feeds `agg` one series, waits for its ack and returns its RSS then: the empty-head baseline. */
export async function oneSeriesRss(nc: NatsConnection, agg: AggregatorProcess): Promise<number> {
  await publishBatch(nc, syntheticBatch(makeSeries(1, "warmup"), [Date.now()]), {
    msgId: "warmup",
  });
  await waitForAllAcked(nc, 60_000);
  await Bun.sleep(2_000);
  return rssBytes(agg.proc.pid);
}
