/**
 * A hash table keyed by byte strings that are looked up in place, without copying the bytes
 * out of the scraped body: the caller supplies a 32-bit hash of `b[start, end)`, and a hit is
 * confirmed by comparing the stored bytes, so hash collisions cost time, never correctness.
 */

/** One stored key; records that share a hash slot form a chain. */
class KeyRecord<V> {
  constructor(
    /**
     * Where the key's bytes start in the table's arena, packed little-endian into 32-bit
     * words, the last one zero-padded. One shared arena instead of a typed array per key
     * saves about 150 bytes per series (the typed-array object and its buffer).
     */
    public offset: number,
    /** Key length in bytes. */
    readonly length: number,
    readonly value: V,
    /** Extra condition for a hit: a lookup names the tags it accepts. */
    readonly tag: number,
    public seenGen: number,
    public next: KeyRecord<V> | undefined,
  ) {}
}

/** Byte-keyed table with generations: keys not looked up in a generation can be swept. */
export class ByteKeyTable<V> {
  private readonly slots = new Map<number, KeyRecord<V>>();
  private arena = new Int32Array(1024);
  /** Words of the arena in use, and how many of those belong to forgotten keys. */
  private used = 0;
  private dead = 0;
  private count = 0;
  /** Keys marked seen in the current generation; when it equals count, sweep has nothing to do. */
  private marked = 0;

  /** `mask` keeps only the low bits of each hash; tests shrink it to force collisions. */
  constructor(private readonly mask: number = -1) {}

  /** Number of keys held. */
  get size(): number {
    return this.count;
  }

  /**
   * Returns the value stored for `b[start, end)` under tag `tag` or `altTag`, marking the key
   * seen in `gen`. `dv` views `b`, for comparing four bytes at a time.
   */
  get(
    b: Uint8Array,
    dv: DataView,
    start: number,
    end: number,
    hash: number,
    tag: number,
    altTag: number,
    gen: number,
  ) {
    const len = end - start;
    const whole = len >> 2;
    for (let r = this.slots.get(hash & this.mask); r !== undefined; r = r.next) {
      if (r.length !== len || (r.tag !== tag && r.tag !== altTag)) continue;
      const arena = this.arena;
      const off = r.offset;
      let w = 0;
      while (w < whole && arena[off + w] === dv.getInt32(start + 4 * w, true)) w++;
      if (w < whole) continue;
      let i = whole * 4;
      const tail = arena[off + whole];
      while (i < len && ((tail >>> ((i & 3) * 8)) & 0xff) === b[start + i]) i++;
      if (i === len) {
        if (r.seenGen !== gen) {
          r.seenGen = gen;
          this.marked++;
        }
        return r.value;
      }
    }
    return undefined;
  }

  /** Stores a copy of `b[start, end)` as a key for `value`, seen in `gen`. */
  set(b: Uint8Array, start: number, end: number, hash: number, tag: number, gen: number, value: V) {
    const slot = hash & this.mask;
    const len = end - start;
    // One spare word so the tail word exists even for lengths that are a multiple of 4.
    const n = wordsFor(len);
    if (this.used + n > this.arena.length) this.grow(n);
    const off = this.used;
    const arena = this.arena;
    arena.fill(0, off, off + n);
    for (let i = 0; i < len; i++) arena[off + (i >> 2)] |= b[start + i] << ((i & 3) * 8);
    this.used += n;
    this.slots.set(slot, new KeyRecord(off, len, value, tag, gen, this.slots.get(slot)));
    this.count++;
    this.marked++;
  }

  /** Starts counting the keys seen in a new generation. */
  beginGeneration(): void {
    this.marked = 0;
  }

  /** Forgets every key not seen in generation `gen`; returns whether any was forgotten. */
  sweep(gen: number): boolean {
    if (this.marked === this.count) return false;
    for (const [slot, head] of this.slots) {
      let first: KeyRecord<V> | undefined = head;
      while (first !== undefined && first.seenGen !== gen) {
        this.dead += wordsFor(first.length);
        first = first.next;
        this.count--;
      }
      if (first === undefined) {
        this.slots.delete(slot);
        continue;
      }
      if (first !== head) this.slots.set(slot, first);
      let prev = first;
      for (let r = first.next; r !== undefined; r = r.next) {
        if (r.seenGen === gen) prev = r;
        else {
          prev.next = r.next;
          this.dead += wordsFor(r.length);
          this.count--;
        }
      }
    }
    this.marked = this.count;
    if (this.dead > this.used / 2) this.compact();
    return true;
  }

  private grow(need: number): void {
    let cap = this.arena.length * 2;
    while (cap < this.used + need) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.arena.subarray(0, this.used));
    this.arena = next;
  }

  /** Copies the live keys into a fresh arena once forgotten ones fill half of it. */
  private compact(): void {
    const next = new Int32Array(Math.max(1024, this.used - this.dead + 1024));
    let used = 0;
    for (const head of this.slots.values()) {
      for (let r: KeyRecord<V> | undefined = head; r !== undefined; r = r.next) {
        const n = wordsFor(r.length);
        next.set(this.arena.subarray(r.offset, r.offset + n), used);
        r.offset = used;
        used += n;
      }
    }
    this.arena = next;
    this.used = used;
    this.dead = 0;
  }
}

function wordsFor(length: number): number {
  return (length >> 2) + 1;
}
