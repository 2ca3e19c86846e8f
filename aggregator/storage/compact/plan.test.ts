import { describe, expect, test } from "bun:test";
import type { FileEntry } from "../catalog/entry.ts";
import { type CompactionRules, toExpire, toMerge, toRollUp } from "./plan.ts";

const H = 3_600_000;
const DAY = 24 * H;
const rules: CompactionRules = {
  delay: 10 * 60_000,
  retention_raw: 15 * DAY,
  retention_1m: 90 * DAY,
  retention_5m: 365 * DAY,
};
const NOW = 100 * DAY;

function file(over: Partial<FileEntry>): FileEntry {
  const hour = over.hour ?? NOW - 3 * H;
  return {
    key: `k-${Math.random()}`,
    tenant: "default",
    signal: "metrics",
    tier: "raw",
    hour,
    minTime: hour,
    maxTime: hour + H - 1,
    rows: 10,
    bytes: 100,
    metrics: ["m"],
    seqs: [],
    level: 0,
    created: hour + H,
    ...over,
  };
}

describe("toMerge()", () => {
  test("merges a closed hour with several files", () => {
    const files = [file({}), file({})];
    expect(toMerge(files, NOW, rules).map((p) => p.files.length)).toEqual([2]);
  });

  test("leaves an hour alone until its delay has passed", () => {
    const hour = NOW - H - 5 * 60_000; // ended 5 minutes ago, delay is 10
    expect(toMerge([file({ hour }), file({ hour })], NOW, rules)).toEqual([]);
  });

  test("rewrites a lone flush file but leaves a lone merged file alone", () => {
    expect(toMerge([file({})], NOW, rules).length).toBe(1);
    expect(toMerge([file({ level: 1 })], NOW, rules)).toEqual([]);
  });

  test("keeps tenants apart", () => {
    const files = [file({ tenant: "a", level: 1 }), file({ tenant: "b", level: 1 })];
    expect(toMerge(files, NOW, rules)).toEqual([]);
  });
});

describe("toRollUp()", () => {
  test("asks for both tiers of a merged hour", () => {
    expect(toRollUp([file({ level: 1 })], NOW, rules).map((j) => j.tier)).toEqual(["1m", "5m"]);
  });

  test("skips a tier whose rollup is newer than the raw file", () => {
    const raw = file({ created: NOW - H, level: 1 });
    const r1 = file({ tier: "1m", created: NOW - 1 });
    expect(toRollUp([raw, r1], NOW, rules).map((j) => j.tier)).toEqual(["5m"]);
  });

  test("replaces a rollup older than the raw file (late data was merged in)", () => {
    const raw = file({ created: NOW - H, level: 1 });
    const old = file({ tier: "1m", created: NOW - 2 * H });
    const jobs = toRollUp([raw, old], NOW, rules);
    expect(jobs[0].replaces).toEqual([old]);
  });

  test("waits while the hour still has several files", () => {
    expect(toRollUp([file({}), file({})], NOW, rules)).toEqual([]);
  });
});

describe("toExpire()", () => {
  test("drops each tier after its own retention", () => {
    const oldRaw = file({ hour: NOW - 16 * DAY });
    const old1m = file({ hour: NOW - 16 * DAY, tier: "1m" });
    const older1m = file({ hour: NOW - 91 * DAY, tier: "1m" });
    expect(toExpire([oldRaw, old1m, older1m], NOW, rules)).toEqual([oldRaw, older1m]);
  });

  test("keeps everything when retention is 0", () => {
    const f = file({ hour: 0 });
    expect(toExpire([f], NOW, { ...rules, retention_raw: 0 })).toEqual([]);
  });
});
