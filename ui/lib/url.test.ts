import { expect, test } from "bun:test";
import { DEFAULT_EXPLORE, readExplore, writeExplore } from "./url.ts";

test("Explore's state survives the URL unchanged", () => {
  const states = [
    {
      query: 'sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))',
      range: "15m",
      end: null,
      tab: "graph" as const,
    },
    { query: "up", range: "1h30m", end: 1_700_000_000_123, tab: "table" as const },
    { query: "", range: "7d", end: null, tab: "graph" as const },
  ];
  for (const s of states) expect(readExplore(writeExplore(s))).toEqual(s);
});

test("readExplore() takes the default for what is missing or malformed", () => {
  expect(readExplore("")).toEqual(DEFAULT_EXPLORE);
  expect(readExplore("?q=up&range=soon&end=yesterday&tab=pie")).toEqual({
    ...DEFAULT_EXPLORE,
    query: "up",
  });
  expect(readExplore("?end=-5").end).toBeNull();
});
