import { describe, expect, test } from "bun:test";
import type { FileEntry } from "../catalog/entry.ts";
import {
  type CompactionRules,
  partitions,
  toExpire,
  toMerge,
  toRollUp,
  toRollUpDays,
} from "./plan.ts";

const H = 3_600_000;
const DAY = 24 * H;
const rules: CompactionRules = {
  delay: 10 * 60_000,
  retention_raw: 15 * DAY,
  retention_1m: 90 * DAY,
  retention_5m: 365 * DAY,
  retention_1h: 730 * DAY,
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

  const logCases: [string, Partial<FileEntry>[], number, string[]][] = [
    ["merges a closed hour of log files", [{}, {}, {}], NOW, ["logs:3"]],
    ["rewrites a lone log flush file", [{}], NOW, ["logs:1"]],
    ["leaves a lone merged log file alone", [{ level: 1 }], NOW, []],
    ["merges a merged log file with late ones", [{ level: 1 }, {}], NOW, ["logs:2"]],
    ["leaves an open hour of log files alone", [{}, {}], NOW - 2 * H - 5 * 60_000, []],
  ];
  test.each(logCases)("%s", (_, files, now, want) => {
    const got = toMerge(
      files.map((f) => file({ signal: "logs", ...f })),
      now,
      rules,
    );
    expect(got.map((p) => `${p.signal}:${p.files.length}`)).toEqual(want);
  });

  test("merges the metrics and the logs of one hour separately", () => {
    const files = [file({}), file({ signal: "logs" }), file({}), file({ signal: "logs" })];
    const got = toMerge(files, NOW, rules);
    expect(got.map((p) => [p.signal, p.files.map((f) => f.signal)])).toEqual([
      ["logs", ["logs", "logs"]],
      ["metrics", ["metrics", "metrics"]],
    ]);
  });
});

describe("partitions()", () => {
  test("lists a log partition's files by key, the order queries read them in", () => {
    const keys = ["k3", "k1", "k2"];
    const [p] = partitions(keys.map((key) => file({ key, signal: "logs" })));
    expect(p.files.map((f) => f.key)).toEqual(["k1", "k2", "k3"]);
  });

  test("keeps a metrics partition's files in catalog order", () => {
    const keys = ["k3", "k1", "k2"];
    const [p] = partitions(keys.map((key) => file({ key })));
    expect(p.files.map((f) => f.key)).toEqual(keys);
  });

  test("keeps Outpost's own log files apart, so a merge never mixes their retention", () => {
    const own = file({ key: "h", signal: "logs", metrics: ["outpost"] });
    const other = file({ key: "o", signal: "logs", metrics: ["web"] });
    const other2 = file({ key: "p", signal: "logs", metrics: ["outpost", "web"] });
    const groups = partitions([own, other, other2]).map((p) => p.files.map((f) => f.key));
    expect(groups.sort()).toEqual([["h"], ["o", "p"]]);
  });

  test("leaves rollup files out", () => {
    expect(partitions([file({ tier: "1m" }), file({ tier: "5m" })])).toEqual([]);
  });
});

