/**
 * The revision of each key a mirror of a KV bucket holds. A mirror applies its own write once
 * NATS acknowledges it, and its watch may have brought a newer value of that key (another
 * aggregator's, or its delete) before the acknowledgement: the older value is then passed over,
 * not kept until a restart. The revisions are also what a compare-and-set write goes over
 * (kv.ts `update`, `deleteAt`).
 */
export class KvRevisions {
  private readonly at = new Map<string, number>();
  /**
   * The revisions of the latest deletes: an own write acknowledged after the watch brought a
   * delete of its key is older than the delete. Only that window needs them (milliseconds),
   * so the oldest go past `MAX_TOMBSTONES`.
   */
  private readonly tombstones = new Map<string, number>();

  /** The revision of the value held for `key`, if known. */
  get(key: string): number | undefined {
    return this.at.get(key);
  }

  /**
   * Whether a value of `revision` may replace what is held for `key`, a value or a delete (not
   * when it is older; 0, unknown, always may); notes its revision when it may.
   */
  admit(key: string, revision: number): boolean {
    if (revision <= 0) return true;
    const known = this.at.get(key) ?? this.tombstones.get(key) ?? 0;
    if (known > revision) return false;
    this.at.set(key, revision);
    this.tombstones.delete(key);
    return true;
  }

  /** Forgets `key`, deleted at `revision` (0: unknown). */
  forget(key: string, revision = 0): void {
    this.at.delete(key);
    if (revision <= 0) return;
    this.tombstones.delete(key); // to the back, the newest
    this.tombstones.set(key, revision);
    if (this.tombstones.size > MAX_TOMBSTONES) {
      this.tombstones.delete(this.tombstones.keys().next().value as string);
    }
  }

  /**
   * Forgets every revision: a watch started again after its stream was lost (kv.ts), where the
   * bucket made again numbers its writes from 1.
   */
  clear(): void {
    this.at.clear();
    this.tombstones.clear();
  }

  /**
   * Runs a delete of `key` (a delete reports no revision; a conditional one answers false when
   * refused); true when it deleted and nothing newer was admitted for the key meanwhile, so the
   * mirror may drop its copy (then forgotten here).
   */
  async deleted(key: string, remove: () => Promise<unknown>): Promise<boolean> {
    const seen = this.at.get(key);
    if ((await remove()) === false || this.at.get(key) !== seen) return false;
    this.at.delete(key);
    return true;
  }
}

/** Deletes remembered at most, per mirror. */
const MAX_TOMBSTONES = 10_000;
