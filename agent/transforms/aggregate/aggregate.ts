import { logger } from "../../../shared/log/log.ts";
import type { Registry } from "../../../shared/metrics/registry.ts";
import { SampleBlock } from "../../../shared/model/block.ts";
import { labelValue } from "../../../shared/model/labels.ts";
import type { MetricMetadata, MetricType } from "../../../shared/model/sample.ts";
import type { Series } from "../../../shared/model/series.ts";
import type { Component, SampleConsumer } from "../../pipeline/component.ts";
import { type CompiledRule, compileRule, outputHelp } from "./compile.ts";
import type { AggregateRule } from "./config.ts";
import { familyOf, isCounterSeries } from "./kind.ts";
import { AggregateMetrics, type RuleMetrics } from "./metrics.ts";
import { RuleAggregator } from "./rule.ts";
import { addSample, endSample, Member, PASS_THROUGH, Route } from "./state.ts";

const log = logger("aggregate");

/** Options of an {@link AggregateTransform}. */
export interface AggregateOptions {
  rules: readonly AggregateRule[];
  /** Where pass-through samples and outputs go (the next transform or the sink). */
  consumer: SampleConsumer;
  registry: Registry;
  /** Names of the agent's external labels: outputs keep them unless a rule's `without` drops them. */
  externalLabels?: readonly string[];
  /** Component id in self-metrics; "aggregate" by default. */
  id?: string;
}

/**
 * The `aggregate` transform: combines the series each rule matches into one series per
 * group and interval, like a recording rule run on the host before shipping. Outputs are
 * written by a timer at interval-aligned timestamps as their own block; unmatched samples
 * pass through as they came. See the README section "Edge pre-aggregation" for semantics.
 */
export class AggregateTransform implements Component, SampleConsumer {
  readonly id: string;
  private readonly rules: RuleAggregator[];
  private readonly ruleMetrics: RuleMetrics[];
  private readonly metrics: AggregateMetrics;
  /** Route per input series, keyed by identity: producers keep one Series object per series. */
  private readonly routes = new WeakMap<Series, Route>();
  /** TYPE and HELP by family name, as sources last reported them. */
  private readonly types = new Map<string, MetricType>();
  private readonly helps = new Map<string, string>();
  /** Output families whose metadata was queued already. */
  private readonly announced = new Set<string>();
  private readonly pendingMeta: MetricMetadata[] = [];
  private readonly passed = new SampleBlock(1024);
  private readonly out = new SampleBlock(256);
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private lastEnd = Number.NEGATIVE_INFINITY;
  private unloggedNaN = 0;

  constructor(private readonly opts: AggregateOptions) {
    this.id = opts.id ?? "aggregate";
    this.metrics = new AggregateMetrics(opts.registry, this.id);
    const hook = this.announce.bind(this);
    const external = new Set(opts.externalLabels ?? []);
    this.rules = opts.rules.map(
      (config) => new RuleAggregator(compileRule(config), hook, external),
    );
    this.ruleMetrics = this.rules.map((r) => this.metrics.forRule(r.rule.expression));
  }

