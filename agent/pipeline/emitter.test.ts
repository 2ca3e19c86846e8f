import { expect, test } from "bun:test";
import { Registry } from "../../shared/metrics/registry.ts";
import type { SampleBlock } from "../../shared/model/block.ts";
import { formatSeries } from "../../shared/model/labels.ts";
import type { MetricMetadata } from "../../shared/model/sample.ts";
import { ComponentMetrics } from "./component.ts";
import { SeriesEmitter } from "./emitter.ts";

function emitter() {
  const rows: string[][] = [];
  const seen: object[] = [];
  const metadata: MetricMetadata[][] = [];
  const registry = new Registry();
  const e = new SeriesEmitter({
    targetLabels: ["instance", "host-1", "job", "node"],
    component: new ComponentMetrics(registry, "t", "source", "test"),
    consumer: {
      consume(block: SampleBlock) {
        const out: string[] = [];
        for (let i = 0; i < block.length; i++) {
          const v = block.isStale(i) ? "stale" : String(block.values[i]);
          seen.push(block.series[i]);
          out.push(`${formatSeries(block.series[i].labels)}@${block.timestamps[i]}=${v}`);
        }
        rows.push(out);
      },
      consumeMetadata: (m) => metadata.push([...m]),
    },
  });
  return { e, rows, seen, metadata, registry };
}

test("SeriesEmitter stamps one collection with one timestamp and the target's labels", () => {
  const { e, rows } = emitter();
  e.begin(1000);
  e.sample("node_load1", [], 0.5);
  e.sample("node_cpu_seconds_total", ["mode", "idle", "cpu", "0"], 12);
  e.finish();
  expect(rows).toEqual([
    [
      'node_load1{instance="host-1", job="node"}@1000=0.5',
      'node_cpu_seconds_total{cpu="0", instance="host-1", job="node", mode="idle"}@1000=12',
    ],
  ]);
});

test("SeriesEmitter keeps the same Series object and marks series a collection dropped as stale", () => {
  const { e, rows, seen } = emitter();
  e.begin(1);
  e.sample("a", ["x", "1"], 1);
  e.sample("b", [], 2);
  e.finish();
  e.begin(2);
  e.sample("a", ["x", "1"], 3);
  e.finish();
  expect(seen[2]).toBe(seen[0]);
  expect(rows[1]).toEqual([
    'a{instance="host-1", job="node", x="1"}@2=3',
    'b{instance="host-1", job="node"}@2=stale',
  ]);
  e.stop(3);
  expect(rows[2]).toEqual(['a{instance="host-1", job="node", x="1"}@3=stale']);
});

test("SeriesEmitter passes metadata on only when it changes and counts duplicate samples", () => {
  const { e, metadata, registry } = emitter();
  for (let ts = 1; ts <= 2; ts++) {
    e.begin(ts);
    e.family("up_time", "gauge", "help");
    e.sample("up_time", [], 1);
    e.sample("up_time", [], 2);
    e.finish();
  }
  expect(metadata).toEqual([[{ name: "up_time", type: "gauge", help: "help", unit: "" }]]);
  expect(registry.render()).toContain(
    'outpost_component_discarded_events_total{component_id="t",component_kind="source",component_type="test"} 2',
  );
});
