import { expect, test } from "bun:test";
import { parseServerTiming } from "./page_breakdown.ts";

test.each([
  ["wait;dur=0.1, select;dur=84.5, total;dur=85", { wait: 0.1, select: 84.5, total: 85 }],
  ["", {}],
  [undefined, {}],
])("parseServerTiming(%p) reads the durations by name", (header, want) => {
  expect(parseServerTiming(header)).toEqual(want);
});
