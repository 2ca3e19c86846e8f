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
  // The merge's upload takes 100 ms here: a step as long as several renewal periods.
  const upload = f.bucket.putFile.bind(f.bucket);
  let uploading = false;
  f.bucket.putFile = async (key, local) => {
    uploading = true;
    await Bun.sleep(100);
    uploading = false;
    return upload(key, local);
  };
  let during = 0;
  const c = f.compactor({
    renewEveryMs: 10,
    mayRun: async () => {
      if (uploading) during++;
      return true;
    },
  });
  await c.run();
  expect(raw()).toHaveLength(1);
  expect(during).toBeGreaterThanOrEqual(5);
});
