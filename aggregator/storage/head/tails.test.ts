import { describe, expect, test } from "bun:test";
import type { Labels } from "../../../shared/model/labels.ts";
import { Head } from "./head.ts";
import { OpenChunkTails, TAIL_SAMPLES_MAX } from "./tails.ts";
import { makeBatch, type TestSample, wordsOf } from "./testing.ts";

const T0 = 1_700_000_000_000;
const SERIES: Labels[] = Array.from({ length: 6 }, (_, i) => ["__name__", "m", "pod", `p${i}`]);

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value of one of the encoding's classes: counters, gauges, raw doubles, markers. */
function value(rand: () => number, step: number): number | "stale" {
  const r = rand();
  if (r < 0.03) return "stale";
  if (r < 0.06) return Math.PI * rand();
  if (r < 0.5) return step * 3 + Math.floor(rand() * 4);
  return Math.round(rand() * 1000) / 100;
}

function tailsOf(head: Head): OpenChunkTails {
  return (head as unknown as { tails: OpenChunkTails }).tails;
}

async function read(head: Head, start: number, end: number) {
  const q = await head.querier();
  const out = await q.select([{ name: "__name__", type: "=", value: "m" }], { start, end });
  return out.map((s) => ({ labels: s.labels, samples: wordsOf(s) }));
}

describe("OpenChunkTails", () => {
  test.each([1, 2, 3, 4, 5])(
    "reads through decoded copies (open chunks, newest closed ones) equal whole decodes under appends, inserts, cuts and truncations (seed %i)",
    async (seed) => {
      const rand = random(seed);
      const fast = new Head();
      const reference = new Head({ reference: true });
      const last = new Array<number>(SERIES.length).fill(T0);
      for (let step = 1; step <= 400; step++) {
        const samples: TestSample[] = [];
        for (let s = 0; s < SERIES.length; s++) {
          if (rand() < 0.2) continue;
          const late = rand() < 0.05;
          const jitter = rand() < 0.1 ? Math.floor(rand() * 900) : 0;
          const ts = late ? last[s] - 15_000 * Math.ceil(rand() * 20) : T0 + step * 15_000 + jitter;
          if (!late) last[s] = ts;
          samples.push([s, ts, value(rand, step)]);
        }
        const batch = makeBatch(SERIES, samples);
        fast.append(batch, step);
        reference.append(batch, step);
        if (step % 97 === 0) {
          const before = T0 + (step - 150) * 15_000;
          for (const head of [fast, reference]) {
            head.cut();
            head.truncate(before);
          }
        }
        const end = T0 + step * 15_000 + 1000;
        const start = end - 15_000 * (rand() < 0.5 ? 20 : Math.ceil(rand() * 200));
        expect(await read(fast, start, end)).toEqual(await read(reference, start, end));
      }
      expect(tailsOf(fast).samples()).toBeGreaterThan(0);
      expect(tailsOf(reference)).toBeUndefined();
    },
  );

  test("a copy read for its last minutes keeps those, not its whole chunk, and an older read is still right", async () => {
    const trimmed = new Head();
    const whole = new Head();
    (whole as unknown as { tails: OpenChunkTails }).tails = new OpenChunkTails(
      TAIL_SAMPLES_MAX,
      false,
    );
    const reference = new Head({ reference: true });
    // One chunk's worth (110 samples of a 120-sample chunk), each read for its last 5 minutes.
    for (let i = 0; i < 110; i++) {
      const batch = makeBatch(
        SERIES,
        SERIES.map((_, s) => [s, T0 + i * 15_000, i * 10 + s]),
      );
      for (const head of [trimmed, whole, reference]) head.append(batch, i + 1);
      // Every other read starts on a sample, which the copy must keep.
      const end = T0 + i * 15_000;
      const start = end - 300_000 + (i % 2);
      const got = await read(trimmed, start, end);
      expect(got).toEqual(await read(reference, start, end));
      expect(await read(whole, start, end)).toEqual(got);
    }
    // The whole copy holds its 110 samples a series and room; the trimmed one the 20 read, those
    // since it last made room, and room.
    expect(tailsOf(whole).samples()).toBeGreaterThanOrEqual(110 * SERIES.length);
    expect(tailsOf(trimmed).samples()).toBeLessThan(0.6 * tailsOf(whole).samples());
    // A read reaching before what was kept decodes the chunk again, and is right.
    const end = T0 + 109 * 15_000;
    expect(await read(trimmed, T0, end)).toEqual(await read(reference, T0, end));
  });

  test("past the budget no copy is made, and reads stay right", async () => {
    const head = new Head();
    const samples: TestSample[] = [];
    for (let i = 0; i < 100; i++)
      for (let s = 0; s < SERIES.length; s++) samples.push([s, T0 + i * 15_000, i]);
    head.append(makeBatch(SERIES, samples), 1);
    // A budget of 10 samples: the first copy passes it, no other is made.
    (head as unknown as { tails: OpenChunkTails }).tails = new OpenChunkTails(10);
    const held: number[] = [];
    for (let r = 0; r < 3; r++) {
      const got = await read(head, T0, T0 + 99 * 15_000);
      expect(got.map((s) => s.samples.length)).toEqual(SERIES.map(() => 100));
      held.push(tailsOf(head).samples());
    }
    // Read once: no copy; read twice: one series' copy (100 samples and room to grow), no more.
    expect(held[0]).toBe(0);
    expect(held[1]).toBeGreaterThanOrEqual(100);
    expect(held[1]).toBeLessThan(200);
    expect(held[2]).toBe(held[1]);
  });
});
