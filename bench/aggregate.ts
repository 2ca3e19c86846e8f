/**
 * Cost and effect of the agent's `aggregate` transform (agent/transforms/aggregate).
 *
 *   bun bench/aggregate.ts [--quick]
 *
 * Prints `name value unit` lines:
 * - samples per CPU second through the transform (process.cpuUsage, one core) for 10,240
 *   node_cpu_seconds_total-like counters (20 hosts × 64 CPUs × 8 modes) in blocks of 1,000,
 *   when a rule sums them all without `cpu`, when it takes only mode="idle" (the other 7/8
 *   are copied into the pass-through block), and when no rule matches (the block goes on as is);
 * - the CPU time of one interval's flush, per input series;
 * - samples leaving the host per interval for a node_exporter scrape (the captured fixture,
 *   its per-CPU series widened to 64 CPUs), scraped every 15 s and aggregated every 60 s,
 *   with and without a rule dropping `cpu` from node_cpu_seconds_total, and the reduction.
 */

import type { SampleConsumer } from "../agent/pipeline/component.ts";
import { AggregateTransform } from "../agent/transforms/aggregate/aggregate.ts";
import { type AggregateRule, aggregateRuleSchema } from "../agent/transforms/aggregate/config.ts";
import { SeriesCache } from "../shared/exposition/cache.ts";
import { parseExposition } from "../shared/exposition/parse.ts";
import { Registry } from "../shared/metrics/registry.ts";
import { SampleBlock } from "../shared/model/block.ts";
import { labelsFromRecord } from "../shared/model/labels.ts";
import type { MetricMetadata, MetricType } from "../shared/model/sample.ts";
import type { Series } from "../shared/model/series.ts";

const QUICK = process.argv.includes("--quick");
const FIXTURE = new URL("../../shared/fixtures/node_exporter_sample.txt", import.meta.url);
const MODES = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
const BLOCK_ROWS = 1000;
const SCRAPE_MS = 15_000;
const INTERVAL_MS = 60_000;

/** Counts what leaves the transform; keeps nothing (blocks are reused upstream). */
class CountingSink implements SampleConsumer {
  samples = 0;
  consume(block: SampleBlock): void {
    this.samples += block.length;
  }
  consumeMetadata(_metadata: readonly MetricMetadata[]): void {}
}

const rule = (r: Record<string, unknown>): AggregateRule => aggregateRuleSchema.parse(r);
const CPU_RULE = rule({ match: "node_cpu_seconds_total", without: ["cpu"], op: "sum" });
const IDLE_RULE = rule({
  match: 'node_cpu_seconds_total{mode="idle"}',
  without: ["cpu"],
  op: "sum",
});
const OTHER_RULE = rule({ match: "nothing_matches_this", by: [], op: "sum" });

function print(name: string, value: number, unit: string): void {
  console.log(`${name} ${Number(value.toPrecision(4))} ${unit}`);
}

