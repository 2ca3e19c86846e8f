import { afterEach, beforeEach, expect, test } from "bun:test";
import { type Fixture, fixture } from "./testing.ts";

let f: Fixture;

beforeEach(async () => {
  f = await fixture();
  for (const v of [1, 2])
    await f.flushMetrics([{ labels: { __name__: "m", job: "a" }, t: f.hour + v * 1_000, v }]);
});
afterEach(() => f.cleanup());

/** The raw files committed (a pass also writes the hour's rollups once merged). */
const raw = () => f.catalog.all().filter((e) => e.tier === "raw");

test("a merge whose lease was lost while it ran is not committed", async () => {
  let asked = 0;
  // Held at the pass's start and before the merge; lost by the time the merge commits.
  const c = f.compactor({ mayRun: async () => ++asked <= 2 });
  await c.run();
  expect(raw()).toHaveLength(2);
  expect(f.registry.render()).toMatch(/outpost_compaction_errors_total 1\b/);
  const held = f.compactor({ mayRun: async () => true });
  await held.run();
  expect(raw()).toHaveLength(1); // the same merge, with the lease
});

test("the lease is renewed while a step runs, not only between steps", async () => {
  const calls: number[] = [];
  const c = f.compactor({
    renewEveryMs: 5,
    mayRun: async () => {
      calls.push(performance.now());
      // The check before the merge's commit is slow: the step runs past several renewals.
      if (calls.length === 3) await Bun.sleep(60);
      return true;
    },
  });
  await c.run();
  expect(raw()).toHaveLength(1);
  expect(calls.length).toBeGreaterThan(6);
});
