import { describe, expect, test } from "bun:test";
import { ChunkArena, PAGE_BYTES } from "./arena.ts";
import { refAt } from "./chunks.ts";
import { Head } from "./head.ts";
import { makeBatch, type TestSample } from "./testing.ts";

describe("ChunkArena", () => {
  test("add() copies chunks into pages and free() drops a page once it is empty", () => {
    const arena = new ChunkArena();
    const chunk = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const refs = Array.from({ length: 130 }, () => arena.add(chunk, 0, 1000));
    expect(arena.pageCount).toBe(2);
    expect(
      Array.from(arena.page(refs[70]).subarray(refs[70] % PAGE_BYTES, (refs[70] % PAGE_BYTES) + 4)),
    ).toEqual([0, 1, 2, 3]);
    for (const ref of refs.slice(0, 65)) arena.free(ref, 1000);
    expect(arena.pageCount).toBe(1);
  });

  test("move() empties a sparse page into the current one", () => {
    const arena = new ChunkArena();
    const chunk = new Uint8Array(1000).fill(9);
    const refs = Array.from({ length: 70 }, () => arena.add(chunk, 0, 1000));
    for (const ref of refs.slice(1, 65)) arena.free(ref, 1000);
    expect(arena.sparse(refs[0])).toBe(true);
    expect(arena.hasSparse()).toBe(true);
    const moved = arena.move(refs[0], 1000);
    expect(arena.pageCount).toBe(1);
    expect(arena.page(moved)[moved % PAGE_BYTES]).toBe(9);
  });
});

test("truncate() compacts sparse pages and keeps every sample it did not drop", async () => {
  const series = Array.from({ length: 300 }, (_, i) => ["__name__", "m", "i", String(i)]);
  const head = new Head();
  const T0 = 1_700_000_000_000;
  // Series i starts at T0 + i s, one sample a second (raw floats, ~1 KB a chunk): first
  // chunks close in order of i, into consecutive pages, and end at T0 + (i + 119) s.
  for (let t = 0; t < 300 + 121; t++) {
    const samples: TestSample[] = [];
    for (let i = 0; i < 300; i++) {
      if (t >= i && t < i + 121) samples.push([i, T0 + t * 1000, Math.sqrt(t + i + 2)]);
    }
    head.append(makeBatch(series, samples), t);
  }
  head.cut();
  // The page holding series 150's first chunk holds series a … b; dropping the first chunks
  // of series below c leaves it a fifth full.
  const pageOf = (i: number) => Math.floor(refAt(head.table, i, 0) / PAGE_BYTES);
  const members = series.map((_, i) => i).filter((i) => pageOf(i) === pageOf(150));
  const c = members[0] + Math.floor(0.8 * members.length);
  const pages = head.table.arena.pageCount;
  head.truncate(T0 + (c + 118) * 1000 + 1);
  expect(head.table.arena.pageCount).toBeLessThan(pages);
  expect(head.table.arena.hasSparse()).toBe(false);
  const q = await head.querier();
  const got = await q.select([], { start: 0, end: Number.POSITIVE_INFINITY });
  const counts = new Map(got.map((s) => [Number(s.labels[3]), s.length]));
  // A series whose every sample went is forgotten; one that kept its open chunk has 1 left.
  for (let i = 0; i < 300; i++) {
    expect(counts.get(i)).toBe(i <= c - 2 ? undefined : i === c - 1 ? 1 : 121);
  }
  expect(head.stats().series).toBe(300 - c + 1);
});
