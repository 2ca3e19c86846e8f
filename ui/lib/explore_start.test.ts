import { expect, test } from "bun:test";
import { starterQueries } from "./explore_start.ts";

test("starterQueries() offers only queries whose metric exists, in a fixed order", () => {
  expect(starterQueries(["probe_success", "zzz", "up"])).toEqual([
    "up",
    "avg_over_time(probe_success[1h])",
  ]);
});

test("starterQueries() offers nothing for an aggregator without those metrics", () => {
  expect(starterQueries([])).toEqual([]);
  expect(starterQueries(["my_app_requests_total"])).toEqual([]);
});
