/**
 * rate and increase over rollup rows through the engine, in the fast paths' counter loop
 * (fast/row_counters.ts) and in the reference mode's row kernels, over a bucket compacted by the
 * real compactor (1 h rollups a file a day): the same answers, the same samples counted against
 * the query's limit, and the same refusal at a limit.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../../shared/model/labels.ts";
import { type RollupBucket, rollupBucket } from "../../../../test/harness/rollup_bucket.ts";
import { type MemorySample, MemoryStorage } from "../../../storage/memory.ts";
import { Engine } from "../engine.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D0 = Math.floor(1_700_000_000_000 / DAY) * DAY;
let bucket: RollupBucket;

beforeAll(async () => {
  const memory = new MemoryStorage();
  for (let i = 0; i < 6; i++) {
    const samples: MemorySample[] = [];
    let v = 0;
    for (let t = 7_000; t < 2 * DAY; t += 300_000) {
      // A reset every few hours, at a different hour a series; fractions on odd series.
      v = (t / HOUR) % (5 + i) < 0.08 ? 1 : v + 3 + (i % 2) * 0.25;
      samples.push([D0 + t, v]);
    }
    memory.append(labelsFromRecord({ __name__: "c_total", job: `j${i % 3}`, i: `${i}` }), samples);
  }
  bucket = await rollupBucket(memory, D0, 48);
}, 60_000);
afterAll(() => bucket.close());

describe("counters over rollup rows, fast and reference", () => {
  test.each(["rate(c_total[1h])", "increase(c_total[3h])", "sum by (job) (rate(c_total[2h]))"])(
    "%s",
    async (q) => {
      const run = async (reference: boolean) => {
        const before = bucket.dayReads;
        const out = await new Engine({ reference }).rangeQuery(
          bucket,
          q,
          D0 + 3 * HOUR,
          D0 + 2 * DAY,
          HOUR,
          { resolution: "1h" },
        );
        return { out, dayReads: bucket.dayReads - before };
      };
      const [fast, reference] = [await run(false), await run(true)];
      expect(fast.dayReads).toBeGreaterThan(0);
      expect(reference.dayReads).toBeGreaterThan(0);
      expect(JSON.stringify(fast.out.result)).toBe(JSON.stringify(reference.out.result));
      const samples = (o: typeof fast.out) => o.stats?.totalQueryableSamples;
      expect(samples(fast.out)).toBe(samples(reference.out));
      expect(samples(fast.out)).toBeGreaterThan(0);
    },
  );

  test("are refused alike at a limit of samples", async () => {
    const run = (reference: boolean) =>
      new Engine({ reference, maxSamples: 10 })
        .rangeQuery(bucket, "rate(c_total[1h])", D0 + 3 * HOUR, D0 + 2 * DAY, HOUR, {
          resolution: "1h",
        })
        .then(
          (o) => JSON.stringify(o.result),
          (err: Error) => `refused: ${err.message}`,
        );
    const [fast, reference] = [await run(false), await run(true)];
    expect(fast).toBe(reference);
    expect(fast).toStartWith("refused: query processing would load too many samples");
  });
});
