import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { hasStaleMarker, neverDrops, writeStale } from "../../../shared/model/sample.ts";
import { random } from "../../../test/harness/random.ts";
import { PartedSeries } from "../../storage/cache/cached_read.ts";
import { TimesJoiner } from "../../storage/cache/join_slices.ts";
import { compileMatchers } from "../../storage/matchers.ts";
import { MemoryStorage } from "../../storage/memory.ts";
import type { Querier, Queryable, SamplePart, SeriesSamples } from "../../storage/storage.ts";
import { query, seriesOf } from "./testing.ts";

const SERIES = 75;
const SAMPLES = 1_200;
const CUTS = [200, 400, 600, 800, 1_000];

/** Counters scraped together every 15 s: resets, a gap, a NaN and a staleness marker. */
function counters(): { labels: Record<string, string>; ts: Float64Array; vs: Float64Array }[] {
  const next = random(11);
  const ts = Float64Array.from({ length: SAMPLES }, (_, i) => i * 15_000);
  return Array.from({ length: SERIES }, (_, s) => {
    const vs = new Float64Array(SAMPLES);
    let v = 0;
    for (let i = 0; i < SAMPLES; i++) {
      v = next() < 0.002 ? 0 : v + Math.floor(next() * 20);
      vs[i] = v;
    }
    if (s === 7) vs[650] = Number.NaN;
    if (s === 9) writeStale(new Uint32Array(vs.buffer), 420);
    // One series ends early: its last slices are missing.
    const n = s === 12 ? 500 : SAMPLES;
    return {
      labels: { __name__: "x_total", i: String(s) },
      ts: ts.subarray(0, n),
      vs: vs.subarray(0, n),
    };
  });
}

/** The series as the query cache hands them out: per-file slices, times shared, flags set. */
class SlicedStore implements Queryable {
  constructor(private readonly series: SeriesSamples[]) {}

  async querier(): Promise<Querier> {
    return {
      select: async (matchers) => this.series.filter((s) => compileMatchers(matchers)(s.labels)),
      labelNames: async () => [],
      labelValues: async () => [],
      close() {},
    };
  }
}

function sliced(data: ReturnType<typeof counters>): SlicedStore {
  const joiner = new TimesJoiner();
  const times = new Map<string, Float64Array>();
  const shared = (ts: Float64Array) => {
    const key = `${ts[0]} ${ts.length}`;
    if (!times.has(key)) times.set(key, ts);
    return times.get(key)!;
  };
  const series = data.map(({ labels, ts, vs }) => {
    const bounds = [0, ...CUTS.filter((c) => c < ts.length), ts.length];
    const parts: SamplePart[] = bounds.slice(1).map((hi, k) => {
      const values = vs.subarray(bounds[k], hi);
      return {
        timestamps: shared(ts.subarray(bounds[k], hi)),
        values,
        clean: !hasStaleMarker(values),
        noDrops: neverDrops(values),
      };
    });
    return new PartedSeries(labelsFromRecord(labels), parts, joiner);
  });
  return new SlicedStore(series);
}

describe("queries over stored slices, a block of series at a time", () => {
  const data = counters();
  const joined = new MemoryStorage();
  for (const { labels, ts, vs } of data) {
    joined.addSeries([
      { labels: labelsFromRecord(labels), length: ts.length, timestamps: ts, values: vs },
    ]);
  }
  const slices = sliced(data);
  const at = { start: 300_007, end: SAMPLES * 15_000, step: 60_000 };

  for (const q of [
    "rate(x_total[5m])",
    "sum(rate(x_total[5m]))",
    "increase(x_total[2m])",
    "delta(x_total[5m])",
    // Too long a range beside the slices: read joined, next to series walked in slices.
    "rate(x_total[3h])",
    // Instant selectors look samples up in the slices.
    "x_total",
    "timestamp(x_total)",
    "x_total offset 7m",
    "x_total @ 3001",
  ]) {
    test(`${q} gives over slices what it gives over whole series`, async () => {
      const want = seriesOf(await query(joined, q, at));
      expect(Object.keys(want).length).toBeGreaterThan(0);
      expect(seriesOf(await query(slices, q, at))).toEqual(want);
    });
  }
});
