/**
 * One query must not stall the others: evaluation gives other work a turn every slice
 * (Limits.turn), so small queries are answered while a heavy one runs, and rule evaluation
 * has slots of its own. The latencies are measured in bench/query_fairness.ts; these tests
 * check the order of events, which holds on any machine.
 */
import { describe, expect, test } from "bun:test";
import { MemoryStorage } from "../../storage/memory.ts";
import type { SeriesSamples } from "../../storage/storage.ts";
import { Engine } from "./engine.ts";

const SERIES = 6_000;
const SAMPLES = 240;

/** Counters scraped every 15 s for an hour, and one `up` series. */
function heavyStore(): MemoryStorage {
  const timestamps = Float64Array.from({ length: SAMPLES }, (_, i) => i * 15_000);
  const series: SeriesSamples[] = [];
  for (let s = 0; s < SERIES; s++) {
    const values = Float64Array.from({ length: SAMPLES }, (_, i) => (i * (s % 97)) ^ (s * 31));
    series.push({
      labels: ["__name__", "x", "instance", `i${String(s).padStart(5, "0")}`],
      length: SAMPLES,
      timestamps,
      values,
    });
  }
  return new MemoryStorage().addSeries(series).add({ __name__: "up", job: "a" }, [[0, 1]]);
}

const store = heavyStore();
/** Every window of every series folded anew (no sliding form): seconds of work on this machine. */
const HEAVY = "stddev_over_time(x[30m])";
const HOUR = 3_600_000;

/** Runs small queries every few ms until `heavy` settles; returns when each was answered. */
async function smallWhile(
  heavy: Promise<unknown>,
  small: () => Promise<unknown>,
): Promise<{ answeredBefore: number; heavyMs: number }> {
  const began = performance.now();
  let done = false;
  let heavyMs = 0;
  const settled = heavy.finally(() => {
    done = true;
    heavyMs = performance.now() - began;
  });
  let answeredBefore = 0;
  while (!done) {
    await small();
    if (!done) answeredBefore++;
    await Bun.sleep(5);
  }
  await settled;
  return { answeredBefore, heavyMs };
}

describe("a heavy query shares the thread", () => {
  const engine = new Engine({ maxConcurrency: 1 });

  test("small queries are answered while a heavy one runs", async () => {
    const heavy = engine.rangeQuery(store, HEAVY, 0, HOUR, 15_000);
    const small = new Engine();
    const { answeredBefore, heavyMs } = await smallWhile(heavy, () =>
      small.instantQuery(store, "up", 0),
    );
    expect(heavyMs).toBeGreaterThan(300);
    expect(answeredBefore).toBeGreaterThan(3);
  }, 60_000);

  test("rule evaluation runs while user queries fill every slot", async () => {
    const heavy = engine.rangeQuery(store, HEAVY, 0, HOUR, 15_000);
    // The user slot is taken: another user query waits, a rule's does not.
    const queued = engine.instantQuery(store, "up", 0);
    const { answeredBefore } = await smallWhile(heavy, () =>
      engine.instantQuery(store, "up", 0, { origin: "rule" }),
    );
    await queued;
    expect(answeredBefore).toBeGreaterThan(3);
    expect(engine.load("user")).toEqual({ running: 0, waiting: 0 });
  }, 60_000);
});
