import { describe, expect, test } from "bun:test";
import { spend, UNITS_PER_CHECK, withBudget } from "./budget.ts";
import { eachWithTurns, sortWithTurns } from "./turns.ts";

describe("sortWithTurns()", () => {
  const cases: [string, number][] = [
    ["a short array", 100],
    ["a run and a bit", 16_385],
    ["many runs", 100_003],
  ];
  for (const [name, n] of cases) {
    test(`sorts ${name} stably, as Array.prototype.sort does`, async () => {
      // Few distinct keys: ties everywhere, so stability shows.
      const items = Array.from({ length: n }, (_, i) => ({ key: (i * 7919) % 97, at: i }));
      const want = [...items].sort((a, b) => a.key - b.key);
      const got = await sortWithTurns(items, (a, b) => a.key - b.key);
      expect(got).toBe(items);
      expect(got).toEqual(want);
    });
  }

  test("lets a timer run while it sorts a long array", async () => {
    const items = Array.from({ length: 400_000 }, (_, i) => `${(i * 48271) % 400_009}`);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await sortWithTurns(items, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe("eachWithTurns()", () => {
  test("visits every item in order, and gives a turn after an item charged a check's worth", async () => {
    const seen: number[] = [];
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    // Each item holds the thread past a slice and is charged a check's worth of regex work.
    const budget = { check() {} };
    await withBudget(budget, () =>
      eachWithTurns([10, 20, 30, 40], (item, i) => {
        const start = performance.now();
        while (performance.now() - start < 12);
        spend(UNITS_PER_CHECK);
        seen.push(item + i);
      }),
    );
    clearInterval(timer);
    expect(seen).toEqual([10, 21, 32, 43]);
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
