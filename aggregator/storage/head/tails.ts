/**
 * Decoded copies of the open chunks that queries read again and again. A rule reads the same
 * series every interval, and a series' open chunk (up to CHUNK_SAMPLES samples) has grown by a
 * sample or two since: decoding only what was appended, from where the last decode stopped,
 * replaces decoding the whole chunk at every read.
 *
 * A copy is valid while its chunk is the one it was decoded from with samples only appended:
 * every other change to an open chunk (an out-of-order insert, a new chunk, the series
 * dropped and its id reused) gives the series a new buffer or moves the chunk, so the buffer,
 * the chunk's offset and its first time are checked. A series gets a copy on its second read
 * (a one-off query over many series does not fill the cache), while the copies hold less than
 * their budget: past it, other series are decoded whole (clearing instead would make every copy
 * anew at each round of reads once the series read repeatedly outgrow the budget). Copies go
 * with their series (`forget`).
 */
import {
  chunkBytes,
  chunkCount,
  DecodeState,
  decodeChunk,
  decodeMore,
  type SampleColumns,
} from "./chunk.ts";

/** Samples (16 bytes each) the copies may hold in all: 1 Mi is 16 MiB. */
export const TAIL_SAMPLES_MAX = 1 << 20;

/** Series remembered as read once; past it they are forgotten (and read once again). */
const SEEN_MAX = 1 << 20;

/**
 * One open chunk, decoded from its sample `base` on: the samples before the earliest time read
 * since the copy last needed room are dropped then, rather than the copy grown (a rule reads
 * the last minutes of a chunk that holds half an hour).
 */
class Tail implements SampleColumns {
  timestamps: Float64Array;
  values: Float64Array;
  words: Uint32Array;
  readonly state = new DecodeState();
  /** The chunk's index of the copy's first sample. */
  base = 0;
  /** The earliest time read since the copy last needed room. */
  low = Number.POSITIVE_INFINITY;

  constructor(
    readonly buf: Uint8Array,
    readonly at: number,
    readonly minTime: number,
    capacity: number,
  ) {
    this.timestamps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.words = new Uint32Array(this.values.buffer);
    this.state.begin(buf, at);
  }

  /** Samples the copy holds: the chunk's from `base` to the last decoded. */
  get size(): number {
    return this.state.i - this.base;
  }

  /**
   * Makes room for the chunk's samples up to `count`: when there is none, drops (with `trim`)
   * those older than every read since room was last made, then grows as needed, or gives room
   * back when the copy holds less than half of it (a copy made again late in its chunk, when
   * the series' buffer moved, starts as large as the chunk); returns the samples of room added.
   * `start`, the read making room, is the first of the reads counted from then on.
   */
  makeRoom(count: number, trim: boolean, start: number): number {
    const cap = this.timestamps.length;
    if (count - this.base <= cap) return 0;
    if (trim) {
      const size = this.size;
      let drop = 0;
      while (drop < size && this.timestamps[drop] < this.low) drop++;
      if (drop > 0) {
        this.timestamps.copyWithin(0, drop, size);
        this.words.copyWithin(0, 2 * drop, 2 * size);
        this.base += drop;
      }
    }
    this.low = start;
    const need = count - this.base;
    if (need > cap) return this.resize(Math.max(need, cap + (cap >> 1)));
    return need + SPARE_ROOM < cap >> 1 ? this.resize(need + SPARE_ROOM) : 0;
  }

  /** Moves the samples held into arrays of `next` samples; returns the room added. */
  private resize(next: number): number {
    const cap = this.timestamps.length;
    const size = this.size;
    const ts = new Float64Array(next);
    ts.set(this.timestamps.subarray(0, size));
    const values = new Float64Array(next);
    values.set(this.values.subarray(0, size));
    this.timestamps = ts;
    this.values = values;
    this.words = new Uint32Array(values.buffer);
    return next - cap;
  }
}

/** Room a copy is made with, and given back down to, beyond the samples it holds. */
const SPARE_ROOM = 16;

/**
 * The newest samples of a series' last closed chunk, from the earliest time a read wanted:
 * a 5 m window reaches back into the chunk before the open one for 5 minutes after each
 * cut, and rules move forward. Checked against a copy of the chunk's bytes: a closed chunk
 * is rewritten, or its place reused, only through a new chunk.
 */
class Suffix {
  constructor(
    readonly bytes: Uint8Array,
    readonly timestamps: Float64Array,
    readonly words: Uint32Array,
  ) {}

  /** True when the chunk at byte `at` of `buf` is the one this was decoded from. */
  matches(buf: Uint8Array, at: number): boolean {
    const bytes = this.bytes;
    if (chunkBytes(buf, at) !== bytes.length) return false;
    for (let i = 0; i < bytes.length; i++) if (buf[at + i] !== bytes[i]) return false;
    return true;
  }
}

/** The decoded open chunks of one head's series, by series id. */
export class OpenChunkTails {
  private readonly tails = new Map<number, Tail>();
  private readonly suffixes = new Map<number, Suffix>();
  /** Series read once since the last clear: the next read gives them a copy. */
  private readonly seen = new Set<number>();
  private held = 0;

