/**
 * Out-of-order samples: a sample not newer than its series' last one goes into the chunk that
 * covers its time, which is decoded, merged (a duplicate time replaces the value) and encoded
 * again. Rare in practice (late agents, redeliveries), so written for clarity, not speed.
 */
import { PAGE_BYTES } from "./arena.ts";
import { CHUNK_SAMPLES, type ChunkEncoder, chunkBytes, chunkCount, decodeChunk } from "./chunk.ts";
import {
  type ChunkPlace,
  chunkAt,
  chunksOf,
  insertRef,
  maxTimeOf,
  openAt,
  refAt,
  type Scratch,
  setRef,
  storeEncoder,
} from "./chunks.ts";
import type { SeriesTable } from "./series.ts";

/** What `insertSample` did: nothing (same sample again), replaced a value, or added a sample. */
export type Inserted = "nothing" | "replaced" | "added";

const place: ChunkPlace = { buf: new Uint8Array(0), at: 0 };

/** Puts a sample no newer than series `id`'s last one (which must hold samples) in place. */
export function insertSample(
  t: SeriesTable,
  id: number,
  ts: number,
  lo: number,
  hi: number,
  enc: ChunkEncoder,
  s: Scratch,
): Inserted {
  const chunks = chunksOf(t, id);
  let k = 0;
  for (; k < chunks - 1; k++) {
    chunkAt(t, id, k, place);
    if (maxTimeOf(place) >= ts) break;
  }
  chunkAt(t, id, k, place);
  const count = chunkCount(place.buf, place.at);
  s.ensure(count + 1);
  decodeChunk(place.buf, place.at, s, 0);
  let i = 0;
  while (i < count && s.timestamps[i] < ts) i++;
  let result: Inserted = "replaced";
  if (i < count && s.timestamps[i] === ts) {
    if (s.words[2 * i] === lo && s.words[2 * i + 1] === hi) return "nothing";
  } else {
    s.timestamps.copyWithin(i + 1, i, count);
    s.words.copyWithin(2 * i + 2, 2 * i, 2 * count);
    s.timestamps[i] = ts;
    result = "added";
  }
  s.words[2 * i] = lo;
  s.words[2 * i + 1] = hi;
  const n = result === "added" ? count + 1 : count;
  if (k === t.nClosed[id]) reencodeOpen(t, id, n, enc, s);
  else reencodeClosed(t, id, k, n, enc, s);
  return result;
}

/** Encodes samples `from … to-1` of `s` as one chunk into a fresh buffer. */
function encode(enc: ChunkEncoder, s: Scratch, from: number, to: number, size: number): void {
  enc.begin(new Uint8Array(size), 0, s.timestamps[from]);
  for (let k = from; k < to; k++) {
    enc.append(s.timestamps[k], s.values[k], s.words[2 * k], s.words[2 * k + 1]);
  }
}

/** A chunk grown past twice the usual size by inserts is split, so chunks stay page-sized. */
function splitPoint(n: number): number {
  return n > 2 * CHUNK_SAMPLES ? n >> 1 : 0;
}

function reencodeOpen(t: SeriesTable, id: number, n: number, enc: ChunkEncoder, s: Scratch): void {
  const from = splitPoint(n);
  if (from > 0) {
    encode(enc, s, 0, from, 64);
    insertRef(t, id, t.nClosed[id], t.arena.add(enc.buf, 0, enc.end()));
  }
  const at = openAt(t, id);
  const old = t.bufs[id];
  const next = new Uint8Array(old.length);
  next.set(old.subarray(0, at));
  enc.begin(next, at, s.timestamps[from]);
  for (let k = from; k < n; k++) {
    enc.append(s.timestamps[k], s.values[k], s.words[2 * k], s.words[2 * k + 1]);
  }
  storeEncoder(t, id, enc);
}

function reencodeClosed(
  t: SeriesTable,
  id: number,
  k: number,
  n: number,
  enc: ChunkEncoder,
  s: Scratch,
): void {
  const ref = refAt(t, id, k);
  t.arena.free(ref, chunkBytes(t.arena.page(ref), ref % PAGE_BYTES));
  const half = splitPoint(n);
  if (half > 0) {
    encode(enc, s, 0, half, 64);
    insertRef(t, id, k++, t.arena.add(enc.buf, 0, enc.end()));
  }
  encode(enc, s, half, n, 64);
  setRef(t, id, k, t.arena.add(enc.buf, 0, enc.end()));
}
