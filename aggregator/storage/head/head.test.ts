import { describe, expect, test } from "bun:test";
import { isStaleAt } from "../../../shared/model/sample.ts";
import type { LabelMatcher } from "../storage.ts";
import { Head } from "./head.ts";
import { makeBatch, rowLines, wordsOf } from "./testing.ts";

const ALL = { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };
const T0 = 1_700_000_000_000;
const up = ["__name__", "up", "instance", "a:9100", "job", "node"];
const load = ["__name__", "node_load1", "instance", "a:9100", "job", "node"];
const m = (name: string, type: LabelMatcher["type"], value: string) => ({ name, type, value });

async function select(head: Head, matchers: LabelMatcher[], range = ALL) {
  const q = await head.querier();
  try {
    return await q.select(matchers, range);
  } finally {
    q.close();
  }
}

describe("Head", () => {
  test("append() then select() returns every sample bit for bit, staleness markers included", async () => {
    const head = new Head();
    const samples = Array.from({ length: 300 }, (_, i) => [0, T0 + i * 15_000, i * 0.5] as const);
    head.append(makeBatch([up], samples), 1);
    head.append(
      makeBatch(
        [up, load],
        [
          [0, T0 + 300 * 15_000, "stale"],
          [1, T0, -0],
        ],
      ),
      2,
    );
    const [s1, s2] = await select(head, [m("instance", "=", "a:9100")]);
    expect(s1.labels).toEqual(load);
    expect(Object.is(s1.values[0], -0)).toBe(true);
    expect(s2.labels).toEqual(up);
    expect(s2.length).toBe(301);
    expect(Array.from(s2.values.subarray(0, 300))).toEqual(samples.map((s) => s[2]));
    const words = new Uint32Array(s2.values.buffer, s2.values.byteOffset, 2 * s2.length);
    expect(isStaleAt(words, 300)).toBe(true);
    expect(head.stats()).toMatchObject({ series: 2, samples: 302 });
  });

  test("select() keeps only samples inside the inclusive range", async () => {
    const head = new Head();
    head.append(
      makeBatch(
        [up],
        Array.from({ length: 500 }, (_, i) => [0, T0 + i * 1000, i]),
      ),
      1,
    );
    const [s] = await select(head, [m("__name__", "=", "up")], {
      start: T0 + 100_000,
      end: T0 + 399_000,
    });
    expect(s.length).toBe(300);
    expect(s.timestamps[0]).toBe(T0 + 100_000);
    expect(s.timestamps[299]).toBe(T0 + 399_000);
    expect(await select(head, [m("__name__", "=", "up")], { start: 0, end: T0 - 1 })).toEqual([]);
  });

  test("append() sorts out-of-order samples and lets a duplicate time replace the value", async () => {
    const head = new Head();
    const times = Array.from({ length: 400 }, (_, i) => T0 + i * 10);
    const shuffled = times
      .map((t, i) => [t, (i * 7919) % 400] as const)
      .sort((a, b) => a[1] - b[1]);
    head.append(
      makeBatch(
        [up],
        shuffled.map(([t]) => [0, t, t - T0]),
      ),
      1,
    );
    head.append(
      makeBatch(
        [up],
        [
          [0, T0 + 50, 99],
          [0, T0 + 3990, 42],
          [0, T0 + 3990, 42],
        ],
      ),
      2,
    );
    const [s] = await select(head, []);
    expect(Array.from(s.timestamps)).toEqual(times);
    const expected = times.map((t) => t - T0);
    expected[5] = 99;
    expected[399] = 42;
    expect(Array.from(s.values)).toEqual(expected);
    expect(head.stats().samples).toBe(400);
  });

  test("append() ignores a repeated sample without counting it", async () => {
    const head = new Head();
    const batch = makeBatch(
      [up],
      [
        [0, T0, 1],
        [0, T0 + 15_000, 1],
      ],
    );
    head.append(batch, 1);
    head.append(batch, 1);
    expect(head.stats().samples).toBe(2);
    expect(wordsOf((await select(head, []))[0]).length).toBe(2);
  });

  test("cut() hands out each sample once, with the distinct refs appended since the last cut", () => {
    const head = new Head();
    head.append(
      makeBatch(
        [up, load],
        [
          [0, T0, 1],
          [1, T0, 0.5],
        ],
      ),
      7,
    );
    head.append(makeBatch([up], [[0, T0 + 15_000, 1]]), 3);
    head.append(makeBatch([up], [[0, T0 + 15_000, 1]]), 7);
    const first = head.cut();
    expect(first.refs).toEqual([3, 7]);
    expect(first.rows.length).toBe(3);
    expect(first.rows.series.map((s) => s.metric).sort()).toEqual(["node_load1", "up"]);
    expect(head.cut()).toMatchObject({ refs: [], rows: { length: 0 } });
    head.append(
      makeBatch(
        [up],
        [
          [0, T0 + 30_000, "stale"],
          [0, T0 + 5, 2],
        ],
      ),
      9,
    );
    const second = head.cut();
    expect(second.refs).toEqual([9]);
    expect(rowLines(second.rows)).toEqual([
      `${up.join(",")} ${T0 + 5} ${0x40000000} 0`,
      `${up.join(",")} ${T0 + 30_000} ${0x7ff00000} 2`,
    ]);
    expect(head.stats().samples).toBe(5);
  });

  test("cut() reports a late sample for an already cut time again, with its new value", () => {
    const head = new Head();
    head.append(
      makeBatch(
        [up],
        [
          [0, T0, 1],
          [0, T0 + 15_000, 1],
        ],
      ),
      1,
    );
    head.cut();
    head.append(makeBatch([up], [[0, T0, 5]]), 2);
    const { rows } = head.cut();
    expect(rows.length).toBe(1);
    expect([rows.timestamps[0], rows.values[0]]).toEqual([T0, 5]);
  });

  test("truncate() drops only cut samples, and forgets series left empty", async () => {
    const head = new Head();
    const old = Array.from({ length: 240 }, (_, i) => [0, T0 + i * 15_000, i] as const);
    head.append(makeBatch([up, load], [...old, [1, T0, 1]]), 1);
    head.truncate(T0 + 60_000);
    expect(head.stats()).toMatchObject({ series: 2, samples: 241 });
    expect(head.minTime()).toBe(T0 + 60_000);
    head.cut();
    head.append(makeBatch([up], [[0, T0 + 240 * 15_000, 240]]), 2);
    head.truncate(T0 + 121 * 15_000);
    // The first chunk (120 samples) ended before the cutoff; the one straddling it stays.
    expect(head.stats()).toMatchObject({ series: 1, samples: 121 });
    expect(head.minTime()).toBe(T0 + 121 * 15_000);
    const [s] = await select(head, []);
    expect(s.timestamps[0]).toBe(T0 + 120 * 15_000);
    expect(await select(head, [m("__name__", "=", "node_load1")])).toEqual([]);
    const q = await head.querier();
    expect(await q.labelValues("__name__", [], ALL)).toEqual(["up"]);
  });

  test("a series dropped and appended to again comes back under a new id", async () => {
    const head = new Head();
    head.append(makeBatch([up], [[0, T0, 1]]), 1);
    head.cut();
    head.truncate(T0 + 1);
    expect(head.stats().series).toBe(0);
    head.append(
      makeBatch(
        [load, up],
        [
          [0, T0 + 9, 2],
          [1, T0 + 9, 3],
        ],
      ),
      2,
    );
    const got = await select(head, [m("job", "=", "node")]);
    expect(got.map((s) => [s.labels[1], s.values[0]])).toEqual([
      ["node_load1", 2],
      ["up", 3],
    ]);
  });

  test("labels holding U+00FF never merge two different series", async () => {
    const head = new Head();
    const a = ["a", "1\xffb\xff2"];
    const b = ["a", "1", "b", "2"];
    head.append(
      makeBatch(
        [a, b],
        [
          [0, T0, 1],
          [1, T0, 2],
        ],
      ),
      1,
    );
    head.append(
      makeBatch(
        [b, a],
        [
          [0, T0 + 1, 3],
          [1, T0 + 1, 4],
        ],
      ),
      2,
    );
    const got = await select(head, []);
    expect(got.map((s) => [s.labels, Array.from(s.values)])).toEqual([
      [b, [2, 3]],
      [a, [1, 4]],
    ]);
  });
});

describe("Head series limit", () => {
  test("append() past maxSeries keeps the existing series' samples and drops the new ones'", async () => {
    const head = new Head();
    const disk = ["__name__", "disk", "instance", "a:9100", "job", "node"];
    expect(head.append(makeBatch([up], [[0, T0, 1]]), 1, 1)).toBe(0);
    const batch = makeBatch(
      [up, load, disk],
      [
        [0, T0 + 15_000, 2],
        [1, T0 + 15_000, 0.5],
        [2, T0 + 15_000, 7],
        [0, T0 + 30_000, 3],
      ],
    );
    expect(head.append(batch, 2, 2)).toBe(1);
    expect(head.stats().series).toBe(2);
    expect((await select(head, [m("__name__", "=", "up")]))[0].length).toBe(3);
    expect((await select(head, [m("__name__", "=", "node_load1")]))[0].length).toBe(1);
    expect(await select(head, [m("__name__", "=", "disk")])).toHaveLength(0);
  });
});
