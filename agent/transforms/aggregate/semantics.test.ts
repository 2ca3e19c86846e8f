import { describe, expect, test } from "bun:test";
import { Registry } from "../../../shared/metrics/registry.ts";
import { AggregateTransform } from "./aggregate.ts";
import { aggregateRuleSchema } from "./config.ts";
import { push, type Row, Sink, STALE, series, transform } from "./testing.ts";

const M = 60_000;
const cpu = (n: string, mode = "idle") =>
  series("node_cpu_seconds_total", { cpu: n, mode, job: "node", instance: "h:9100" });
const OUT = 'node_cpu_seconds_total{mode="idle"}';
const SUM = { match: "node_cpu_seconds_total", by: ["mode"], op: "sum" };

describe("sum of counters", () => {
  test("follows resets and vanishing inputs so that it rises by the sum of the inputs' increases", () => {
    const { aggregate, sink } = transform(SUM);
    const [a, b] = [cpu("0"), cpu("1")];
    // [a, b] per interval; b vanishes in the fourth, a resets in the third.
    const steps: [number | typeof STALE, number | typeof STALE][] = [
      [10, 20],
      [15, 25],
      [3, 30],
      [5, STALE],
      [7, 1e9], // b's Series object is gone; a new object with b's labels would be a new input
    ];
    const out: number[] = [];
    steps.slice(0, 4).forEach(([va, vb], k) => {
      push(aggregate, k * M + 1000, [
        [a, va],
        [b, vb],
      ]);
      aggregate.flush((k + 1) * M);
      out.push(sink.take()[0][1] as number);
    });
    // 10+20 to start; then +5+5; +3 (reset) +5; +2 and b stops without lowering the total.
    expect(out).toEqual([30, 40, 48, 50]);
  });

  test("counts a new input's first value, so the output starts near the raw sum and never falls", () => {
    const { aggregate, sink } = transform(SUM);
    const a = cpu("0");
    push(aggregate, 1000, [[a, 100]]);
    aggregate.flush(M);
    push(aggregate, M + 1000, [
      [a, 90], // a reset: counts 90 in full
      [cpu("1"), 50], // new: counts 50 in full
    ]);
    aggregate.flush(2 * M);
    expect(sink.take()).toEqual([
      [OUT, 100, M],
      [OUT, 240, 2 * M],
    ]);
  });

  test("resumes an input that comes back after a failed scrape instead of adding it again", () => {
    const { aggregate, sink } = transform(SUM);
    const first = cpu("0");
    push(aggregate, 1000, [[first, 1000]]);
    aggregate.flush(M);
    push(aggregate, M + 1000, [[first, STALE]]);
    aggregate.flush(2 * M);
    push(aggregate, 2 * M + 1000, [[cpu("0"), 1010]]); // the scrape loop's new object
    aggregate.flush(3 * M);
    expect(sink.take().map((r) => r[1])).toEqual([1000, 1000, 1010]);
  });

  test("keeps counting an input that is marked stale and back within one interval", () => {
    const { aggregate, sink } = transform(SUM);
    const a = cpu("0");
    push(aggregate, 1000, [[a, 10]]);
    push(aggregate, 2000, [[a, STALE]]);
    push(aggregate, 3000, [[a, 12]]);
    aggregate.flush(M);
    push(aggregate, M + 1000, [[a, 15]]);
    aggregate.flush(2 * M);
    expect(sink.take().map((r) => r[1])).toEqual([12, 15]);
  });

  test("takes over from an input marked stale and back as a new series within one interval", () => {
    const { aggregate, sink } = transform(SUM, { ...SUM, op: "count", output_name: "cpus" });
    const a = cpu("0");
    push(aggregate, 1000, [[a, 1000]]);
    aggregate.flush(M);
    push(aggregate, M + 1000, [[a, STALE]]); // a failed scrape
    push(aggregate, M + 16_000, [[cpu("0"), 1010]]); // back, as the scrape loop's new object
    aggregate.flush(2 * M);
    expect(sink.take().map((r) => r[1])).toEqual([1000, 1, 1010, 1]);
  });

  test("skips NaN samples and counts them as discarded", () => {
    const { aggregate, sink, registry } = transform(SUM);
    const a = cpu("0");
    push(aggregate, 1000, [[a, 5]]);
    push(aggregate, 2000, [[a, Number.NaN]]);
    push(aggregate, 3000, [[a, 7]]);
    aggregate.flush(M);
    expect(sink.take()).toEqual([[OUT, 7, M]]);
    expect(registry.render()).toContain(
      'outpost_component_discarded_events_total{component_id="aggregate",component_kind="transform",component_type="aggregate"} 1',
    );
  });
});

