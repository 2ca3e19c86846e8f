import { expect, test } from "bun:test";
import type { MetricType } from "../../../shared/model/sample.ts";
import { familyOf, isCounterSeries } from "./kind.ts";

const types = new Map<string, MetricType>([
  ["node_cpu_seconds_total", "counter"], // text format: TYPE names the series
  ["http_requests", "counter"], // OpenMetrics: TYPE names the family, series add _total
  ["rpc_duration_seconds", "histogram"],
  ["go_gc_duration_seconds", "summary"],
  ["queue_depth", "gaugehistogram"],
  ["jobs_total", "gauge"], // a misnamed gauge: TYPE wins over the name
  ["legacy_total", "unknown"],
]);

// [series name, whether its sum follows increases]
const cases: [string, boolean][] = [
  ["node_cpu_seconds_total", true],
  ["http_requests_total", true],
  ["rpc_duration_seconds_bucket", true],
  ["rpc_duration_seconds_count", true],
  ["go_gc_duration_seconds_sum", true],
  ["go_gc_duration_seconds", false], // the quantiles
  ["queue_depth_bucket", false],
  ["jobs_total", false],
  ["legacy_total", true], // untyped: the name decides
  ["unseen_bytes_total", true],
  ["unseen_requests_count", true],
  ["node_load1", false],
  ["http_requests_created", false],
];

test.each(cases)("isCounterSeries(%p) is %p", (name, expected) => {
  expect(isCounterSeries(name, types)).toBe(expected);
});

test("familyOf() finds the metadata of a series under its family's name", () => {
  expect(familyOf("http_requests_total", types)).toBe("http_requests");
  expect(familyOf("rpc_duration_seconds_bucket", types)).toBe("rpc_duration_seconds");
  expect(familyOf("node_cpu_seconds_total", types)).toBe("node_cpu_seconds_total");
  expect(familyOf("node_load1", types)).toBeUndefined();
});
