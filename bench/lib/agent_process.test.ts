import { expect, test } from "bun:test";
import { total } from "./agent_process.ts";

const values = new Map([
  ['outpost_agent_scrapes_total{job="a",result="success"}', 3],
  ['outpost_agent_scrapes_total{job="b",result="success"}', 4],
  ['outpost_agent_scrapes_total{job="b",result="failure"}', 1],
  ["outpost_agent_scrapes_total_extra", 100],
  ["process_cpu_seconds_total", 2.5],
]);

test.each([
  ["outpost_agent_scrapes_total", "", 8],
  ["outpost_agent_scrapes_total", 'result="success"', 7],
  ["outpost_agent_scrapes_total", 'job="b"', 5],
  ["process_cpu_seconds_total", "", 2.5],
  ["outpost_agent_missing_total", "", 0],
])("total(%s, %s) sums the matching series to %d", (name, labels, want) => {
  expect(total(values, name, labels)).toBe(want);
});
