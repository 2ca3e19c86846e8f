/**
 * The chunks of one series, oldest first: its closed chunks in the arena, then its open chunk.
 * One buffer per series, `bufs[id]`, holds everything else it has: its label pairs (u32 each,
 * `nPairs[id]`), the refs of its closed chunks (f64 each, `nClosed[id]`), then its open chunk,
 * present while `bitPos[id]` is past the refs. One typed array instead of several JS objects
 * per series saves a few hundred bytes a series (see series.ts).
 */
import { PAGE_BYTES } from "./arena.ts";
import { readF64, writeF64 } from "./bits.ts";
import {
  type ChunkEncoder,
  chunkBytes,
  chunkCount,
  decodeChunk,
  type SampleColumns,
} from "./chunk.ts";
import type { SeriesTable } from "./series.ts";
import type { OpenChunkTails } from "./tails.ts";

/** Where a chunk lies; `chunkAt` fills one, reused, so that walking allocates nothing. */
export interface ChunkPlace {
  buf: Uint8Array;
  at: number;
}

/** Growable decode columns, reused across calls. */
export class Scratch implements SampleColumns {
  timestamps = new Float64Array(512);
  values = new Float64Array(512);
  words = new Uint32Array(this.values.buffer);

  /** Makes room for `n` samples, keeping the first `keep`. */
  ensure(n: number, keep = 0): void {
    if (n <= this.timestamps.length) return;
    const cap = Math.max(n, 2 * this.timestamps.length);
    const ts = new Float64Array(cap);
    ts.set(this.timestamps.subarray(0, keep));
    const values = new Float64Array(cap);
    values.set(this.values.subarray(0, keep));
    this.timestamps = ts;
    this.values = values;
    this.words = new Uint32Array(values.buffer);
  }
}

/** Byte offset of series `id`'s first chunk ref. */
function refsAt(t: SeriesTable, id: number): number {
  return 4 * t.nPairs[id];
}

/** Byte offset of series `id`'s open chunk (just past its refs). */
export function openAt(t: SeriesTable, id: number): number {
  return 4 * t.nPairs[id] + 8 * t.nClosed[id];
}

/** True when series `id` holds samples. */
export function holdsSamples(t: SeriesTable, id: number): boolean {
  return t.nClosed[id] > 0 || hasOpen(t, id);
}

/** True when series `id` has an open chunk. */
export function hasOpen(t: SeriesTable, id: number): boolean {
  return t.bitPos[id] > 8 * openAt(t, id);
}

/** Chunks series `id` holds, open one included. */
export function chunksOf(t: SeriesTable, id: number): number {
  return t.nClosed[id] + (hasOpen(t, id) ? 1 : 0);
}

/** The ref of closed chunk `k` of series `id`. */
export function refAt(t: SeriesTable, id: number, k: number): number {
  return readF64(t.bufs[id], refsAt(t, id) + 8 * k);
}

/** Replaces the ref of closed chunk `k` (the chunk moved). */
export function setRef(t: SeriesTable, id: number, k: number, ref: number): void {
  writeF64(t.bufs[id], refsAt(t, id) + 8 * k, ref);
}

/** Points `place` at chunk `k` (0 = oldest) of series `id`. */
export function chunkAt(t: SeriesTable, id: number, k: number, place: ChunkPlace): void {
  if (k < t.nClosed[id]) {
    const ref = refAt(t, id, k);
    place.buf = t.arena.page(ref);
    place.at = ref % PAGE_BYTES;
  } else {
    place.buf = t.bufs[id];
    place.at = openAt(t, id);
  }
}

/** Min time of the chunk at `place`. */
export function minTimeOf(place: ChunkPlace): number {
  return readF64(place.buf, place.at + 8);
}

/** Max time of the chunk at `place`. */
export function maxTimeOf(place: ChunkPlace): number {
  return readF64(place.buf, place.at + 16);
}

const place: ChunkPlace = { buf: new Uint8Array(0), at: 0 };

/** Time of the oldest sample series `id` holds (Infinity when none). */
export function oldestTime(t: SeriesTable, id: number): number {
  if (chunksOf(t, id) === 0) return Number.POSITIVE_INFINITY;
  chunkAt(t, id, 0, place);
  return minTimeOf(place);
}

/**
 * Decodes, from index 0 of `out`, every chunk of series `id` that has samples in
 * [start, end]; returns how many samples it wrote (some may lie outside the range). With
 * `tails`, the open chunk and the newest closed one come from decoded copies (tails.ts).
 */
