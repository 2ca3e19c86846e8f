import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../../../shared/model/block.ts";
import { formatSeries } from "../../../../shared/model/labels.ts";
import { ComponentMetrics } from "../../../pipeline/component.ts";
import { SeriesEmitter } from "../../../pipeline/emitter.ts";
import { stagesSchema } from "./schema.ts";
import { metricValue, pipeline, RecordingWriter, record } from "./testing.ts";

const ACCESS = [
  '{"status":200,"bytes":512,"path":"/"}',
  '{"status":500,"bytes":93,"path":"/api"}',
  '{"status":200,"bytes":2048,"path":"/img"}',
  '{"status":200,"bytes":"n/a","path":"/x"}',
];

function collect(yaml: string, lines: string[], labels: Record<string, string> = {}) {
  const { processor, registry } = pipeline(yaml);
  processor.process(lines.map((l) => record(l, labels)));
  const w = new RecordingWriter();
  processor.collectMetrics(w);
  return { samples: w.samples, families: w.families, registry };
}

describe("metrics stage", () => {
  const cases: { name: string; stages: string; samples: string[] }[] = [
    {
      name: "counts every line with match_all",
      stages: "- metrics: {lines_total: {type: Counter, config: {match_all: true, action: inc}}}",
      samples: ['outpost_logs_lines_total{job="web"} 4'],
    },
    {
      name: "counts the bytes of every line",
      stages:
        "- metrics: {bytes_total: {type: counter, config: {match_all: true, count_entry_bytes: true, action: add}}}",
      samples: [`outpost_logs_bytes_total{job="web"} ${ACCESS.join("").length}`],
    },
    {
      name: "counts lines whose source has a value, with the stream labels as they stand",
      stages: `
- json: {}
- labels: {status: ''}
- metrics: {responses_total: {type: Counter, source: status, config: {action: inc}}}`,
      samples: [
        'outpost_logs_responses_total{job="web",status="200"} 3',
        'outpost_logs_responses_total{job="web",status="500"} 1',
      ],
    },
    {
      name: "adds the source's numeric value and keeps only the labels asked for",
      stages: `
- json: {}
- labels: {status: ''}
- metrics: {sent_bytes_total: {type: Counter, prefix: nginx_, source: bytes, labels: [status], config: {action: add}}}`,
      samples: [
        'nginx_sent_bytes_total{status="200"} 2560',
        'nginx_sent_bytes_total{status="500"} 93',
      ],
    },
    {
      name: "counts only lines whose source equals value",
      stages: `
- json: {}
- metrics: {errors_total: {type: Counter, source: status, config: {value: "500", action: inc}}}`,
      samples: ['outpost_logs_errors_total{job="web"} 1'],
    },
    {
      name: "labels the metric alone with value_labels, leaving the stream's labels as they were",
      stages: `
- json: {}
- metrics: {requests_total: {type: Counter, value_labels: [status], config: {match_all: true, action: inc}}}`,
      samples: [
        'outpost_logs_requests_total{job="web",status="200"} 3',
        'outpost_logs_requests_total{job="web",status="500"} 1',
      ],
    },
    {
      name: "leaves out a value label whose value is absent",
      stages: `
- json: {}
- metrics: {requests_total: {type: Counter, labels: [], value_labels: [method], config: {match_all: true, action: inc}}}`,
      samples: ["outpost_logs_requests_total{} 4"],
    },
  ];
  for (const c of cases) {
    test(`${c.name}`, () => {
      expect(collect(c.stages, ACCESS, { job: "web" }).samples.sort()).toEqual(c.samples);
    });
  }

  test("stops adding value-label series at the cap and counts what it refused", () => {
    const yaml =
      "- json: {}\n- metrics: {r: {type: Counter, value_labels: [path], config: {match_all: true, action: inc}}}";
    const lines = Array.from({ length: 1002 }, (_, i) => `{"path":"/p${i}"}`);
    const { samples, registry } = collect(yaml, lines);
    expect(samples).toHaveLength(1000);
    const labels = { stage: "metrics", index: "1", reason: "too_many_series" };
    expect(metricValue(registry, "outpost_agent_log_stage_errors_total", labels)).toBe(2);
  });

  test("a histogram observes its source's value by bucket, with sum and count", () => {
    const yaml = `
- json: {}
- metrics: {size: {type: Histogram, source: bytes, buckets: [100, 1000], labels: [], value_labels: [status], config: {}}}`;
    const { samples, families } = collect(yaml, ACCESS);
    expect(families).toEqual(["outpost_logs_size histogram"]);
    expect(samples.sort()).toEqual([
      'outpost_logs_size_bucket{status="200",le="+Inf"} 2',
      'outpost_logs_size_bucket{status="200",le="100"} 0',
      'outpost_logs_size_bucket{status="200",le="1000"} 1',
      'outpost_logs_size_bucket{status="500",le="+Inf"} 1',
      'outpost_logs_size_bucket{status="500",le="100"} 1',
      'outpost_logs_size_bucket{status="500",le="1000"} 1',
      'outpost_logs_size_count{status="200"} 2',
      'outpost_logs_size_count{status="500"} 1',
      'outpost_logs_size_sum{status="200"} 2560',
      'outpost_logs_size_sum{status="500"} 93',
    ]);
  });

  test("scale turns the source's unit into the metric's before it is observed", () => {
    const yaml = `
- json: {}
- metrics: {size_kb: {type: Histogram, source: bytes, scale: 0.001, buckets: [0.1, 1], labels: [], config: {}}}`;
    const { samples } = collect(yaml, ACCESS);
    expect(samples.sort()).toEqual([
      'outpost_logs_size_kb_bucket{le="+Inf"} 3',
      'outpost_logs_size_kb_bucket{le="0.1"} 1',
      'outpost_logs_size_kb_bucket{le="1"} 2',
      "outpost_logs_size_kb_count{} 3",
      "outpost_logs_size_kb_sum{} 2.653",
    ]);
  });

  test("declares each family as a counter with its description", () => {
    const yaml =
      "- metrics: {lines_total: {type: Counter, description: All lines., config: {match_all: true, action: inc}}}";
    expect(collect(yaml, ACCESS).families).toEqual(["outpost_logs_lines_total counter"]);
  });

  test("counts a value that is not a number as an error, adding nothing", () => {
    const yaml =
      "- json: {}\n- metrics: {b: {type: Counter, source: bytes, config: {action: add}}}";
    const { samples, registry } = collect(yaml, ACCESS);
    expect(samples).toEqual(["outpost_logs_b{} 2653"]);
    const labels = { stage: "metrics", index: "1", reason: "not_a_count" };
    expect(metricValue(registry, "outpost_agent_log_stage_errors_total", labels)).toBe(1);
  });

  test("ships through a SeriesEmitter, which marks idle series stale", () => {
    const { processor } = pipeline(`
- regex: {expression: 'level=(?P<level>\\w+)'}
- labels: {level: ''}
- metrics: {lines_total: {type: Counter, max_idle_duration: 1m, config: {match_all: true, action: inc}}}`);
    const seen: string[] = [];
    const consumer = {
      consume(block: SampleBlock) {
        for (let i = 0; i < block.length; i++) {
          const value = block.isStale(i) ? "stale" : String(block.values[i]);
          seen.push(`${formatSeries(block.series[i].labels)} ${block.timestamps[i]} ${value}`);
        }
      },
    };
    const component = new ComponentMetrics(new Registry(), "file", "source", "file");
    const emitter = new SeriesEmitter({ targetLabels: ["job", "app"], consumer, component });
    const t0 = Date.now();
    processor.process([record("level=info a"), record("level=warn b"), record("level=info c")], t0);
    emitter.begin(t0);
    processor.collectMetrics(emitter, t0);
    emitter.finish();
    processor.process([record("level=info d")], t0 + 30_000);
    emitter.begin(t0 + 120_000);
    processor.collectMetrics(emitter, t0 + 60_500);
    emitter.finish();
    expect(seen).toEqual([
      `outpost_logs_lines_total{job="app", level="info"} ${t0} 2`,
      `outpost_logs_lines_total{job="app", level="warn"} ${t0} 1`,
      `outpost_logs_lines_total{job="app", level="info"} ${t0 + 120_000} 3`,
      `outpost_logs_lines_total{job="app", level="warn"} ${t0 + 120_000} stale`,
    ]);
  });

  const bad: [Record<string, unknown>, string][] = [
    [{ c: { type: "Gauge", config: { action: "inc" } } }, ""],
    [
      { "bad-name": { type: "Counter", config: { action: "inc", match_all: true } } },
      "not a valid metric name",
    ],
    [
      { c: { type: "Counter", config: { action: "inc", count_entry_bytes: true } } },
      "needs match_all",
    ],
    [
      { c: { type: "Counter", config: { action: "add", match_all: true } } },
      "needs count_entry_bytes",
    ],
    [
      { c: { type: "Counter", source: "x", config: { action: "inc", match_all: true } } },
      "drop source",
    ],
    [{ c: { type: "Counter", config: {} } }, "needs action"],
    [{ h: { type: "Histogram", source: "t", config: {} } }, "needs buckets"],
    [{ h: { type: "Histogram", source: "t", buckets: [1, 1], config: {} } }, "must increase"],
    [
      { h: { type: "Histogram", buckets: [1], config: { match_all: true, action: "inc" } } },
      "drop match_all",
    ],
    [{ c: { type: "Counter", buckets: [1], config: { action: "inc" } } }, "for histograms"],
  ];
  for (const [config, message] of bad) {
    test(`schema rejects ${JSON.stringify(config)}, naming the metric`, () => {
      const issues = stagesSchema.safeParse([{ metrics: config }]).error!.issues;
      expect(issues[0].path.slice(0, 3)).toEqual([0, "metrics", Object.keys(config)[0]]);
      expect(issues[0].message).toContain(message);
    });
  }
});
