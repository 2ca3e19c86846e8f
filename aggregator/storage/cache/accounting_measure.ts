/**
 * Measures what query cache entries really add to the heap against the bytes the cache
 * accounts for them (bytes.ts): the heap (JavaScriptCore's cells and the memory they report:
 * arrays' buffers, strings) after full collections, before the series are decoded and once
 * the cache holds them (the decoding's garbage collected). Entries of a few thousand series,
 * as the Parquet reader hands them over (fresh label strings per file, arrays of its own),
 * hourly and joined. accounting.test.ts runs it in a process of its own, where no other
 * test's garbage or background work moves the heap under a measurement, and with JIT
 * compilations on the main thread: one running beside the code holds the values of the loop it
 * enters (an hour's decoded series) past the measurement on a busy machine.
 *
 *   BUN_JSC_useConcurrentJIT=0 bun aggregator/storage/cache/accounting_measure.ts    one JSON line per case
 */
import { heapStats } from "bun:jsc";
import { seriesHash } from "../../../shared/model/labels.ts";
import { writeStale } from "../../../shared/model/sample.ts";
import { building, finish } from "../parquet/fill.ts";
import type { StoredSeries } from "../parquet/reader.ts";
import { labelsFromRow, labelsToJson } from "../parquet/schema.ts";
import { type CachedMetric, QueryCache } from "./cache.ts";

const SERIES = 4_000;
const PER_HOUR = 240;
const H = 3_600_000;

type Shape = "counter" | "gauge" | "mixed" | "whole gauge";

/** Series `s`'s value at sample `i` (counted from the first file). */
function sampleOf(shape: Shape, s: number, i: number): number {
  // A gauge of whole numbers is kept narrow, but drops too often to keep its drops.
  if (shape === "whole gauge") return Math.round(Math.sin(s + i / 7) * 100);
  const counter = shape === "counter" || (shape === "mixed" && s % 2 === 0);
  // A counter with a reset every 1,000 samples; a gauge of fractions going up and down.
  return counter ? 1e6 + s * 10 + (i % 1000) * 3 : Math.sin(s + i / 7) * 100;
}

/** Hour `h` of the series as the reader makes them. */
function decoded(shape: Shape, h: number): StoredSeries[] {
  const out: StoredSeries[] = [];
  for (let s = 0; s < SERIES; s++) {
    const instance = `10.${s >> 16}.${(s >> 8) & 255}.${s & 255}:9100`;
    const pairs = [
      "instance",
      instance,
      "job",
      `node-${s % 40}`,
      "mode",
      ["user", "system"][s % 2],
    ];
    // Flat strings, as DuckDB hands them over (a concatenated one would be a rope).
    const json = Buffer.from(labelsToJson(pairs)).toString();
    const labels = labelsFromRow(Buffer.from("node_cpu_seconds_total").toString(), json);
    const b = building(labels, BigInt(s), PER_HOUR);
    for (let i = 0; i < PER_HOUR; i++) {
      b.timestamps[i] = h * H + i * 15_000;
      b.values[i] = sampleOf(shape, s, h * PER_HOUR + i);
    }
    b.length = PER_HOUR;
    if (shape !== "counter" && s % 10 === 1) writeStale(new Uint32Array(b.values.buffer), 5);
    out.push({ ...finish(b), hash: seriesHash(labels) });
  }
  return out;
}

/** Heap bytes after full collections (from timers: see warm.ts's collectGarbage), once steady. */
async function heapNow(): Promise<number> {
  let last = Number.NaN;
  for (let i = 0; i < 8; i++) {
    const now = await new Promise<number>((resolve) =>
      setTimeout(() => {
        Bun.gc(true);
        resolve(heapStats().heapSize);
      }, 0),
    );
    if (Math.abs(now - last) < 0.001 * now) return now;
    last = now;
  }
  return last;
}

/** `hours` hourly entries of one metric, its postings built up front when `index`. */
function hourly(cache: QueryCache, shape: Shape, hours: number, index: boolean): CachedMetric[] {
  const entries: CachedMetric[] = [];
  for (let h = 0; h < hours; h++) {
    entries.push(cache.set(`f${h}`, "node_cpu_seconds_total", decoded(shape, h), { index }));
  }
  return entries;
}

/** An entry (or entries) to measure. */
interface Case {
  name: string;
  shape: Shape;
  hours: number;
  index: boolean;
  join: boolean;
  /** Postings of these labels built by a query (`QueryCache.candidates`). */
  asked?: string[];
}

/** The cases measured. */
export const cases: Case[] = [
  { name: "an hourly entry of counters", shape: "counter", hours: 1, index: false, join: false },
  { name: "an hourly entry of gauges", shape: "gauge", hours: 1, index: false, join: false },
  {
    name: "an hourly entry of whole gauges",
    shape: "whole gauge",
    hours: 1,
    index: false,
    join: false,
  },
  { name: "an hourly entry with postings", shape: "mixed", hours: 1, index: true, join: false },
  {
    name: "an hourly entry with postings a query built",
    shape: "mixed",
    hours: 1,
    index: false,
    join: false,
    asked: ["instance", "job"],
  },
  { name: "four hourly entries of one metric", shape: "mixed", hours: 4, index: true, join: false },
  { name: "a joined entry of counters", shape: "counter", hours: 4, index: true, join: true },
  { name: "a joined entry of gauges", shape: "gauge", hours: 4, index: true, join: true },
  { name: "a joined entry of both", shape: "mixed", hours: 4, index: true, join: true },
];

/**
 * Caches measured, kept to the end: one dropped while the next is measured would shrink the
 * heap under it.
 */
const kept: QueryCache[] = [];

/** One case measured: what the cache accounts, and what it added to the heap. */
export interface Measured {
  readonly name: string;
  readonly accounted: number;
  readonly real: number;
}

/** Measures case `c`. */
async function measure(c: Case): Promise<Measured> {
  const cache = new QueryCache(1 << 30);
  kept.push(cache);
  const before = await heapNow();
  const entries = hourly(cache, c.shape, c.hours, c.index);
  for (const name of c.asked ?? []) cache.candidates(entries[0], [{ name, value: "none" }]);
  if (c.join && (await cache.join("node_cpu_seconds_total", entries)) === null) {
    throw new Error(`Cannot measure ${c.name}: the entries did not join`);
  }
  // A stale pointer to the list would keep the hourly entries the join dropped.
  entries.length = 0;
  const after = await heapNow();
  return { name: c.name, accounted: cache.bytes, real: after - before };
}

if (import.meta.main) {
  // A first, unreported round: what the runtime allocates once (compiled code, shapes, lazily
  // built tables) would otherwise land in the first case measured (seen once: 20 MB, then a
  // negative figure for the next case as it was released).
  await measure(cases[0]);
  for (const c of cases) console.log(JSON.stringify(await measure(c)));
}
