import { expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { Engine } from "../../promql/engine/engine.ts";
import { type MemorySample, MemoryStorage } from "../../storage/memory.ts";
import { warmQueries, warmShapes } from "./warm.ts";

const HOUR_MS = 3_600_000;
const T0 = 1_700_000_000_000;

/** Four counters over two hours, labelled as `labels(i)` gives. */
function store(labels: (i: number) => Record<string, string>): MemoryStorage {
  const s = new MemoryStorage();
  for (let i = 0; i < 4; i++) {
    const samples: MemorySample[] = [];
    for (let t = 0; t < 2 * HOUR_MS; t += 15_000) samples.push([T0 + t, (t / 15_000) * (i + 1)]);
    s.append(labelsFromRecord({ __name__: "req_total", ...labels(i) }), samples);
  }
  return s;
}

const target = { tenant: "default", metric: "req_total", fromMs: T0, toMs: T0 + 2 * HOUR_MS };

test.each([
  ["job", (i: number) => ({ job: `j${i % 2}`, instance: `h${i}` })],
  ["pod", (i: number) => ({ pod: `p${i}` })],
])("warmQueries() runs every shape, grouped by %s", async (by, labels) => {
  const engine = new Engine();
  const queryable = store(labels);
  const ran = await warmQueries(
    { engine, queryable: () => queryable },
    target,
    new AbortController().signal,
  );
  expect(ran).toBe(warmShapes("req_total", by).length);
  // The shapes are real queries: each answers over the data.
  for (const q of warmShapes("req_total", by)) {
    const out = await engine.rangeQuery(queryable, q, T0 + HOUR_MS, T0 + 2 * HOUR_MS, 60_000);
    expect(out.result.type === "matrix" && out.result.series.length).toBeGreaterThan(0);
  }
});

test("warmQueries() runs nothing once the aggregator stops", async () => {
  const stop = new AbortController();
  stop.abort();
  const queryable = store((i) => ({ job: `j${i}` }));
  expect(
    await warmQueries({ engine: new Engine(), queryable: () => queryable }, target, stop.signal),
  ).toBe(0);
});