  /**
   * `trim`: a copy drops the samples older than every read since it last needed room (false:
   * it holds its whole chunk, the reference).
   */
  constructor(
    private readonly maxSamples = TAIL_SAMPLES_MAX,
    private readonly trim = true,
  ) {}

  /**
   * Copies the samples of series `id`'s open chunk (at byte `at` of `buf`, first time
   * `minTime`) at or after `start` into `out` from index `o` (room is the caller's: at most
   * the chunk's count); returns the index after the last. Decodes only what its copy lacks.
   */
  read(
    id: number,
    buf: Uint8Array,
    at: number,
    minTime: number,
    start: number,
    out: SampleColumns,
    o: number,
  ): number {
    const tail = this.tailOf(id, buf, at, minTime);
    if (tail === undefined) return decodeChunk(buf, at, out, o);
    const count = chunkCount(buf, at);
    // This read's start counts among those the copy must keep.
    if (start < tail.low) tail.low = start;
    if (tail.state.i < count) {
      this.held += tail.makeRoom(count, this.trim, start);
      decodeMore(buf, at, tail.state, tail, tail.size);
    }
    // A read reaching before what the copy kept gets the whole chunk, decoded.
    if (tail.base > 0 && tail.size > 0 && start < tail.timestamps[0])
      return decodeChunk(buf, at, out, o);
    return copyFrom(tail, tail.size, start, out, o);
  }

  /**
   * Copies the samples at or after `start` of series `id`'s last closed chunk (at byte `at`
   * of `buf`) into `out` from index `o` (room for the whole chunk is the caller's); returns
   * the index after the last. Decodes the chunk only when its copy lacks what is asked for.
   */
  readClosed(
    id: number,
    buf: Uint8Array,
    at: number,
    start: number,
    out: SampleColumns,
    o: number,
  ) {
    const suffix = this.suffixes.get(id);
    if (suffix !== undefined && suffix.matches(buf, at) && suffix.timestamps[0] <= start)
      return copyFrom(suffix, suffix.timestamps.length, start, out, o);
    const end = decodeChunk(buf, at, out, o);
    if (suffix === undefined && !this.tails.has(id) && !this.admit(id)) return end;
    if (suffix === undefined && this.held > this.maxSamples) return end;
    if (suffix !== undefined) this.held -= suffix.timestamps.length;
    let from = o;
    while (from < end && out.timestamps[from] < start) from++;
    const copy = new Suffix(
      buf.slice(at, at + chunkBytes(buf, at)),
      out.timestamps.slice(from, end),
      new Uint32Array(out.words.slice(2 * from, 2 * end).buffer),
    );
    this.suffixes.set(id, copy);
    this.held += copy.timestamps.length;
    return end;
  }

  /** Samples held, for tests and stats. */
  samples(): number {
    return this.held;
  }

  /** Drops the copies of series `ids` (they left the head). */
  forget(ids: readonly number[]): void {
    for (const id of ids) {
      const tail = this.tails.get(id);
      if (tail !== undefined) this.held -= tail.timestamps.length;
      const suffix = this.suffixes.get(id);
      if (suffix !== undefined) this.held -= suffix.timestamps.length;
      this.tails.delete(id);
      this.suffixes.delete(id);
      this.seen.delete(id);
    }
  }

  /** Drops every copy. */
  clear(): void {
    this.tails.clear();
    this.suffixes.clear();
    this.seen.clear();
    this.held = 0;
  }

  /** True on a series' second read since the last clear: it gets copies from then on. */
  private admit(id: number): boolean {
    if (this.seen.has(id)) return true;
    if (this.seen.size >= SEEN_MAX) this.seen.clear();
    this.seen.add(id);
    return false;
  }

  /** Series `id`'s valid copy, a new one on its second read, or undefined. */
  private tailOf(id: number, buf: Uint8Array, at: number, minTime: number): Tail | undefined {
    const tail = this.tails.get(id);
    if (tail !== undefined) {
      const count = chunkCount(buf, at);
      if (tail.buf === buf && tail.at === at && tail.minTime === minTime && tail.state.i <= count)
        return tail;
      this.held -= tail.timestamps.length;
      this.tails.delete(id);
    } else if (!this.admit(id) || this.held > this.maxSamples) return undefined;
    const fresh = new Tail(buf, at, minTime, chunkCount(buf, at) + SPARE_ROOM);
    this.held += fresh.timestamps.length;
    this.tails.set(id, fresh);
    return fresh;
  }
}

/**
 * Copies the samples of `src` (the first `n`) at or after `start` into `out` from `o`; returns
 * the index after the last. A loop, not set(subarray()): a read copies a few dozen samples,
 * and the words keep the staleness markers' NaN bits.
 */
function copyFrom(
  src: { timestamps: Float64Array; words: Uint32Array },
  n: number,
  start: number,
  out: SampleColumns,
  o: number,
): number {
  const ts = src.timestamps;
  let from = 0;
  let hi = n;
  while (from < hi) {
    const mid = (from + hi) >>> 1;
    if (ts[mid] < start) from = mid + 1;
    else hi = mid;
  }
  const { timestamps, words } = out;
  const srcWords = src.words;
  for (let i = from; i < n; i++, o++) {
    timestamps[o] = ts[i];
    words[2 * o] = srcWords[2 * i];
    words[2 * o + 1] = srcWords[2 * i + 1];
  }
  return o;
}