  /** Aggregates matched samples and passes the rest on (hot path; `block` is not kept). */
  consume(block: SampleBlock): void {
    const n = block.length;
    if (n === 0) return;
    this.metrics.component.received.inc(n);
    const { series, values } = block;
    const passed = this.passed;
    let firstTaken = -1;
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      const s = series[i];
      const route = this.routes.get(s) ?? this.route(s);
      if (route !== PASS_THROUGH) {
        const stale = block.isStale(i);
        const members = route.members;
        for (let j = 0; j < members.length; j++) {
          const m = members[j];
          m.owner.matched++;
          if (stale) endSample(m);
          else if (!addSample(m, values[i])) dropped++;
        }
        if (!route.pass) {
          if (firstTaken < 0) {
            firstTaken = i;
            passed.clear();
            for (let k = 0; k < i; k++) passed.copyRow(block, k);
          }
          continue;
        }
      }
      if (firstTaken >= 0) passed.copyRow(block, i);
    }
    this.settle(dropped);
    const forward = firstTaken < 0 ? block : passed;
    if (forward.length === 0) return;
    this.metrics.component.sent.inc(forward.length);
    this.opts.consumer.consume(forward);
  }

  /** Learns each family's TYPE (to tell counters from gauges) and passes the metadata on. */
  consumeMetadata(metadata: readonly MetricMetadata[]): void {
    for (const m of metadata) {
      this.types.set(m.name, m.type);
      this.helps.set(m.name, m.help);
    }
    this.opts.consumer.consumeMetadata?.(metadata);
  }

  /** Writes outputs at every interval boundary until stop() or `signal` aborts. */
  start(signal: AbortSignal): void {
    const byInterval = Map.groupBy(this.rules, (r) => r.rule.config.interval);
    for (const [interval, rules] of byInterval) this.arm(interval, rules, Date.now());
    signal.addEventListener("abort", () => this.disarm(), { once: true });
  }

  /**
   * Writes what the interval in progress has so far, stamped now (the one output not on an
   * interval boundary, so that a shutdown loses no increase). No staleness markers: the agent
   * is stopping, and Prometheus writes none when it stops (a restart would end every output
   * and resolve the alerts on them).
   */
  async stop(): Promise<void> {
    this.disarm();
    if (this.rules.every((r) => r.groups.size === 0)) return;
    this.flush(Math.max(Date.now(), this.lastEnd + 1));
  }

  /** Ends the interval of every rule at `endMs` and sends the outputs; for callers that keep time themselves. */
  flush(endMs: number): void {
    this.emit(this.rules, endMs);
  }

  private emit(rules: readonly RuleAggregator[], end: number): void {
    this.lastEnd = Math.max(this.lastEnd, end);
    this.out.clear();
    for (const rule of rules) {
      const before = this.out.length;
      rule.flush(end, this.out);
      const metrics = this.ruleMetrics[this.rules.indexOf(rule)];
      metrics.output.inc(this.out.length - before);
      metrics.groups.set(rule.groups.size);
    }
    if (this.unloggedNaN > 0) {
      log.warn("Cannot add NaN to a sum of counters; dropped the samples", {
        samples: this.unloggedNaN,
      });
      this.unloggedNaN = 0;
    }
    this.deliver();
  }

  private deliver(): void {
    if (this.pendingMeta.length > 0) {
      this.opts.consumer.consumeMetadata?.(this.pendingMeta.splice(0));
    }
    if (this.out.length === 0) return;
    this.metrics.component.sent.inc(this.out.length);
    this.opts.consumer.consume(this.out);
  }

  /** First sight of a series: which rules take it, and whether it also goes downstream. */
  private route(series: Series): Route {
    const members: Member[] = [];
    let pass = true;
    let counter: boolean | undefined;
    for (const rule of this.rules) {
      if (!rule.matches(series.labels)) continue;
      counter ??= isCounterSeries(labelValue(series.labels, "__name__"), this.types);
      members.push(new Member(series, rule, counter));
      if (!rule.rule.config.keep_input) pass = false;
    }
    const route = members.length === 0 ? PASS_THROUGH : new Route(members, pass);
    this.routes.set(series, route);
    return route;
  }

  /** Moves the per-rule tallies of the last block into the self-metrics. */
  private settle(dropped: number): void {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      if (rule.matched === 0) continue;
      this.ruleMetrics[i].input.inc(rule.matched);
      rule.matched = 0;
    }
    if (dropped > 0) {
      this.metrics.component.discarded.inc(dropped);
      this.unloggedNaN += dropped;
    }
  }

  /** Queues metadata for an output family whose name is not its input's. */
  private announce(rule: CompiledRule, name: string, inputName: string, counter: boolean): void {
    if (name === inputName || this.announced.has(name)) return;
    this.announced.add(name);
    const family = familyOf(inputName, this.helps);
    const help = outputHelp(rule, inputName, family === undefined ? "" : this.helps.get(family)!);
    this.pendingMeta.push({ name, type: counter ? "counter" : "gauge", help, unit: "" });
  }

  private arm(interval: number, rules: RuleAggregator[], after: number): void {
    const at = Math.floor(after / interval) * interval + interval;
    const timer = setTimeout(() => {
      // A timer may fire a little early or, on a suspended host, intervals late.
      const end = Math.max(at, Math.floor(Date.now() / interval) * interval);
      this.emit(rules, end);
      this.arm(interval, rules, end);
    }, at - Date.now());
    this.timers.set(interval, timer);
  }

  private disarm(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