export function decodeRange(
  t: SeriesTable,
  id: number,
  start: number,
  end: number,
  out: Scratch,
  tails?: OpenChunkTails,
): number {
  const chunks = chunksOf(t, id);
  let n = 0;
  for (let k = 0; k < chunks; k++) {
    chunkAt(t, id, k, place);
    const minTime = minTimeOf(place);
    if (minTime > end) break;
    if (maxTimeOf(place) < start) continue;
    out.ensure(n + chunkCount(place.buf, place.at), n);
    if (tails !== undefined && k === t.nClosed[id])
      n = tails.read(id, place.buf, place.at, minTime, start, out, n);
    else if (tails !== undefined && k === t.nClosed[id] - 1)
      n = tails.readClosed(id, place.buf, place.at, start, out, n);
    else n = decodeChunk(place.buf, place.at, out, n);
  }
  return n;
}

/** Points the encoder at series `id`'s open chunk, to append to it. */
export function loadEncoder(t: SeriesTable, id: number, enc: ChunkEncoder): void {
  const buf = t.bufs[id];
  enc.buf = buf;
  enc.start = openAt(t, id);
  enc.pos = t.bitPos[id];
  enc.count = chunkCount(buf, enc.start);
  enc.ts = t.lastTs[id];
  enc.tsDelta = t.tsDelta[id];
  enc.mant = t.mant[id];
  enc.mantDelta = t.mantDelta[id];
  enc.scale = t.scale[id];
}

/** Saves the encoder's state as series `id`'s open chunk. */
export function storeEncoder(t: SeriesTable, id: number, enc: ChunkEncoder): void {
  t.bufs[id] = enc.buf;
  t.bitPos[id] = enc.pos;
  t.lastTs[id] = enc.ts;
  t.tsDelta[id] = enc.tsDelta;
  t.mant[id] = enc.mant;
  t.mantDelta[id] = enc.mantDelta;
  t.scale[id] = enc.scale;
}

/**
 * Moves series `id`'s open chunk to the arena and puts its ref where the chunk began; the
 * rest of the buffer is cleared for the next chunk, which reuses it. Returns the chunk's size.
 */
export function closeOpen(t: SeriesTable, id: number): number {
  const buf = t.bufs[id];
  const at = openAt(t, id);
  const end = at + chunkBytes(buf, at);
  writeF64(buf, at, t.arena.add(buf, at, end));
  buf.fill(0, at + 8, end);
  t.nClosed[id]++;
  t.bitPos[id] = 8 * (at + 8);
  return end - at;
}

/** Inserts a ref before closed chunk `k` (the open chunk moves up by 8 bytes). */
export function insertRef(t: SeriesTable, id: number, k: number, ref: number): void {
  let buf = t.bufs[id];
  const used = (t.bitPos[id] + 7) >>> 3;
  if (used + 8 + 18 > buf.length) {
    const next = new Uint8Array(buf.length + 64);
    next.set(buf);
    buf = next;
    t.bufs[id] = buf;
  }
  const at = refsAt(t, id) + 8 * k;
  buf.copyWithin(at + 8, at, used);
  writeF64(buf, at, ref);
  t.nClosed[id]++;
  t.bitPos[id] += 64;
}

/**
 * Drops the series' oldest chunks while they end before `before` and were cut; returns the
 * samples dropped. A series left empty keeps its cut time as its last time, so that a sample
 * arriving later for an already flushed time is seen as late.
 */
export function dropChunks(t: SeriesTable, id: number, before: number): number {
  const n = t.nClosed[id];
  const cut = t.cutTs[id];
  let dropped = 0;
  let k = 0;
  for (; k < n; k++) {
    const ref = refAt(t, id, k);
    const page = t.arena.page(ref);
    const at = ref % PAGE_BYTES;
    const maxT = readF64(page, at + 16);
    if (maxT >= before || maxT > cut) break;
    dropped += chunkCount(page, at);
    t.arena.free(ref, chunkBytes(page, at));
  }
  const buf = t.bufs[id];
  const refs = refsAt(t, id);
  if (k > 0) {
    const used = (t.bitPos[id] + 7) >>> 3;
    buf.copyWithin(refs, refs + 8 * k, used);
    buf.fill(0, used - 8 * k, used);
    t.nClosed[id] -= k;
    t.bitPos[id] -= 64 * k;
  }
  if (k < n || !hasOpen(t, id)) return dropped;
  const maxT = readF64(buf, refs + 16);
  if (maxT >= before || maxT > cut) return dropped;
  dropped += chunkCount(buf, refs);
  // Only the label pairs stay.
  const kept = new Uint8Array(refs);
  for (let i = 0; i < refs; i++) kept[i] = buf[i];
  t.bufs[id] = kept;
  t.bitPos[id] = 8 * refs;
  t.lastTs[id] = t.cutTs[id];
  return dropped;
}
