import { expect, test } from "bun:test";
import type { DecodedBatch } from "../../../shared/codec/decode.ts";
import { writeStale } from "../../../shared/model/sample.ts";
import { random } from "../../../test/harness/random.ts";
import { Head } from "./head.ts";
import { wordsOf } from "./testing.ts";

const SERIES = Array.from({ length: 12 }, (_, i) => ["__name__", `m${i % 3}`, "i", String(i)]);
const T0 = 1_700_000_000_000;

/** A value of a random kind, written into slot `i` of `words`. */
function randomValue(rnd: () => number, words: Uint32Array, values: Float64Array, i: number) {
  const kind = Math.floor(rnd() * 8);
  if (kind === 0) writeStale(words, i);
  else if (kind === 1) {
    words[2 * i] = (rnd() * 2 ** 32) >>> 0;
    words[2 * i + 1] = (rnd() * 2 ** 32) >>> 0;
  } else if (kind === 2)
    values[i] = [Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-300][Math.floor(rnd() * 4)];
  else if (kind === 3) values[i] = Math.floor(rnd() * 1e6) / 100;
  else values[i] = Math.floor(rnd() * 4) * 1000;
}

/** A batch of samples around a moving clock: mostly in order, some late, some repeated. */
function randomBatch(rnd: () => number, clock: number): DecodedBatch {
  const n = 1 + Math.floor(rnd() * 60);
  const values = new Float64Array(n);
  const samples = {
    length: n,
    series: new Int32Array(n),
    timestamps: new Float64Array(n),
    values,
    valueWords: new Uint32Array(values.buffer),
  };
  for (let i = 0; i < n; i++) {
    samples.series[i] = Math.floor(rnd() * SERIES.length);
    const late = rnd() < 0.15 ? Math.floor(rnd() * 3_600_000) : 0;
    samples.timestamps[i] = clock - late - Math.floor(rnd() * 20) * 1000;
    randomValue(rnd, samples.valueWords, values, i);
  }
  return { series: SERIES, samples, metadata: [], createdMs: 0 };
}

type Model = Map<string, Map<number, string>>;

function record(model: Model, key: string, ts: number, hi: number, lo: number) {
  if (!model.has(key)) model.set(key, new Map());
  model.get(key)!.set(ts, `${hi}:${lo}`);
}

for (const seed of [1, 2, 3]) {
  test(`Head matches a plain model under random appends, cuts, truncations and evictions (seed ${seed})`, async () => {
    const rnd = random(seed);
    const head = new Head({ maxBytes: seed % 3 === 0 ? 250_000 : Number.POSITIVE_INFINITY });
    const model: Model = new Map();
    const flushed: Model = new Map();
    let clock = T0 + 3_600_000;
    for (let step = 0; step < 400; step++) {
      const batch = randomBatch(rnd, clock);
      head.append(batch, step);
      const { samples } = batch;
      for (let i = 0; i < samples.length; i++) {
        const key = SERIES[samples.series[i]].join(",");
        record(
          model,
          key,
          samples.timestamps[i],
          samples.valueWords[2 * i + 1],
          samples.valueWords[2 * i],
        );
      }
      clock += 5000;
      if (rnd() < 0.1 || step === 399) {
        const { rows, refs } = head.cut();
        expect(refs.length).toBeGreaterThan(0);
        for (let i = 0; i < rows.length; i++) {
          const key = rows.series[rows.seriesIndex[i]].labels.join(",");
          record(
            flushed,
            key,
            rows.timestamps[i],
            rows.valueWords[2 * i + 1],
            rows.valueWords[2 * i],
          );
        }
      }
      if (rnd() < 0.05) head.truncate(clock - 1_800_000);
    }
    // Every sample ever appended was cut, with its final value.
    expect(flushed).toEqual(model);
    // The head holds every sample from minTime() on, each with its final value.
    const q = await head.querier();
    const selected = await q.select([], {
      start: Number.NEGATIVE_INFINITY,
      end: Number.POSITIVE_INFINITY,
    });
    const held = new Map(selected.map((s) => [s.labels.join(","), wordsOf(s)]));
    for (const [key, byTime] of model) {
      for (const ts of byTime.keys())
        if (ts >= head.minTime()) expect(held.get(key)?.some((w) => w[0] === ts)).toBe(true);
    }
    let count = 0;
    for (const [key, samples] of held) {
      for (const [ts, hi, lo] of samples) expect(model.get(key)?.get(ts)).toBe(`${hi}:${lo}`);
      count += samples.length;
    }
    expect(head.stats().samples).toBe(count);
  });
}
