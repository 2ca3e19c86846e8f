import { SampleBlock } from "../../shared/model/block.ts";
import { type Labels, labelsFromEntries } from "../../shared/model/labels.ts";
import type { MetricMetadata, MetricType } from "../../shared/model/sample.ts";
import type { Series } from "../../shared/model/series.ts";
import type { ComponentMetrics, SampleConsumer } from "./component.ts";

/**
 * What built-in collectors (host metrics, probes) write to: metric families and samples by
 * name, the way an exporter renders them, but straight into the pipeline with no text between.
 */
export interface MetricWriter {
  /** Declares a family's TYPE and HELP; call it before or after its samples, once per collection. */
  family(name: string, type: MetricType, help: string): void;
  /**
   * One sample of `name`. `labels` are flat name/value pairs `[n0, v0, n1, v1, …]` in any order,
   * without `__name__`; empty values are dropped as in Prometheus.
   */
  sample(name: string, labels: readonly string[], value: number): void;
}

interface Emitted {
  series: Series;
  gen: number;
}

/** Options of a {@link SeriesEmitter}. */
export interface EmitterOptions {
  /** Labels every series carries (`job`, `instance`, external labels); a collector's own win. */
  targetLabels: Labels;
  consumer: SampleConsumer;
  component: ComponentMetrics;
}

/**
 * Turns collections into blocks for the pipeline with a scrape's semantics: the same Series
 * object for the same series every time, one timestamp per collection, a staleness marker for
 * each series a collection no longer writes, and metadata passed on when it changes.
 *
 * Use: `begin(ts)`, write samples, `finish()`; `stop(ts)` marks everything stale.
 */
export class SeriesEmitter implements MetricWriter {
  private readonly series = new Map<string, Emitted>();
  private readonly meta = new Map<string, MetricMetadata>();
  private readonly block = new SampleBlock(256);
  private metaChanged = false;
  private gen = 0;
  private ts = 0;

  constructor(private readonly opts: EmitterOptions) {}

  /** Starts a collection whose samples all carry `timestampMs`. */
  begin(timestampMs: number): void {
    this.gen++;
    this.ts = timestampMs;
    this.block.clear();
  }

  family(name: string, type: MetricType, help: string): void {
    const m = this.meta.get(name);
    if (m && m.type === type && m.help === help) return;
    this.meta.set(name, { name, type, help, unit: "" });
    this.metaChanged = true;
  }

  sample(name: string, labels: readonly string[], value: number): void {
    const key = labels.length === 0 ? name : `${name}\xff${labels.join("\xff")}`;
    let e = this.series.get(key);
    if (e === undefined) {
      e = { series: { labels: this.labelsOf(name, labels) }, gen: this.gen };
      this.series.set(key, e);
    } else if (e.gen === this.gen) {
      // Written twice in one collection: a collector bug; keep the first, count the rest.
      this.opts.component.discarded.inc();
      return;
    }
    e.gen = this.gen;
    this.block.push(e.series, this.ts, value);
  }

  /** Ends the collection: markers for series not written this time, then the block goes downstream. */
  finish(): void {
    for (const [key, e] of this.series) {
      if (e.gen === this.gen) continue;
      this.block.pushStale(e.series, this.ts);
      this.series.delete(key);
    }
    this.deliver();
  }

  /** Writes staleness markers for every live series, at `timestampMs`, and forgets them. */
  stop(timestampMs: number): void {
    this.block.clear();
    for (const e of this.series.values()) this.block.pushStale(e.series, timestampMs);
    this.series.clear();
    if (this.block.length > 0) this.deliver();
  }

  /** Number of series the last collection wrote. */
  get seriesCount(): number {
    return this.series.size;
  }

  private deliver(): void {
    const { consumer, component } = this.opts;
    if (this.metaChanged) {
      this.metaChanged = false;
      consumer.consumeMetadata?.([...this.meta.values()]);
    }
    component.received.inc(this.block.length);
    component.sent.inc(this.block.length);
    consumer.consume(this.block);
  }

  private labelsOf(name: string, labels: readonly string[]): Labels {
    const t = this.opts.targetLabels;
    const entries: [string, string][] = [];
    for (let i = 0; i < t.length; i += 2) entries.push([t[i], t[i + 1]]);
    for (let i = 0; i < labels.length; i += 2) entries.push([labels[i], labels[i + 1]]);
    entries.push(["__name__", name]);
    return labelsFromEntries(entries);
  }
}
