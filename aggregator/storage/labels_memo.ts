/**
 * The distinct series of committed files, by (file, metric), kept between label lookups. A
 * committed file never changes, so what it holds is read once: `/api/v1/label/<name>/values` and
 * `/api/v1/labels` over a day otherwise read ~24 files through DuckDB at ~0.8 ms each (~20 ms a
 * lookup), and a dashboard asks one lookup per variable, one after another, on every load.
 *
 * Only files whose span lies inside a lookup's range are answered from here: every series such
 * a file holds has a sample in the range. A file at the range's edge is still read with the
 * range (union.ts). Label strings are interned (a series is in many files), and past
 * `maxEntries` (file, metric, series) entries the memo starts again empty.
 */

/** `(file, metric)` → the label JSON of each series (parquet/schema.ts `labelsFromRow`). */
export class LabelsMemo {
  private readonly columns = new Map<string, readonly string[]>();
  private readonly interned = new Map<string, string>();
  private entries = 0;

  constructor(private readonly maxEntries = 1_000_000) {}

  /** The series of `metric` in file `key`, or undefined when not read yet. */
  get(key: string, metric: string): readonly string[] | undefined {
    return this.columns.get(columnKey(key, metric));
  }

  /** Keeps what file `key` holds of `metric` (an empty list: none). */
  put(key: string, metric: string, labels: readonly string[]): void {
    if (this.entries + labels.length > this.maxEntries) this.clear();
    const kept = labels.map((l) => this.intern(l));
    const k = columnKey(key, metric);
    this.entries += kept.length - (this.columns.get(k)?.length ?? 0);
    this.columns.set(k, kept);
  }

  /** Drops the columns of files that are gone (merged away or expired). */
  retain(alive: (key: string) => boolean): void {
    for (const [k, labels] of this.columns) {
      if (alive(k.slice(0, k.indexOf("\u0000")))) continue;
      this.columns.delete(k);
      this.entries -= labels.length;
    }
    if (this.columns.size === 0) this.interned.clear();
  }

  /** (file, metric, series) entries held. */
  get size(): number {
    return this.entries;
  }

  private clear(): void {
    this.columns.clear();
    this.interned.clear();
    this.entries = 0;
  }

  private intern(s: string): string {
    const had = this.interned.get(s);
    if (had !== undefined) return had;
    this.interned.set(s, s);
    return s;
  }
}

function columnKey(file: string, metric: string): string {
  return `${file}\u0000${metric}`;
}
