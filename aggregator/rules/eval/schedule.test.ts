import { describe, expect, test } from "bun:test";
import { restoredActiveAt } from "./restore.ts";
import { groupHash, groupOffset, nextTick, tickAtOrBefore } from "./schedule.ts";

describe("schedule", () => {
  test("groups of one file get different offsets within the interval", () => {
    const offsets = ["a", "b", "c", "d"].map((n) => groupOffset(groupHash("/r.yml", n), 60_000));
    expect(new Set(offsets).size).toBe(4);
    for (const o of offsets) expect(o >= 0 && o < 60_000).toBe(true);
  });

  test("tickAtOrBefore() lands on the group's offset", () => {
    expect(tickAtOrBefore(125_000, 60_000, 7_000)).toBe(127_000 - 60_000);
    expect(tickAtOrBefore(127_000, 60_000, 7_000)).toBe(127_000);
  });

  test("nextTick() counts the ticks a late evaluation overran as missed", () => {
    expect(nextTick(0, 500, 1000)).toEqual({ next: 1000, missed: 0 });
    expect(nextTick(0, 3500, 1000)).toEqual({ next: 3000, missed: 2 });
  });
});

describe("restoredActiveAt()", () => {
  const min = 60_000;
  test("a pending alert keeps the time it waited, the outage not counted", () => {
    // Active at 0 s, last written at 5 min, back at 20 min: 5 of 30 min waited.
    expect(restoredActiveAt({ t: 5 * min, v: 0 }, 30 * min, 20 * min, 10 * min)).toBe(15 * min);
  });
  test("an alert with less left than the grace period fires after the grace period", () => {
    expect(restoredActiveAt({ t: 25 * min, v: 0 }, 30 * min, 40 * min, 10 * min)).toBe(20 * min);
  });
  test("an alert that was firing keeps its ActiveAt", () => {
    expect(restoredActiveAt({ t: 40 * min, v: 0 }, 30 * min, 50 * min, 10 * min)).toBe(0);
  });
});
