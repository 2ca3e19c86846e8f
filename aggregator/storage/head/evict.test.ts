import { describe, expect, test } from "bun:test";
import { Head } from "./head.ts";
import { makeBatch, type TestSample } from "./testing.ts";

const T0 = 1_700_000_000_000;
const series = Array.from({ length: 200 }, (_, i) => ["__name__", "m", "i", String(i)]);

/** One scrape of every series at `ts`: noisy gauges, so that sample data dominates memory. */
function scrape(ts: number): TestSample[] {
  return series.map(
    (_, i) => [i, ts, ((ts / 15_000) * 2654435761 + i * 40503) % 1_000_003] as const,
  );
}

describe("Head memory limit", () => {
  test("overLimit() stays true while nothing is cut, and a cut brings the head back under", () => {
    const head = new Head({ maxBytes: 600_000 });
    let ts = T0;
    while (!head.overLimit()) {
      head.append(makeBatch(series, scrape(ts)), ts);
      ts += 15_000;
    }
    const held = head.stats().samples;
    head.append(makeBatch(series, scrape(ts)), ts);
    expect(head.stats().samples).toBe(held + series.length); // uncut data is never dropped
    expect(head.overLimit()).toBe(true);
    const { rows } = head.cut();
    expect(rows.length).toBe(held + series.length);
    expect(head.overLimit()).toBe(false);
    expect(head.stats().bytes).toBeLessThanOrEqual(600_000);
    expect(head.stats().samples).toBeLessThan(held);
    expect(head.minTime()).toBeGreaterThan(T0);
  });

  test("a full head drops its oldest cut chunks first and keeps appending", async () => {
    const head = new Head({ maxBytes: 600_000 });
    let ts = T0;
    for (let k = 0; k < 3010; k++, ts += 15_000) {
      head.append(makeBatch(series, scrape(ts)), k);
      if (k % 40 === 39) head.cut();
      expect(head.stats().bytes).toBeLessThan(700_000);
    }
    const minTime = head.minTime();
    expect(minTime).toBeGreaterThan(T0);
    const q = await head.querier();
    const got = await q.select([{ name: "i", type: "=", value: "7" }], { start: 0, end: Infinity });
    // Everything from minTime on is there, newest sample included.
    const from = Array.from(got[0].timestamps).findIndex((t) => t >= minTime);
    const expected = Math.round((ts - 15_000 - got[0].timestamps[from]) / 15_000) + 1;
    expect(got[0].length - from).toBe(expected);
    expect(got[0].timestamps[got[0].length - 1]).toBe(ts - 15_000);
  });

  test("stats().bytes shrinks when truncate() drops data", () => {
    const head = new Head();
    for (let k = 0; k < 480; k++) head.append(makeBatch(series, scrape(T0 + k * 15_000)), k);
    const full = head.stats().bytes;
    head.cut();
    head.truncate(T0 + 240 * 15_000);
    expect(head.stats().bytes).toBeLessThan(0.7 * full);
    head.truncate(T0 + 480 * 15_000);
    expect(head.stats()).toMatchObject({ series: 0, samples: 0 });
    expect(head.minTime()).toBe(Number.POSITIVE_INFINITY);
  });
});
