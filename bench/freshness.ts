/**
 * Freshness: how long after a scrape its sample can be queried from the aggregator's head.
 * An agent process scrapes a counting exporter every second and publishes with
 * `batch.max_wait: 1s`; an aggregator in this process is polled every 10 ms for the newest
 * samples, and each new sample's age (now − its scrape timestamp) is one observation. The
 * agent's batching wait is part of the figure: at the agent's default `max_wait` (10 s) the
 * figure grows by those 9 s.
 *
 *   bun bench/freshness.ts [--seconds 30]   (--quick: 10 s)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Aggregator } from "../aggregator/aggregator.ts";
import { testAggregatorConfig } from "../test/harness/aggregator.ts";
import { startCountingExporter } from "../test/harness/exporters.ts";
import { startNatsServer } from "../test/harness/nats.ts";
import { startAgent } from "./lib/agent_process.ts";
import { report } from "./lib/pipeline.ts";
import { progress, Teardown } from "./lib/services.ts";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean", default: false }, seconds: { type: "string" } },
  strict: false,
});
const SECONDS = Number(flags.seconds ?? (flags.quick ? 10 : 30));

const teardown = new Teardown();
try {
  const root = await mkdtemp(join(tmpdir(), "outpost-bench-fresh-"));
  teardown.defer("the bench directory", () => rm(root, { recursive: true, force: true }));
  const nats = await startNatsServer();
  teardown.defer("nats-server", () => nats.dispose());
  const { config } = await testAggregatorConfig({
    id: "fresh",
    natsUrl: nats.url,
    dataDir: join(root, "agg"),
    storage: { type: "dir", path: join(root, "bucket") },
    flushInterval: "10s",
    ackWait: "1m",
  });
  const aggregator = new Aggregator(config);
  await aggregator.start();
  teardown.defer("the aggregator", () => aggregator.stop());
  const exporter = await startCountingExporter();
  teardown.defer("the exporter", () => exporter.stop());
  const agent = await startAgent({
    id: "fresh",
    natsUrl: nats.url,
    extraYaml: "batch:\n  max_wait: 1s\n",
    scrapeConfigs: `scrape_configs:\n  - job_name: fresh\n    scrape_interval: 1s\n    static_configs:\n      - targets: ["${exporter.address}"]\n`,
  });
  teardown.defer("the agent", () => agent.stop());

  progress(`polling the head for ${SECONDS} s`);
  const ages: number[] = [];
  let newest = 0;
  const deadline = Date.now() + SECONDS * 1000;
  while (Date.now() < deadline) {
    const q = await aggregator.store.querier("default");
    const now = Date.now();
    const got = await q.select(
      [{ name: "__name__", type: "=", value: "outpost_test_scrape_seq" }],
      {
        start: now - 60_000,
        end: now,
      },
    );
    q.close();
    const s = got[0];
    // Every sample that became visible since the last poll is one observation (a batch may
    // carry two scrapes: the older one is the staler).
    for (let i = 0; s && i < s.length; i++) {
      const ts = s.timestamps[i];
      if (ts <= newest) continue;
      if (newest > 0) ages.push(now - ts);
      newest = ts;
    }
    await Bun.sleep(10);
  }
  if (ages.length < 3)
    throw new Error(`Cannot measure freshness: only ${ages.length} new samples seen`);
  ages.sort((a, b) => a - b);
  const at = (q: number) => ages[Math.min(ages.length - 1, Math.floor(q * ages.length))] / 1000;
  report("freshness_scrape_to_query_p50", at(0.5), "s");
  report("freshness_scrape_to_query_p99", at(0.99), "s");
  report("freshness_scrape_to_query_max", ages[ages.length - 1] / 1000, "s");
} finally {
  await teardown.run();
}