describe("toRollUp()", () => {
  test("asks for both tiers of a merged hour", () => {
    expect(toRollUp([file({ level: 1 })], NOW, rules).map((j) => j.tier)).toEqual(["1m", "5m"]);
  });

  test("skips a tier whose rollup is newer than the raw file", () => {
    const raw = file({ created: NOW - H, level: 1 });
    const r1 = file({ tier: "1m", created: NOW - 1, schema: 2 });
    expect(toRollUp([raw, r1], NOW, rules).map((j) => j.tier)).toEqual(["5m"]);
  });

  test("rewrites a rollup of schema 1 (windows [start, start + step)), however new", () => {
    const raw = file({ created: NOW - H, level: 1 });
    const old = file({ tier: "1m", created: NOW - 1 });
    const jobs = toRollUp([raw, old], NOW, rules);
    expect(jobs.map((j) => [j.tier, j.replaces])).toEqual([
      ["1m", [old]],
      ["5m", []],
    ]);
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

  test("never rolls up logs", () => {
    const files = [file({ level: 1, signal: "logs" }), file({ level: 1 })];
    const jobs = toRollUp(files, NOW, rules);
    expect(jobs.map((j) => [j.partition.signal, j.tier])).toEqual([
      ["metrics", "1m"],
      ["metrics", "5m"],
    ]);
  });
});

describe("toRollUpDays()", () => {
  // Two days before NOW's: closed, its last hour ended a day before NOW.
  const day = NOW - 2 * DAY;
  const merged = (h: number, over: Partial<FileEntry> = {}) =>
    file({ hour: day + h * H, level: 1, created: day + DAY + h, ...over });
  const days = (files: FileEntry[], now = NOW) =>
    toRollUpDays(files, now, rules).map(
      (d) => `${d.tenant}:${d.day / DAY}:${d.files.length}:${d.replaces.length}`,
    );

  test("asks for a day whose hours are each one merged file, hours without data left out", () => {
    expect(days([merged(0), merged(5), merged(23)])).toEqual([`default:${day / DAY}:3:0`]);
  });

  test("waits until the day's last hour is closed", () => {
    const lastHourEnds = day + DAY;
    expect(days([merged(0)], lastHourEnds + 5 * 60_000)).toEqual([]);
    expect(days([merged(0)], lastHourEnds + 10 * 60_000)).toEqual([`default:${day / DAY}:1:0`]);
  });

  test("waits while an hour has a flush file or several files", () => {
    expect(days([merged(0), merged(1, { level: 0 })])).toEqual([]);
    expect(days([merged(0), merged(1), merged(1)])).toEqual([]);
  });

  test("skips a day whose rollup is newer than its files, of the current schema", () => {
    const rollup = file({ tier: "1h", hour: day, level: 1, created: day + DAY + 99, schema: 2 });
    expect(days([merged(0), merged(7), rollup])).toEqual([]);
    expect(days([merged(0), merged(7), { ...rollup, schema: undefined }])).toEqual([
      `default:${day / DAY}:2:1`,
    ]);
  });

  test("replaces a rollup older than one of the day's files (late data was merged in)", () => {
    const rollup = file({ tier: "1h", hour: day, level: 1, created: day + DAY + 3, schema: 2 });
    expect(days([merged(0), merged(7), rollup])).toEqual([`default:${day / DAY}:2:1`]);
  });

  test("keeps tenants apart and lists each day's files in hour order", () => {
    const found = toRollUpDays(
      [merged(9, { tenant: "b" }), merged(2, { tenant: "b" }), merged(4, { tenant: "a" })],
      NOW,
      rules,
    );
    expect(found.map((d) => `${d.tenant}:${d.files.map((f) => (f.hour - day) / H)}`)).toEqual([
      "a:4",
      "b:2,9",
    ]);
  });

  test("folds the day from its hours' 5 m rollups when each is current, else from raw", () => {
    const five = (h: number, over: Partial<FileEntry> = {}) =>
      file({
        tier: "5m",
        hour: day + h * H,
        level: 1,
        created: day + DAY + 50,
        schema: 2,
        ...over,
      });
    const from = (files: FileEntry[]) =>
      toRollUpDays(files, NOW, rules)[0].fiveMinute?.map((f) => (f.hour - day) / H) ?? null;
    expect(from([merged(3), merged(1), five(1), five(3)])).toEqual([1, 3]);
    expect(from([merged(1), merged(3), five(1)])).toBeNull();
    expect(from([merged(1), merged(3), five(1), five(3, { created: day })])).toBeNull();
    expect(from([merged(1), merged(3), five(1), five(3, { schema: undefined })])).toBeNull();
  });

  test("never rolls up logs, and writes nothing past the 1 h retention", () => {
    expect(days([merged(0, { signal: "logs" })])).toEqual([]);
    const old = NOW - 800 * DAY;
    const f = file({ hour: old, level: 1, maxTime: old + H - 1, created: old + DAY });
    expect(days([f])).toEqual([]);
  });
});

describe("toExpire()", () => {
  test("drops each tier after its own retention", () => {
    const oldRaw = file({ hour: NOW - 16 * DAY });
    const old1m = file({ hour: NOW - 16 * DAY, tier: "1m" });
    const older1m = file({ hour: NOW - 91 * DAY, tier: "1m" });
    expect(toExpire([oldRaw, old1m, older1m], NOW, rules)).toEqual([oldRaw, older1m]);
  });

  test("drops log files after the raw retention", () => {
    const old = file({ hour: NOW - 16 * DAY, signal: "logs", level: 1 });
    const recent = file({ hour: NOW - 14 * DAY, signal: "logs", level: 1 });
    expect(toExpire([old, recent], NOW, rules)).toEqual([old]);
  });

  test("keeps Outpost's own log files (alert history) for their own retention", () => {
    const own = { signal: "logs" as const, level: 1, metrics: ["outpost"] };
    const oldHistory = file({ ...own, hour: NOW - 91 * DAY });
    const history = file({ ...own, hour: NOW - 16 * DAY });
    const mixed = file({ ...own, hour: NOW - 16 * DAY, metrics: ["outpost", "web"] });
    const r = { ...rules, retention_own: 90 * DAY };
    expect(toExpire([oldHistory, history, mixed], NOW, r)).toEqual([oldHistory, mixed]);
    expect(toExpire([history], NOW, rules)).toEqual([history]);
  });

  test("keeps everything when retention is 0", () => {
    const f = file({ hour: 0 });
    expect(toExpire([f], NOW, { ...rules, retention_raw: 0 })).toEqual([]);
  });
});
