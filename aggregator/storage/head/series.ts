/**
 * The head's series, one slot (id) each, stored column-wise in typed arrays: measured in Bun,
 * a 12-string label array costs ~230 bytes of RSS and a Map entry ~125, a large part of a
 * budget of ~1 KB a series. So a series keeps no JS objects of its own but its buffer
 * (chunks.ts), which starts with its label pairs as numbers into the index (postings.ts), and
 * series are found through an open-addressing table of ids keyed by the series hash.
 *
 * Finding a batch's series is the per-sample cost when every series has one sample per batch,
 * so `lookup` first tries a guess: batches from one agent list their series in the same order
 * every time, so the series that followed the previous one last time usually follows it again,
 * and checking a guess is a comparison of label strings. A wrong guess falls back to the hash
 * (xxHash64, the stable series id); every hit is checked label by label.
 */
import { type Labels, seriesHash } from "../../../shared/model/labels.ts";
import { ChunkArena } from "./arena.ts";
import { readU32, writeU32 } from "./bits.ts";
import { Postings } from "./postings.ts";

const EMPTY = 0;
const DELETED = -1;
/** Bytes of the typed-array columns per slot, and of the hash table per slot (at ≤ 1/2 load). */
const COLUMN_BYTES = 8 * 5 + 4 * 8 + 1 + 1 + 8 + 8;
/** JS cost of a live series beyond its columns: the buffer object and its array slot. */
const SLOT_OVERHEAD = 80;

/** Column storage of the head's series; encoder state lives here between appends. */
export class SeriesTable {
  capacity = 0;
  /** Live series. */
  live = 0;
  /** Bytes of the series buffers (kept current by whoever replaces one). */
  bufBytes = 0;
  readonly postings = new Postings();
  readonly arena = new ChunkArena();
  /** Each series' buffer: label pair numbers, refs of closed chunks, open chunk (chunks.ts). */
  bufs: Uint8Array[] = [];
  /** Label pairs of each series (u32 numbers at the start of its buffer). */
  nPairs: Int32Array = new Int32Array(0);
  /** Closed chunks of each series (their bytes live in `arena`). */
  nClosed: Int32Array = new Int32Array(0);
  /** Bit offset in `bufs[id]` just past the last sample (or the refs, when no chunk is open). */
  bitPos: Int32Array = new Int32Array(0);
  /** Time of the newest sample held (or of the newest flushed one after all were dropped). */
  lastTs: Float64Array = new Float64Array(0);
  /** Samples at or before this time were handed out by `cut()`. */
  cutTs: Float64Array = new Float64Array(0);
  tsDelta: Float64Array = new Float64Array(0);
  mant: Float64Array = new Float64Array(0);
  mantDelta: Float64Array = new Float64Array(0);
  lastLo: Uint32Array = new Uint32Array(0);
  lastHi: Uint32Array = new Uint32Array(0);
  /** The series that followed this one in the last batch that had both (-1: none). */
  successor: Int32Array = new Int32Array(0);
  /** Low 32 bits of the series hash, the hash table's key. */
  hashLo: Uint32Array = new Uint32Array(0);
  scale: Uint8Array = new Uint8Array(0);
  /** 1 while the slot holds a series. */
  used: Uint8Array = new Uint8Array(0);
  hashes: BigUint64Array = new BigUint64Array(0);
  /** Open addressing: id + 1, EMPTY or DELETED; linear probing. */
  private slots = new Int32Array(2048);
  private deleted = 0;
  private readonly free: number[] = [];
  private next = 0;
  private hash = 0n;

  /**
   * The id of a label set, or -1 when the head has no such series. `prev` is the id of the
   * series before it in the same batch (-1 for the first); it drives the guess.
   */
  lookup(labels: Labels, prev: number): number {
    if (prev >= 0) {
      const guess = this.successor[prev];
      if (guess >= 0 && this.used[guess] === 1 && this.sameLabels(guess, labels)) return guess;
    }
    this.hash = seriesHash(labels);
    const lo = Number(this.hash & 0xffffffffn);
    const mask = this.slots.length - 1;
    for (let i = lo & mask; this.slots[i] !== EMPTY; i = (i + 1) & mask) {
      const id = this.slots[i] - 1;
      if (id >= 0 && this.hashLo[id] === lo && this.sameLabels(id, labels)) {
        if (prev >= 0) this.successor[prev] = id;
        return id;
      }
    }
    return -1;
  }

