import type { FileEntry, Signal, Tier } from "./entry.ts";
import { SeqSet } from "./seqset.ts";

/** One catalog change, as stored in a log record: files added and keys removed, atomically. */
export interface Change {
  add: FileEntry[];
  remove: string[];
}

/** What a query or compaction asks the catalog for. */
export interface FileFilter {
  tenant: string;
  signal: Signal;
  tier: Tier;
  /** Inclusive time range the files must overlap. */
  start?: number;
  end?: number;
  /** Files holding at least one of these metric names (undefined = any). */
  metrics?: readonly string[];
  /**
   * Files the caller already holds (a query's head), left out before the metric test: a
   * rule's query over the last minutes would otherwise search each recent file's list of
   * names, thousands long, only to drop the file because the head has its samples.
   */
  held?: (file: FileEntry) => boolean;
}

/**
 * The catalog's in-memory state: every committed file by key, and the stream sequences they
 * cover. Applying a change twice has no further effect, so replaying a log is safe.
 */
export class CatalogState {
  readonly files = new Map<string, FileEntry>();
  /**
   * Keys removed since the state was built. Records replay in the order of their keys, which
   * start with their writer's clock: with clocks apart, a removal can replay before the add of
   * the same (never reused) key, and that add must not bring the file back.
   */
  private readonly removed = new Set<string>();
  private seqs = new SeqSet();
  private seqsStale = false;

  /** Applies one change. */
  apply(change: Change): void {
    for (const key of change.remove) {
      this.removed.add(key);
      if (this.files.delete(key)) this.seqsStale = true;
    }
    for (const entry of change.add) {
      if (this.removed.has(entry.key)) continue;
      this.files.set(entry.key, entry);
      this.seqs.addAll(entry.seqs);
    }
  }

  /** True when a committed file holds the data of stream sequence `seq`. */
  hasSeq(seq: number): boolean {
    if (this.seqsStale) this.rebuildSeqs();
    return this.seqs.has(seq);
  }

  /** Ranges of committed sequences (for self-metrics and tests). */
  seqRanges(): number {
    if (this.seqsStale) this.rebuildSeqs();
    return this.seqs.ranges;
  }

  /** Files matching a filter, oldest partition first, then by key. */
  select(filter: FileFilter): FileEntry[] {
    const out: FileEntry[] = [];
    const wanted = filter.metrics && new Set(filter.metrics);
    for (const f of this.files.values()) {
      if (f.tenant !== filter.tenant || f.signal !== filter.signal || f.tier !== filter.tier)
        continue;
      if (filter.start !== undefined && f.maxTime < filter.start) continue;
      if (filter.end !== undefined && f.minTime > filter.end) continue;
      if (filter.held?.(f)) continue;
      if (wanted && !f.metrics.some((m) => wanted.has(m))) continue;
      out.push(f);
    }
    return out.sort((a, b) => a.hour - b.hour || (a.key < b.key ? -1 : 1));
  }

  /** Tenants with at least one file. */
  tenants(): string[] {
    return [...new Set([...this.files.values()].map((f) => f.tenant))].sort();
  }

  /** Sequences removed files covered stay committed: a merged file carries them on. */
  private rebuildSeqs(): void {
    const seqs = new SeqSet();
    for (const f of this.files.values()) seqs.addAll(f.seqs);
    this.seqs = seqs;
    this.seqsStale = false;
  }
}
