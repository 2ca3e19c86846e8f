/**
 * Label sets already read from Parquet, by a 128-bit hash of their stored text that DuckDB
 * computes in the listing query. A month of hourly files holds the same series in each of its
 * 720 files; turning each file's `labels` texts into JS strings and parsing their JSON cost
 * ~20 µs a series, most of a cold read of 5-minute data (10,000 series: 180 of 320 ms an hour).
 * With the hashes known, a listing hands JS two numbers a series, and only series it has not
 * seen have their texts read.
 *
 * The hash covers the metric and the `labels` text (`internKeySql`); two hashes with different
 * seeds make 128 bits, so that two label sets meeting on both is not a risk worth a check (the
 * birthday bound at a billion series is 1.5e-21).
 */
import { type Labels, seriesHash } from "../../../shared/model/labels.ts";

/** A known label set and its `seriesHash`. */
export interface Interned {
  readonly labels: Labels;
  readonly hash: bigint;
}

interface Entry extends Interned {
  /** The words of the 128-bit key not in the map's key. */
  readonly aHi: number;
  readonly bLo: number;
  readonly bHi: number;
}

/**
 * The two UBIGINT hashes of a series' metric and stored labels, as SQL over a listing whose
 * `labels` column is the stored JSON and `metric` the given expression (a column or a literal).
 */
export function internKeySql(metric: string): [string, string] {
  return [`hash(${metric}, labels)`, `hash(${metric}, labels, 'outpost-intern')`];
}

/**
 * Label sets by 128-bit key, at most `capacity` of them: when full, it starts again empty (a
 * read then lists its series' texts once more). An entry holds a Labels array the query cache
 * mostly shares; 262,144 of them take ~30 MB at most.
 */
export class SeriesIntern {
  /** Keyed by the first hash's low 53 bits; the other 75 are checked. */
  private readonly entries = new Map<number, Entry>();

  constructor(readonly capacity = 262_144) {}

  get size(): number {
    return this.entries.size;
  }

  /** The label set with the key of words `(aLo, aHi)` and `(bLo, bHi)`, if known. */
  get(aLo: number, aHi: number, bLo: number, bHi: number): Interned | undefined {
    const e = this.entries.get(keyOf(aLo, aHi));
    return e !== undefined && e.aHi === aHi && e.bLo === bLo && e.bHi === bHi ? e : undefined;
  }

  /** Remembers `labels` under the key; a key whose 53 bits meet another's replaces it. */
  add(aLo: number, aHi: number, bLo: number, bHi: number, labels: Labels): Interned {
    if (this.entries.size >= this.capacity) this.entries.clear();
    const e = { labels, hash: seriesHash(labels), aHi, bLo, bHi };
    this.entries.set(keyOf(aLo, aHi), e);
    return e;
  }

  clear(): void {
    this.entries.clear();
  }
}

function keyOf(lo: number, hi: number): number {
  return (hi & 0x1fffff) * 0x1_0000_0000 + lo;
}