  /** Adds the series `lookup` just failed to find (it reuses that call's hash); returns its id. */
  create(labels: Labels, prev: number): number {
    const id = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (id >= this.capacity) this.grow(Math.max(1024, Math.ceil(this.capacity * 1.5)));
    const pairs = this.postings.add(id, labels);
    const buf = new Uint8Array(4 * pairs.length);
    for (let i = 0; i < pairs.length; i++) writeU32(buf, 4 * i, pairs[i]);
    this.bufs[id] = buf;
    this.bufBytes += buf.length;
    this.nPairs[id] = pairs.length;
    this.nClosed[id] = 0;
    this.bitPos[id] = 8 * buf.length;
    this.lastTs[id] = Number.NEGATIVE_INFINITY;
    this.cutTs[id] = Number.NEGATIVE_INFINITY;
    this.successor[id] = -1;
    this.used[id] = 1;
    this.hashes[id] = this.hash;
    this.hashLo[id] = Number(this.hash & 0xffffffffn);
    this.insertSlot(id);
    this.live++;
    if (prev >= 0) this.successor[prev] = id;
    return id;
  }

  /** Drops series `ids` from the index and frees their slots for reuse. */
  remove(ids: readonly number[]): void {
    this.postings.remove(ids, (id) => this.pairsOf(id));
    const mask = this.slots.length - 1;
    for (const id of ids) {
      let i = this.hashLo[id] & mask;
      while (this.slots[i] !== id + 1) i = (i + 1) & mask;
      this.slots[i] = DELETED;
      this.deleted++;
      this.bufBytes -= this.bufs[id].length;
      this.bufs[id] = new Uint8Array(0);
      this.used[id] = 0;
      this.free.push(id);
      this.live--;
    }
  }

  /** The labels of series `id`, rebuilt from the index's strings. */
  labelsOf(id: number): Labels {
    const buf = this.bufs[id];
    const n = this.nPairs[id];
    const labels: string[] = new Array(2 * n);
    for (let i = 0; i < n; i++) {
      const p = this.postings.pairs[readU32(buf, 4 * i)]!;
      labels[2 * i] = p.name;
      labels[2 * i + 1] = p.value;
    }
    return labels;
  }

  /** True when slot `id` holds a series. */
  alive(id: number): boolean {
    return this.used[id] === 1;
  }

  /** One past the highest id ever used: iterate `0 … end()-1` and test `alive`. */
  end(): number {
    return this.next;
  }

  /** Estimated bytes of everything but the sample data. */
  overheadBytes(): number {
    return this.capacity * COLUMN_BYTES + this.live * SLOT_OVERHEAD + this.postings.bytes;
  }

  private sameLabels(id: number, labels: Labels): boolean {
    const n = this.nPairs[id];
    if (2 * n !== labels.length) return false;
    const buf = this.bufs[id];
    for (let i = 0; i < n; i++) {
      const p = this.postings.pairs[readU32(buf, 4 * i)]!;
      if (p.value !== labels[2 * i + 1] || p.name !== labels[2 * i]) return false;
    }
    return true;
  }

  private pairsOf(id: number): number[] {
    return Array.from({ length: this.nPairs[id] }, (_, i) => readU32(this.bufs[id], 4 * i));
  }

  private insertSlot(id: number): void {
    if (2 * (this.live + this.deleted + 1) > this.slots.length) this.rehash();
    const mask = this.slots.length - 1;
    let i = this.hashLo[id] & mask;
    while (this.slots[i] > 0) i = (i + 1) & mask;
    if (this.slots[i] === DELETED) this.deleted--;
    this.slots[i] = id + 1;
  }

  /** Rebuilds the table, dropping deleted marks; doubles it when live series need room. */
  private rehash(): void {
    const size =
      4 * (this.live + 1) > this.slots.length ? 2 * this.slots.length : this.slots.length;
    this.slots = new Int32Array(size);
    this.deleted = 0;
    const mask = size - 1;
    for (let id = 0; id < this.next; id++) {
      if (this.used[id] !== 1) continue;
      let i = this.hashLo[id] & mask;
      while (this.slots[i] !== EMPTY) i = (i + 1) & mask;
      this.slots[i] = id + 1;
    }
  }

  private grow(capacity: number): void {
    const f64 = (a: Float64Array) => copyInto(new Float64Array(capacity), a);
    const u32 = (a: Uint32Array) => copyInto(new Uint32Array(capacity), a);
    const i32 = (a: Int32Array) => copyInto(new Int32Array(capacity), a);
    const u8 = (a: Uint8Array) => copyInto(new Uint8Array(capacity), a);
    this.nPairs = i32(this.nPairs);
    this.nClosed = i32(this.nClosed);
    this.bitPos = i32(this.bitPos);
    this.lastTs = f64(this.lastTs);
    this.cutTs = f64(this.cutTs);
    this.tsDelta = f64(this.tsDelta);
    this.mant = f64(this.mant);
    this.mantDelta = f64(this.mantDelta);
    this.lastLo = u32(this.lastLo);
    this.lastHi = u32(this.lastHi);
    this.successor = i32(this.successor);
    this.hashLo = u32(this.hashLo);
    this.scale = u8(this.scale);
    this.used = u8(this.used);
    this.hashes = copyInto(new BigUint64Array(capacity), this.hashes);
    this.capacity = capacity;
  }
}

function copyInto<T extends { set(a: T): void }>(into: T, from: T): T {
  into.set(from);
  return into;
}
