import { describe, expect, test } from "bun:test";
import { push, STALE, series, transform } from "./testing.ts";

const M = 60_000;
const cpu = (n: string, mode = "idle") => series("node_cpu_seconds_total", { cpu: n, mode });
const up = series("up", { job: "node" });
const load = series("node_load1");
const SUM_BY_MODE = { match: "node_cpu_seconds_total", by: ["mode"], op: "sum" };

describe("AggregateTransform pass-through", () => {
  test("forwards a block that nothing matches as the same instance", () => {
    const { aggregate, sink } = transform(SUM_BY_MODE);
    const block = push(aggregate, 1000, [
      [up, 1],
      [load, STALE],
    ]);
    expect(sink.blocks).toEqual([block]);
    expect(sink.take()).toEqual([
      ['up{job="node"}', 1, 1000],
      ["node_load1", STALE, 1000],
    ]);
  });

  test("forwards the unmatched rows of a mixed block in order, markers included, and consumes the rest", () => {
    const { aggregate, sink } = transform(SUM_BY_MODE);
    const block = push(aggregate, 1000, [
      [up, 1],
      [cpu("0"), 5],
      [load, 0.5],
      [cpu("1"), STALE],
      [load, STALE],
    ]);
    expect(sink.blocks[0]).not.toBe(block);
    expect(sink.take()).toEqual([
      ['up{job="node"}', 1, 1000],
      ["node_load1", 0.5, 1000],
      ["node_load1", STALE, 1000],
    ]);
  });

  test("sends nothing downstream when a block is wholly consumed", () => {
    const { aggregate, sink } = transform(SUM_BY_MODE);
    push(aggregate, 1000, [[cpu("0"), 5]]);
    expect(sink.blocks).toEqual([]);
  });

  test("keep_input passes the matched inputs and their markers on as well as writing outputs", () => {
    const { aggregate, sink } = transform({
      ...SUM_BY_MODE,
      output_name: "cpu:sum",
      keep_input: true,
    });
    const a = cpu("0");
    push(aggregate, 1000, [[a, 5]]);
    push(aggregate, 2000, [[a, STALE]]);
    aggregate.flush(M);
    expect(sink.take()).toEqual([
      ['node_cpu_seconds_total{cpu="0", mode="idle"}', 5, 1000],
      ['node_cpu_seconds_total{cpu="0", mode="idle"}', STALE, 2000],
      ['cpu:sum{mode="idle"}', 5, M],
    ]);
  });

  test("a series two rules match is consumed unless both keep it, and feeds both", () => {
    const { aggregate, sink } = transform(
      { ...SUM_BY_MODE, output_name: "a", keep_input: true },
      { ...SUM_BY_MODE, op: "count" },
    );
    push(aggregate, 1000, [[cpu("0"), 5]]);
    aggregate.flush(M);
    expect(sink.take()).toEqual([
      ['a{mode="idle"}', 5, M],
      ['node_cpu_seconds_total:count{mode="idle"}', 1, M],
    ]);
  });
});

describe("AggregateTransform metadata", () => {
  test("passes metadata on and announces output families that do not reuse the input's name", () => {
    const { aggregate, sink } = transform(
      SUM_BY_MODE,
      { ...SUM_BY_MODE, op: "count" },
      { ...SUM_BY_MODE, output_name: "cpu_seconds:sum_total", by: [] },
    );
    const cpuMeta = {
      name: "node_cpu_seconds_total",
      type: "counter" as const,
      help: "Seconds the CPUs spent in each mode.",
      unit: "",
    };
    aggregate.consumeMetadata([cpuMeta]);
    expect(sink.metadata).toEqual([cpuMeta]);
    push(aggregate, 1000, [[cpu("0"), 5]]);
    aggregate.flush(M);
    expect(sink.metadata.slice(1)).toEqual([
      {
        name: "node_cpu_seconds_total:count",
        type: "gauge",
        help: "count by (mode) of node_cpu_seconds_total, aggregated by the agent every 1m. Seconds the CPUs spent in each mode.",
        unit: "",
      },
      {
        name: "cpu_seconds:sum_total",
        type: "counter",
        help: "sum by () of node_cpu_seconds_total, aggregated by the agent every 1m. Seconds the CPUs spent in each mode.",
        unit: "",
      },
    ]);
    push(aggregate, M + 1000, [[cpu("1"), 5]]);
    aggregate.flush(2 * M);
    expect(sink.metadata).toHaveLength(3); // each family is announced once
  });
});

describe("AggregateTransform self-metrics", () => {
  test("counts received, sent, and each rule's input and output samples", () => {
    const { aggregate, registry } = transform(SUM_BY_MODE);
    push(aggregate, 1000, [
      [up, 1],
      [cpu("0"), 5],
      [cpu("1"), 6],
    ]);
    push(aggregate, 2000, [[cpu("1"), STALE]]);
    aggregate.flush(M);
    aggregate.flush(2 * M);
    const text = registry.render();
    const component =
      'component_id="aggregate",component_kind="transform",component_type="aggregate"';
    const rule = 'rule="sum by (mode) (node_cpu_seconds_total)"';
    for (const line of [
      `outpost_component_received_events_total{${component}} 4`,
      `outpost_component_sent_events_total{${component}} 3`, // up, then one output per flush
      `outpost_aggregate_input_samples_total{${rule}} 3`,
      `outpost_aggregate_output_samples_total{${rule}} 2`,
      `outpost_aggregate_output_series{${rule}} 1`,
    ]) {
      expect(text).toContain(line);
    }
  });
});

describe("AggregateTransform lifecycle", () => {
  test("writes outputs on interval boundaries once started, and nothing after the signal aborts", async () => {
    const { aggregate, sink } = transform({ ...SUM_BY_MODE, interval: "1s" });
    const controller = new AbortController();
    aggregate.start(controller.signal);
    push(aggregate, Date.now(), [[cpu("0"), 5]]);
    const nextBoundary = () => 1000 - (Date.now() % 1000) + 50;
    await Bun.sleep(nextBoundary());
    controller.abort();
    const rows = sink.take();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(
      rows.every(
        ([name, value, ts]) => name.startsWith("node_cpu") && value === 5 && ts % 1000 === 0,
      ),
    ).toBe(true);
    await Bun.sleep(nextBoundary());
    expect(sink.take()).toEqual([]);
  });

  test("stop() writes the interval so far and no staleness marker, as Prometheus at shutdown", async () => {
    const { aggregate, sink } = transform(SUM_BY_MODE);
    push(aggregate, 1000, [[cpu("0"), 5]]);
    const before = Date.now();
    await aggregate.stop();
    const taken = sink.take();
    expect(taken.map(([, value]) => value)).toEqual([5]);
    expect(taken[0]![2]).toBeGreaterThanOrEqual(before);
  });
});
