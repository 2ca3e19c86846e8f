/**
 * A set of JetStream stream sequences kept as sorted, disjoint inclusive ranges. Flushes cover
 * long runs of consecutive sequences, so the set stays small even after millions of batches.
 */
export class SeqSet {
  private starts: number[] = [];
  private ends: number[] = [];

  /** Number of ranges held. */
  get ranges(): number {
    return this.starts.length;
  }

  /** Adds the inclusive range [first, last]. */
  add(first: number, last: number): void {
    const { starts, ends } = this;
    // First range that could touch or follow [first, last].
    let i = this.upperBound(first - 1) - 1;
    if (i < 0 || ends[i] < first - 1) i++;
    let j = i;
    let lo = first;
    let hi = last;
    while (j < starts.length && starts[j] <= last + 1) {
      lo = Math.min(lo, starts[j]);
      hi = Math.max(hi, ends[j]);
      j++;
    }
    starts.splice(i, j - i, lo);
    ends.splice(i, j - i, hi);
  }

  /** Adds every range of `ranges`. */
  addAll(ranges: readonly (readonly [number, number])[]): void {
    for (const [a, b] of ranges) this.add(a, b);
  }

  /** True when `seq` is in the set. */
  has(seq: number): boolean {
    const i = this.upperBound(seq) - 1;
    return i >= 0 && this.ends[i] >= seq;
  }

  /** The ranges, sorted. */
  toRanges(): [number, number][] {
    return this.starts.map((s, i) => [s, this.ends[i]]);
  }

  /** Index of the first range starting after `seq`. */
  private upperBound(seq: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Compresses a list of sequences into sorted inclusive ranges. */
export function toRanges(seqs: Iterable<number>): [number, number][] {
  const set = new SeqSet();
  for (const s of seqs) set.add(s, s);
  return set.toRanges();
}
