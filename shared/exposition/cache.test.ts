import { describe, expect, test } from "bun:test";
import { formatSeries } from "../model/labels.ts";
import { SeriesCache, type SeriesEntry } from "./cache.ts";
import { ByteKeyTable } from "./keys.ts";
import { collect } from "./testing.ts";

const swept = (cache: SeriesCache) => {
  const gone: string[] = [];
  cache.sweep((e) => gone.push(formatSeries(e.labels)));
  return gone.sort();
};

describe("SeriesCache", () => {
  test("returns the same entry object for a series on the next scrape, without a label parse", () => {
    const cache = new SeriesCache();
    const body = 'a{x="1"} 1\nb 2\n';
    const first = collect(body, "text", cache);
    expect(swept(cache)).toEqual([]);
    const second = collect(body, "text", cache);
    expect(second.stats.misses).toBe(0);
    expect(second.entries[0]).toBe(first.entries[0]);
    expect(second.entries[1]).toBe(first.entries[1]);
    expect(second.entries[0].seenGen).toBe(cache.gen);
  });

  test("sweep() reports the series that vanished and forgets them", () => {
    const cache = new SeriesCache();
    const first = collect("a 1\nb 2\nc 3\n", "text", cache);
    swept(cache);
    collect("b 2\n", "text", cache);
    expect(swept(cache)).toEqual(["a", "c"]);
    expect(cache.size).toBe(1);
    const third = collect("a 1\nb 2\n", "text", cache);
    expect(third.entries[0]).not.toBe(first.entries[0]); // a came back: a new entry
    expect(third.entries[1]).toBe(first.entries[1]);
    expect(swept(cache)).toEqual([]);
  });

  test("gives every spelling of one label set the same entry", () => {
    const cache = new SeriesCache();
    const got = collect(
      'm{a="1",b="2"} 1 1\nm{b="2",a="1"} 1 2\nm {a="1",b="2",c=""} 1 3\n',
      "text",
      cache,
    );
    expect(new Set(got.entries).size).toBe(1);
    expect(cache.size).toBe(1);
    expect(cache.spellings.size).toBe(3);
    swept(cache);
    const next = collect('m{b="2",a="1"} 1\n', "text", cache);
    expect(next.entries[0]).toBe(got.entries[0]);
    expect(swept(cache)).toEqual([]); // the entry lives on through its remaining spelling
    expect(cache.spellings.size).toBe(1);
  });

  test("with emptyLabels, keeps a label written empty apart, as honor_labels needs it", () => {
    const text = 'm{a="1"} 1 1\nm{a="1",job=""} 1 2\nm{job="",a="1"} 1 3\n';
    const apart = new SeriesCache({ emptyLabels: true });
    const got = collect(text, "text", apart);
    expect(got.entries.map((e) => e.emptyLabels)).toEqual([undefined, ["job"], ["job"]]);
    expect(apart.size).toBe(2);
    expect(new Set(collect(text, "text", new SeriesCache()).entries).size).toBe(1);
  });

  test("stays correct when every key collides", () => {
    const cache = new SeriesCache({ hashBits: 0 });
    const lines = Array.from(
      { length: 300 },
      (_, k) => `m{k="${k}",pad="${"x".repeat(k % 7)}"} ${k}`,
    );
    const first = collect(lines.join("\n"), "text", cache);
    expect(first.samples.map((s) => s[1])).toEqual(lines.map((_, k) => k));
    expect(first.samples[42][0]).toBe('m{k="42"}');
    expect(first.samples[45][0]).toBe('m{k="45", pad="xxx"}');
    swept(cache);
    const second = collect(lines.filter((_, k) => k % 2 === 0).join("\n"), "text", cache);
    expect(second.stats.misses).toBe(0);
    for (const [j, e] of second.entries.entries()) expect(e).toBe(first.entries[2 * j]);
    expect(swept(cache)).toHaveLength(150);
    const third = collect(lines.join("\n"), "text", cache);
    expect(third.stats.misses).toBe(150);
    expect(third.samples).toEqual(first.samples);
  });

  test("rebuilds labels when the same bytes follow a different TYPE line", () => {
    const cache = new SeriesCache();
    const plain = collect('h_bucket{le="1"} 1\n', "text", cache);
    const typed = collect('# TYPE h histogram\nh_bucket{le="1"} 1\n', "text", cache);
    expect(plain.samples[0][0]).toBe('h_bucket{le="1"}');
    expect(typed.samples[0][0]).toBe('h_bucket{le="1.0"}');
    expect(typed.stats.misses).toBe(1);
    const again = collect(
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="2"} 2\n',
      "text",
      cache,
    );
    expect(again.stats.misses).toBe(1); // only le="2"; the TYPE line came from the cache
    expect(again.samples.map((s) => s[0])).toEqual(['h_bucket{le="1.0"}', 'h_bucket{le="2.0"}']);
    expect(again.metadata).toEqual([["h", "type", "histogram"]]);
  });

  test("validates cached bytes again when the target switches format, keeping its entries", () => {
    const cache = new SeriesCache();
    const text = collect('m{a="1" b="2"} 1\nn{a="1",b="2"} 2\n# TYPE n untyped\n', "text", cache);
    expect(() => collect('m{a="1" b="2"} 1\n# EOF\n', "openmetrics", cache)).toThrow(
      'expected "," or "}" after label value',
    );
    expect(() => collect("# TYPE n untyped\n# EOF\n", "openmetrics", cache)).toThrow(
      'invalid metric type "untyped"',
    );
    const om = collect('n{a="1",b="2"} 2\n# EOF\n', "openmetrics", cache);
    expect(om.stats.misses).toBe(1);
    expect(om.entries[0]).toBe(text.entries[1]);
  });

  test("keeps entries consistent after a scrape that failed halfway", () => {
    const cache = new SeriesCache();
    const first = collect("a 1\nb 2\nc 3\n", "text", cache);
    swept(cache);
    expect(() => collect("a 1\nd 4\nb{ 2\n", "text", cache)).toThrow(SyntaxError);
    expect(swept(cache)).toEqual(["b", "c"]);
    const next = collect("a 1\nb 2\nd 4\n", "text", cache);
    expect(next.entries[0]).toBe(first.entries[0]);
    expect(next.stats.misses).toBe(1);
    expect(cache.size).toBe(3);
  });

  test("lets the consumer keep its own value in ref", () => {
    const cache = new SeriesCache();
    const entry: SeriesEntry = collect("a 1\n", "text", cache).entries[0];
    expect(entry.ref).toBeUndefined();
    entry.ref = null;
    expect(collect("a 1\n", "text", cache).entries[0].ref).toBeNull();
  });
});

