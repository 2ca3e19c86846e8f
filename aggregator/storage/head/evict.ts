/** Dropping cut samples: by age (`dropBefore`) and, when the head is full, oldest first. */
import { PAGE_BYTES } from "./arena.ts";
import { chunkBytes } from "./chunk.ts";
import {
  type ChunkPlace,
  chunkAt,
  chunksOf,
  dropChunks,
  holdsSamples,
  maxTimeOf,
  oldestTime,
  refAt,
  setRef,
} from "./chunks.ts";
import type { SeriesTable } from "./series.ts";

const BUCKETS = 1024;
const place: ChunkPlace = { buf: new Uint8Array(0), at: 0 };

/**
 * Picks how far back a full head drops cut samples: a histogram of the bytes of droppable
 * chunks by their max time, one pass over the series, instead of sorting every chunk.
 */
export class Eviction {
  /** False after an eviction that could not get under the limit, until the next cut. */
  armed = false;
  private readonly buckets = new Float64Array(BUCKETS);

  /**
   * The time before which dropping cut chunks frees at least `excess` bytes (or everything
   * cut when that is not enough); -Infinity when nothing can be dropped.
   */
  cutoff(t: SeriesTable, excess: number): number {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let id = 0; id < t.end(); id++) {
      if (!t.alive(id) || chunksOf(t, id) === 0) continue;
      chunkAt(t, id, 0, place);
      const first = maxTimeOf(place);
      if (first > t.cutTs[id]) continue;
      if (first < lo) lo = first;
      if (t.cutTs[id] > hi) hi = t.cutTs[id];
    }
    if (lo === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
    const width = Math.max(1, (hi - lo) / BUCKETS);
    this.fill(t, lo, width);
    let freed = 0;
    for (let b = 0; b < BUCKETS - 1; b++) {
      freed += this.buckets[b];
      if (freed >= excess) return lo + (b + 1) * width;
    }
    return hi + 1;
  }

  private fill(t: SeriesTable, lo: number, width: number): void {
    const buckets = this.buckets;
    buckets.fill(0);
    for (let id = 0; id < t.end(); id++) {
      if (!t.alive(id)) continue;
      const chunks = chunksOf(t, id);
      const cut = t.cutTs[id];
      for (let k = 0; k < chunks; k++) {
        chunkAt(t, id, k, place);
        const maxT = maxTimeOf(place);
        if (maxT > cut) break;
        const b = Math.min(BUCKETS - 1, Math.floor((maxT - lo) / width));
        // An open chunk frees its whole buffer.
        buckets[b] += k < chunks - 1 ? chunkBytes(place.buf, place.at) : place.buf.length;
      }
    }
  }
}

/**
 * Drops, from every series, the cut chunks that end before `before`, then compacts sparse
 * arena pages; returns the samples dropped and the time of the oldest sample left.
 */
export function dropBefore(t: SeriesTable, before: number): { dropped: number; oldest: number } {
  let dropped = 0;
  let oldest = Number.POSITIVE_INFINITY;
  for (let id = 0; id < t.end(); id++) {
    if (!t.alive(id) || !holdsSamples(t, id)) continue;
    const len = t.bufs[id].length;
    dropped += dropChunks(t, id, before);
    t.bufBytes += t.bufs[id].length - len;
    oldest = Math.min(oldest, oldestTime(t, id));
  }
  if (t.arena.hasSparse()) compact(t);
  return { dropped, oldest };
}

/** Moves the chunks of sparse arena pages into the current page, so those pages go. */
function compact(t: SeriesTable): void {
  for (let id = 0; id < t.end(); id++) {
    for (let k = 0; k < t.nClosed[id]; k++) {
      const ref = refAt(t, id, k);
      if (!t.arena.sparse(ref)) continue;
      setRef(t, id, k, t.arena.move(ref, chunkBytes(t.arena.page(ref), ref % PAGE_BYTES)));
    }
  }
}
