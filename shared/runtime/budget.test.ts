import { expect, test } from "bun:test";
import { compileRegex, compileSearch } from "../regex/regex.ts";
import { costlyPattern } from "../regex/testing.ts";
import {
  type Budget,
  deadlineBudget,
  heavy,
  spend,
  UNITS_PER_CHECK,
  withBudget,
} from "./budget.ts";

const spent = (): Budget & { calls: number } => ({
  calls: 0,
  check() {
    this.calls++;
    throw new Error("spent");
  },
});

test("outside a budget nothing is checked", () => {
  expect(() => spend(10 * UNITS_PER_CHECK)).not.toThrow();
  expect(heavy()).toBe(false);
});

test("the budget is checked once a check's worth of units is charged, then a turn is asked", () => {
  const budget = {
    calls: 0,
    check() {
      this.calls++;
    },
  };
  withBudget(budget, () => {
    for (let i = 0; i < 99; i++) spend(UNITS_PER_CHECK / 100);
    expect([budget.calls, heavy()]).toEqual([0, false]);
    spend(UNITS_PER_CHECK / 100);
    expect(budget.calls).toBe(1);
    expect(heavy()).toBe(true);
    expect(heavy()).toBe(false); // asked once
    spend(3 * UNITS_PER_CHECK);
    expect(budget.calls).toBe(2);
  });
});

test("work under a budget is checked across awaits, and only its own", async () => {
  const budget = spent();
  const inside = withBudget(budget, async () => {
    await Bun.sleep(1);
    return () => spend(UNITS_PER_CHECK);
  });
  expect(await inside).toBeFunction();
  // Other work running meanwhile (here, after) is not under it.
  expect(() => spend(UNITS_PER_CHECK)).not.toThrow();
  await expect(
    withBudget(budget, async () => {
      await Promise.resolve();
      spend(UNITS_PER_CHECK);
    }),
  ).rejects.toThrow("spent");
});

test("a deadline budget stops past its deadline or once its signal aborts", () => {
  const timedOut = () => new Error("timed out");
  expect(() =>
    deadlineBudget(performance.now() + 60_000, undefined, timedOut).check(),
  ).not.toThrow();
  expect(() => deadlineBudget(performance.now() - 1, undefined, timedOut).check()).toThrow(
    "timed out",
  );
  const gone = AbortSignal.abort(new Error("client gone"));
  expect(() => deadlineBudget(performance.now() + 60_000, gone, timedOut).check()).toThrow(
    "client gone",
  );
});

test("the regex engine charges each match it runs, not a remembered answer or a shortcut", () => {
  // Four runs of a thousand `.?`: 8,000 instructions, so a check at the seventh character.
  const re = compileRegex(costlyPattern());
  expect(re.test("abcdefgh")).toBe(false); // remembered from here on
  const budget = spent();
  withBudget(budget, () => {
    expect(re.test("abcdefgh")).toBe(false);
    expect(() => re.test("bcdefghi")).toThrow("spent");
    expect(() => re.exec("cdefghij")).toThrow("spent");
    expect(() => compileSearch(re.source).findAll("defghijk")).toThrow("spent");
    expect(compileRegex("api|web").test("web")).toBe(true); // a set of literals: no engine
  });
  expect(budget.calls).toBe(3);
  // A match stopped is not remembered as an answer.
  expect(re.test("bcdefghi")).toBe(false);
});