describe("ByteKeyTable", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  test("tells apart keys of equal hash and length by their bytes", () => {
    const table = new ByteKeyTable<string>();
    const a = bytes("abcdefgh-1");
    const b = bytes("abcdefgh-2");
    table.set(a, 0, a.length, 7, 0, 1, "first");
    table.set(b, 0, b.length, 7, 0, 1, "second");
    expect(table.get(a, new DataView(a.buffer), 0, a.length, 7, 0, 0, 1)).toBe("first");
    expect(table.get(b, new DataView(b.buffer), 0, b.length, 7, 0, 0, 1)).toBe("second");
    const c = bytes("xxabcdefgh-3");
    expect(table.get(c, new DataView(c.buffer), 2, c.length, 7, 0, 0, 1)).toBeUndefined();
    expect(table.get(a, new DataView(a.buffer), 0, a.length, 7, 1, 2, 1)).toBeUndefined();
  });

  test("matches keys inside a larger buffer at any offset", () => {
    const table = new ByteKeyTable<number>();
    const key = bytes('series{a="1"}');
    table.set(key, 0, key.length, 1, 0, 1, 42);
    for (let offset = 0; offset < 5; offset++) {
      const body = bytes(`${"#".repeat(offset)}series{a="1"} 1`);
      const dv = new DataView(body.buffer);
      expect(table.get(body, dv, offset, offset + key.length, 1, 0, 0, 1)).toBe(42);
    }
  });

  test("keeps finding the surviving keys after most are swept and the arena is compacted", () => {
    const table = new ByteKeyTable<number>(0xff);
    const keys = Array.from({ length: 2000 }, (_, i) =>
      bytes(`series_${i}{label="${"v".repeat(i % 37)}"}`),
    );
    keys.forEach((k, i) => {
      table.set(k, 0, k.length, i, 0, 1, i);
    });
    table.beginGeneration();
    for (let i = 0; i < keys.length; i += 10)
      table.get(keys[i], new DataView(keys[i].buffer), 0, keys[i].length, i, 0, 0, 2);
    expect(table.sweep(2)).toBe(true);
    expect(table.size).toBe(200);
    keys.forEach((k, i) => {
      const got = table.get(k, new DataView(k.buffer), 0, k.length, i, 0, 0, 3);
      expect(got).toBe(i % 10 === 0 ? i : undefined);
    });
    const fresh = bytes("series_new");
    table.set(fresh, 0, fresh.length, 5, 0, 3, -1);
    expect(table.get(fresh, new DataView(fresh.buffer), 0, fresh.length, 5, 0, 0, 3)).toBe(-1);
  });
});
