import { expect, test } from "bun:test";
import {
  DEFAULT_EXPLORE,
  type ExploreState,
  readExplore,
  resolveRange,
  writeExplore,
} from "./url.ts";

test("Explore's state survives the URL unchanged", () => {
  const states: ExploreState[] = [
    {
      ...DEFAULT_EXPLORE,
      query: 'sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))',
      range: "15m",
    },
    { ...DEFAULT_EXPLORE, query: "up", range: "1h30m", end: 1_700_000_000_123, tab: "table" },
    { ...DEFAULT_EXPLORE, range: "7d" },
    {
      ...DEFAULT_EXPLORE,
      query: "rate(x[5m])",
      tab: "tree",
      from: "now-6h",
      to: "now/d",
      tz: "utc",
      step: "15s",
      stacked: true,
      unit: "bytes",
      log: true,
      logs: true,
      logQuery: '{job="api"}',
    },
    { ...DEFAULT_EXPLORE, from: "1700000000000", to: "1700003600000", tz: "local" },
  ];
  for (const s of states) expect(readExplore(writeExplore(s))).toEqual(s);
});

test("readExplore() takes the default for what is missing or malformed", () => {
  expect(readExplore("")).toEqual(DEFAULT_EXPLORE);
  expect(
    readExplore("?q=up&range=soon&end=yesterday&tab=pie&tz=mars&step=often&unit=furlongs"),
  ).toEqual({
    ...DEFAULT_EXPLORE,
    query: "up",
  });
  expect(readExplore("?end=-5").end).toBeNull();
});

test("resolveRange() reads range and end, or from and to, and names what it cannot read", () => {
  const now = Date.UTC(2026, 10, 25, 12);
  expect(resolveRange({ ...DEFAULT_EXPLORE, range: "1h" }, now, "utc")).toEqual({
    startMs: now - 3_600_000,
    endMs: now,
  });
  expect(
    resolveRange({ ...DEFAULT_EXPLORE, from: "now-1d/d", to: "now-1d/d" }, now, "utc"),
  ).toEqual({
    startMs: Date.UTC(2026, 10, 24),
    endMs: Date.UTC(2026, 10, 25) - 1,
  });
  expect(resolveRange({ ...DEFAULT_EXPLORE, from: "soon", to: "now" }, now, "utc")).toEqual({
    error: expect.stringContaining('Cannot read the time "soon"'),
  });
  expect(resolveRange({ ...DEFAULT_EXPLORE, from: "now", to: "now-1h" }, now, "utc")).toEqual({
    error: "Cannot show now to now-1h: it ends before it starts",
  });
  expect(resolveRange({ ...DEFAULT_EXPLORE, from: "now", to: "now" }, now, "utc")).toEqual({
    error: "Cannot show now to now: it ends where it starts",
  });
  // Further than a Date holds: said in words, not a NaN turned into a BigInt later.
  expect(resolveRange({ ...DEFAULT_EXPLORE, from: "now-1000000y", to: "now" }, now, "utc")).toEqual(
    { error: 'Cannot show the time "now-1000000y": it is further from now than a date can be' },
  );
});
