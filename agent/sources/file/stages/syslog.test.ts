import { expect, test } from "bun:test";
import { metricValue, pipeline, record } from "./testing.ts";

test("the syslog stage sets time, level and fields and keeps the line", () => {
  const { processor } = pipeline("- syslog: {}");
  const line = "<28>1 2026-11-23T07:20:51.5Z vm nginx 812 - - upstream timed out";
  const [out] = processor.process([record(line, { job: "syslog" })]);
  expect(out.line).toBe(line);
  expect(out.timeNs).toBe(BigInt(Date.parse("2026-11-23T07:20:51.5Z")) * 1_000_000n);
  expect(out.labels).toEqual(["job", "syslog", "level", "warning"]);
  expect(out.fields).toEqual(["hostname", "vm", "app", "nginx", "pid", "812"]);
});

test("a line of no syslog form passes unchanged and is counted", () => {
  const { processor, registry } = pipeline("- syslog: {}");
  const input = record("not syslog at all");
  expect(processor.process([input])).toEqual([input]);
  expect(
    metricValue(registry, "outpost_agent_log_stage_errors_total", { reason: "malformed_syslog" }),
  ).toBe(1);
});