describe("grouping", () => {
  // [grouping as PromQL, the rule's grouping, the output series of the idle inputs, its value]
  const cases: [string, Record<string, string[]>, string, number][] = [
    ["by (mode)", { by: ["mode"] }, OUT, 3],
    [
      "by (mode, job, absent)",
      { by: ["mode", "job", "absent"] },
      'node_cpu_seconds_total{job="node", mode="idle"}',
      3,
    ],
    ["by ()", { by: [] }, "node_cpu_seconds_total", 7],
    [
      "without (cpu)",
      { without: ["cpu"] },
      'node_cpu_seconds_total{instance="h:9100", job="node", mode="idle"}',
      3,
    ],
    ["without (cpu, instance, job)", { without: ["cpu", "instance", "job"] }, OUT, 3],
  ];

  test.each(cases)("sum %s writes %s", (_, grouping, expected, value) => {
    const { aggregate, sink } = transform({
      match: "node_cpu_seconds_total",
      op: "sum",
      ...grouping,
    });
    push(aggregate, 1000, [
      [cpu("0"), 1],
      [cpu("1"), 2],
      [cpu("0", "user"), 4],
    ]);
    aggregate.flush(M);
    const rows = sink.take();
    expect(rows).toContainEqual([expected, value, M]);
  });

  test("keeps outputs of different input names apart unless output_name joins them", () => {
    const ops = series("http_requests_total", { code: "200" });
    const errors = series("http_errors_total", { code: "500" });
    const byName = transform({ match: '{__name__=~"http_.*"}', by: [], op: "sum" });
    const joined = transform({
      match: '{__name__=~"http_.*"}',
      by: [],
      op: "sum",
      output_name: "http_all_total",
    });
    for (const { aggregate } of [byName, joined]) {
      push(aggregate, 1000, [
        [ops, 3],
        [errors, 4],
      ]);
      aggregate.flush(M);
    }
    expect(byName.sink.take()).toEqual([
      ["http_requests_total", 3, M],
      ["http_errors_total", 4, M],
    ]);
    expect(joined.sink.take()).toEqual([["http_all_total", 7, M]]);
  });
});

describe("gauges", () => {
  const fs = (device: string) => series("node_filesystem_avail_bytes", { device, job: "node" });
  const [a, b] = [fs("sda1"), fs("sdb1")];

  // [op, output of a: 5 then 1, b: 10 then 20 in one interval; b idle in the next; a 3 then]
  const cases: [string, string, number, number][] = [
    ["sum", "node_filesystem_avail_bytes", 21, 23],
    ["count", "node_filesystem_avail_bytes:count", 2, 2],
    ["avg", "node_filesystem_avail_bytes:avg", 10.5, 11.5],
    ["min", "node_filesystem_avail_bytes:min", 1, 3],
    ["max", "node_filesystem_avail_bytes:max", 20, 20],
  ];

  test.each(cases)(
    "%s takes the last values (min and max: every sample) into %s",
    (op, name, first, second) => {
      const { aggregate, sink } = transform({
        match: "node_filesystem_avail_bytes",
        by: ["job"],
        op,
      });
      push(aggregate, 1000, [
        [a, 5],
        [b, 10],
      ]);
      push(aggregate, 31_000, [
        [a, 1],
        [b, 20],
      ]);
      aggregate.flush(M);
      push(aggregate, M + 1000, [[a, 3]]); // b sends nothing but is still live: it keeps 20
      aggregate.flush(2 * M);
      const out = `${name}{job="node"}`;
      expect(sink.take()).toEqual([
        [out, first, M],
        [out, second, 2 * M],
      ]);
    },
  );

  test("sum of a series named _total but typed gauge takes last values, not increases", () => {
    const { aggregate, sink } = transform({ match: "queue_total", by: [], op: "sum" });
    aggregate.consumeMetadata([{ name: "queue_total", type: "gauge", help: "", unit: "" }]);
    const q = series("queue_total", { q: "x" });
    push(aggregate, 1000, [[q, 10]]);
    push(aggregate, 2000, [[q, 4]]);
    aggregate.flush(M);
    expect(sink.take()).toEqual([["queue_total", 4, M]]);
  });
});

describe("staleness", () => {
  test("a group without live inputs for a whole interval gets one marker and is forgotten", () => {
    const { aggregate, sink } = transform(SUM);
    const a = cpu("0");
    push(aggregate, 1000, [[a, 1]]);
    aggregate.flush(M);
    push(aggregate, M + 1000, [[a, STALE]]);
    for (let k = 2; k <= 4; k++) aggregate.flush(k * M);
    const expected: Row[] = [
      [OUT, 1, M],
      [OUT, 1, 2 * M], // a was live at the start of this interval: its last value counts
      [OUT, STALE, 3 * M],
    ];
    expect(sink.take()).toEqual(expected);
  });

  test("an input silent for five minutes stops counting even without a marker", () => {
    const { aggregate, sink } = transform({
      match: "node_filesystem_avail_bytes",
      by: [],
      op: "count",
    });
    const [a, b] = [
      series("node_filesystem_avail_bytes", { d: "a" }),
      series("node_filesystem_avail_bytes", { d: "b" }),
    ];
    push(aggregate, 1000, [
      [a, 1],
      [b, 1],
    ]);
    for (let k = 1; k <= 6; k++) {
      push(aggregate, k * M - 1000, [[a, 1]]);
      aggregate.flush(k * M);
    }
    expect(sink.take().map((r) => r[1])).toEqual([2, 2, 2, 2, 2, 1]);
  });
});

describe("output labels", () => {
  test("keep the agent's external labels under by (…), so outputs of two agents stay apart", () => {
    const sink = new Sink();
    const aggregate = new AggregateTransform({
      rules: [aggregateRuleSchema.parse(SUM)],
      consumer: sink,
      registry: new Registry(),
      externalLabels: ["region"],
    });
    const s = series("node_cpu_seconds_total", { cpu: "0", mode: "idle", region: "eu" });
    push(aggregate, 1000, [[s, 5]]);
    aggregate.flush(M);
    expect(sink.take()).toEqual([['node_cpu_seconds_total{mode="idle", region="eu"}', 5, M]]);
  });
});
