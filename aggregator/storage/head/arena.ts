/**
 * Closed chunks, packed into shared 64 KiB pages. Keeping each series' history in its own
 * growing buffer fragments the JS heap (measured: RSS ~1.7× the live bytes); pages fill in the
 * order chunks close, which is roughly time order, so truncating by time empties whole pages,
 * and the few pages left sparse are compacted. A chunk is named by a ref: page · 2^16 + offset.
 */

/** Bytes per page; a chunk never exceeds it (chunks are split long before). */
export const PAGE_BYTES = 1 << 16;
/** A page still holding less than this share of live bytes is compacted. */
const SPARSE = 0.25;

/** Pages of closed chunks. */
export class ChunkArena {
  private readonly pages: (Uint8Array | null)[] = [];
  private live: Int32Array = new Int32Array(16);
  private readonly freePages: number[] = [];
  private current = -1;
  private fill = PAGE_BYTES;
  /** Pages held: what the arena costs. */
  pageCount = 0;

  /** Copies `src[from, to)` into a page; returns its ref. */
  add(src: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (this.fill + n > PAGE_BYTES) this.openPage();
    const at = this.fill;
    const page = this.pages[this.current]!;
    // A byte loop, not set(subarray()): a view on a small typed array makes JavaScriptCore
    // move that array's bytes to a separately allocated buffer for the rest of its life.
    for (let i = 0; i < n; i++) page[at + i] = src[from + i];
    this.fill += n;
    this.live[this.current] += n;
    return this.current * PAGE_BYTES + at;
  }

  /** The page a ref points into. */
  page(ref: number): Uint8Array {
    return this.pages[Math.floor(ref / PAGE_BYTES)]!;
  }

  /** Releases `bytes` at `ref`; a page left empty is dropped. */
  free(ref: number, bytes: number): void {
    const p = Math.floor(ref / PAGE_BYTES);
    this.live[p] -= bytes;
    if (this.live[p] > 0 || p === this.current) return;
    this.pages[p] = null;
    this.freePages.push(p);
    this.pageCount--;
  }

  /** True when the chunk at `ref` sits in a sparse page that compaction should empty. */
  sparse(ref: number): boolean {
    const p = Math.floor(ref / PAGE_BYTES);
    return p !== this.current && this.live[p] < SPARSE * PAGE_BYTES;
  }

  /** True when some page is sparse (compaction has work). */
  hasSparse(): boolean {
    for (let p = 0; p < this.pages.length; p++) {
      if (this.pages[p] !== null && p !== this.current && this.live[p] < SPARSE * PAGE_BYTES) {
        return true;
      }
    }
    return false;
  }

  /** Moves a chunk out of its page into the current one; returns its new ref. */
  move(ref: number, bytes: number): number {
    const at = ref % PAGE_BYTES;
    const moved = this.add(this.page(ref), at, at + bytes);
    this.free(ref, bytes);
    return moved;
  }

  private openPage(): void {
    if (this.current >= 0 && this.live[this.current] === 0) {
      this.pages[this.current] = null;
      this.freePages.push(this.current);
      this.pageCount--;
    }
    const p = this.freePages.length > 0 ? this.freePages.pop()! : this.pages.length;
    if (p >= this.live.length) {
      const grown = new Int32Array(2 * this.live.length);
      grown.set(this.live);
      this.live = grown;
    }
    this.pages[p] = new Uint8Array(PAGE_BYTES);
    this.live[p] = 0;
    this.pageCount++;
    this.current = p;
    this.fill = 0;
  }
}