/** CPU microseconds `fn` takes (user + system). */
function cpuMicros(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** 20 hosts × 64 CPUs × 8 modes of counters, cut into blocks of 1,000 rows. */
function cpuBlocks(): { blocks: SampleBlock[]; series: Series[] } {
  const series: Series[] = [];
  for (let h = 0; h < 20; h++) {
    for (let c = 0; c < 64; c++) {
      for (const mode of MODES) {
        const labels = { __name__: "node_cpu_seconds_total", cpu: String(c), mode };
        series.push({
          labels: labelsFromRecord({ ...labels, instance: `host-${h}:9100`, job: "node" }),
        });
      }
    }
  }
  const blocks: SampleBlock[] = [];
  for (let i = 0; i < series.length; i += BLOCK_ROWS) {
    const block = new SampleBlock(BLOCK_ROWS);
    for (let j = i; j < Math.min(series.length, i + BLOCK_ROWS); j++) block.push(series[j], 0, j);
    blocks.push(block);
  }
  return { blocks, series };
}

/** Samples per CPU second through a transform with `rules`, and flush cost per input. */
function throughput(rules: AggregateRule[]): { rate: number; flushMicrosPerInput: number } {
  const { blocks, series } = cpuBlocks();
  const aggregate = new AggregateTransform({
    rules,
    consumer: new CountingSink(),
    registry: new Registry(),
  });
  const rounds = QUICK ? 200 : 2000;
  const feed = (round: number) => {
    for (const block of blocks) {
      // Counters rise a little every round, with a reset now and then.
      for (let i = 0; i < block.length; i++)
        block.values[i] = round % 97 === 96 ? 0 : block.values[i] + 1.5;
      block.timestamps.fill(round * SCRAPE_MS, 0, block.length);
      aggregate.consume(block);
    }
  };
  for (let r = 0; r < 20; r++) feed(r); // warm the JIT and the routes
  let samples = 0;
  let flushMicros = 0;
  let flushes = 0;
  const micros = cpuMicros(() => {
    for (let r = 20; r < 20 + rounds; r++) {
      feed(r);
      samples += series.length;
      if (r % 4 === 3) {
        flushMicros += cpuMicros(() => aggregate.flush((r + 1) * SCRAPE_MS));
        flushes++;
      }
    }
  });
  return {
    rate: samples / ((micros - flushMicros) / 1e6),
    flushMicrosPerInput: flushMicros / flushes / series.length,
  };
}

/** The fixture with every series that has a `cpu` label repeated for CPUs 0–63. */
async function node64(): Promise<Uint8Array> {
  const lines = (await Bun.file(FIXTURE).text()).split("\n");
  const out: string[] = [];
  for (const line of lines) {
    if (!line.startsWith("#") && line.includes('cpu="0"')) {
      for (let c = 0; c < 64; c++) out.push(line.replace('cpu="0"', `cpu="${c}"`));
    } else if (line.startsWith("#") || !/cpu="\d+"/.test(line)) out.push(line);
  }
  return new TextEncoder().encode(out.join("\n"));
}

/** Samples leaving the host per aggregation interval, scraping `body` every 15 s. */
function samplesOut(body: Uint8Array, rules: AggregateRule[]): number {
  const sink = new CountingSink();
  const aggregate = new AggregateTransform({ rules, consumer: sink, registry: new Registry() });
  const cache = new SeriesCache();
  const block = new SampleBlock(2048);
  const types: MetricMetadata[] = [];
  const intervals = 5;
  let counted = 0;
  for (let k = 0; k < intervals * (INTERVAL_MS / SCRAPE_MS); k++) {
    const ts = k * SCRAPE_MS + 1000;
    block.clear();
    cache.beginScrape();
    parseExposition(body, "text", cache, {
      sample(entry, value) {
        entry.ref ??= { labels: entry.labels };
        block.push(entry.ref as Series, ts, value + k);
      },
      metadata(name, kind, text) {
        if (kind === "type" && k === 0)
          types.push({ name, type: text as MetricType, help: "", unit: "" });
      },
    });
    cache.sweep(() => {});
    if (k === 0) aggregate.consumeMetadata(types);
    aggregate.consume(block);
    if ((ts + SCRAPE_MS) % INTERVAL_MS < SCRAPE_MS) {
      aggregate.flush(Math.ceil(ts / INTERVAL_MS) * INTERVAL_MS);
      // The first interval only fills the groups; count the steady state.
      if (k >= INTERVAL_MS / SCRAPE_MS) counted += 1;
      else sink.samples = 0;
    }
  }
  return sink.samples / counted;
}

const matched = throughput([CPU_RULE]);
print("aggregate_matched_samples_per_cpu_second", matched.rate, "samples/s");
print("aggregate_flush_cpu_per_input_series", matched.flushMicrosPerInput, "us");
print("aggregate_mixed_samples_per_cpu_second", throughput([IDLE_RULE]).rate, "samples/s");
print("aggregate_passthrough_samples_per_cpu_second", throughput([OTHER_RULE]).rate, "samples/s");

const body = await node64();
const without = samplesOut(body, []);
const withRule = samplesOut(body, [CPU_RULE]);
print("aggregate_samples_out_without_rule", without, "samples/interval");
print("aggregate_samples_out_with_rule", withRule, "samples/interval");
print("aggregate_samples_out_reduction", (100 * (without - withRule)) / without, "%");
