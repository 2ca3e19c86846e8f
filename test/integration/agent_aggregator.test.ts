/**
 * The whole metrics path with real parts: Debian's node_exporter and a counting exporter →
 * agent → nats-server → aggregator → Parquet in a local directory. Every sample the agent put
 * on the stream is in the bucket, with its value, exactly once, and nothing else is.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aggregator } from "../../aggregator/aggregator.ts";
import { startTestAgent, testAgentYaml } from "../harness/agent.ts";
import { testAggregatorConfig } from "../harness/aggregator.ts";
import {
  type ExporterHandle,
  startCountingExporter,
  startNodeExporter,
} from "../harness/exporters.ts";
import { connectTo, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { readStored } from "../harness/stored.ts";
import { readStream } from "../harness/stream.ts";

let root: string;
let nats: NatsServerHandle;
let exporters: ExporterHandle[] = [];
let aggregator: Aggregator;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "outpost-e2e-"));
  nats = await startNatsServer();
  exporters = [await startNodeExporter(), await startCountingExporter()];
  const { config } = await testAggregatorConfig({
    id: "e2e",
    natsUrl: nats.url,
    dataDir: join(root, "agg"),
    storage: { type: "dir", path: join(root, "bucket") },
  });
  aggregator = new Aggregator(config);
  await aggregator.start();
});

afterAll(async () => {
  await aggregator?.stop();
  for (const e of exporters) await e.stop();
  await nats?.dispose();
  await rm(root, { recursive: true, force: true });
});

test("the bucket holds exactly the samples the agent published, node_exporter's included", async () => {
  const [node, counting] = exporters;
  const yaml = testAgentYaml(nats.url, root, { node: node.address, counting: counting.address });
  const agent = await startTestAgent(yaml, root);
  await Bun.sleep(3_500);
  await agent.stop();
  const nc = await connectTo(nats.url);
  try {
    await waitForAllAcked(nc);
  } finally {
    await nc.close();
  }
  const sent = (await readStream(nats.url)).flatMap((b) => b.samples);
  const stored = await readStored(aggregator.config);
  expect(sent.length).toBeGreaterThan(1000);
  expect(stored.rows).toBe(sent.length);
  for (const s of sent) {
    const got = stored.samples.get(s.series)?.get(s.ts);
    if (s.stale) expect(got).toBeNaN();
    else expect(got).toBe(s.value);
  }
  const families = new Set(sent.map((s) => s.name));
  expect(families.has("node_cpu_seconds_total")).toBe(true);
  expect(families.has("outpost_test_scrape_seq")).toBe(true);
  // The agent checksums every batch and the aggregator verified each one.
  const metrics = await (await fetch(`${aggregator.url}/metrics`)).text();
  // (A counter that never moved is not exposed.)
  expect(metrics).toMatch(/^outpost_ingest_batches_total [1-9]/m);
  expect(metrics).not.toMatch(/^outpost_ingest_batches_unchecked_total [1-9]/m);
  expect(metrics).not.toMatch(/^outpost_ingest_dead_lettered_batches_total\S* [1-9]/m);
  // 3.5 s of scraping, then the drain and the bucket read: over 5 s on a busy machine.
}, 30_000);

test("/api/v1/metadata answers the HELP and TYPE node_exporter's families came with", async () => {
  const res = await fetch(`${aggregator.url}/api/v1/metadata?metric=node_cpu_seconds_total`);
  const body = (await res.json()) as {
    data: Record<string, { type: string; help: string; unit: string }[]>;
  };
  expect(body.data.node_cpu_seconds_total).toEqual([
    { type: "counter", help: "Seconds the CPUs spent in each mode.", unit: "" },
  ]);
});
