import { Registry } from "../../../shared/metrics/registry.ts";
import { SampleBlock } from "../../../shared/model/block.ts";
import { formatSeries, labelsFromRecord } from "../../../shared/model/labels.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";
import type { Series } from "../../../shared/model/series.ts";
import type { SampleConsumer } from "../../pipeline/component.ts";
import { AggregateTransform } from "./aggregate.ts";
import { aggregateRuleSchema } from "./config.ts";

/** A staleness marker in {@link Sink.rows} and in {@link push} input. */
export const STALE = "stale";

/** One row as a test compares it: `[series as Prometheus prints it, value or STALE, timestamp]`. */
export type Row = [string, number | typeof STALE, number];

/** Test helper: a downstream consumer that records every row, block and metadata it gets. */
export class Sink implements SampleConsumer {
  rows: Row[] = [];
  blocks: SampleBlock[] = [];
  metadata: MetricMetadata[] = [];

  consume(block: SampleBlock): void {
    this.blocks.push(block);
    for (let i = 0; i < block.length; i++) {
      const value = block.isStale(i) ? STALE : block.values[i];
      this.rows.push([formatSeries(block.series[i].labels), value, block.timestamps[i]]);
    }
  }

  consumeMetadata(metadata: readonly MetricMetadata[]): void {
    this.metadata.push(...metadata.map((m) => ({ ...m })));
  }

  /** Returns the rows recorded since the last call and forgets them. */
  take(): Row[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }
}

/** Test helper: a Series object, kept by the caller as a producer keeps it. */
export function series(name: string, labels: Record<string, string> = {}): Series {
  return { labels: labelsFromRecord({ __name__: name, ...labels }) };
}

/** Test helper: a transform with `rules` (YAML-shaped, defaults applied) writing to a new Sink. */
export function transform(...rules: Record<string, unknown>[]) {
  const sink = new Sink();
  const registry = new Registry();
  const parsed = rules.map((r) => aggregateRuleSchema.parse(r));
  const aggregate = new AggregateTransform({ rules: parsed, consumer: sink, registry });
  return { aggregate, sink, registry };
}

/** Test helper: sends one block of `[series, value or STALE]` rows at `ts`. */
export function push(
  consumer: SampleConsumer,
  ts: number,
  rows: [Series, number | typeof STALE][],
): SampleBlock {
  const block = new SampleBlock(4);
  for (const [s, v] of rows) {
    if (v === STALE) block.pushStale(s, ts);
    else block.push(s, ts, v);
  }
  consumer.consume(block);
  return block;
}
