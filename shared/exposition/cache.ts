import type { Labels } from "../model/labels.ts";
import { ByteKeyTable } from "./keys.ts";

/** One series known to a {@link SeriesCache}: the same object every scrape while the series exists. */
export interface SeriesEntry {
  /** Sorted flat `[name, value, …]` including `__name__`, without empty values. */
  readonly labels: Labels;
  /**
   * Names the exposition wrote with an empty value, sorted, when the cache keeps them apart
   * ({@link SeriesCacheOptions.emptyLabels}); otherwise undefined.
   */
  readonly emptyLabels?: readonly string[];
  /** Slot the consumer fills (its relabeled Series, or null when dropped); undefined until then. */
  ref: unknown;
  /** Generation of the scrape that last saw this series (managed by the parser and cache). */
  seenGen: number;
}

/** The cache's entry class; `seenTs` lets the parser tell duplicates from later timestamps. */
export class CacheEntry implements SeriesEntry {
  ref: unknown = undefined;
  /** -1 until the parser marks the entry, so a new series is never taken for a duplicate. */
  seenGen = -1;
  /** Timestamp of the last sample seen in generation `seenGen` (NaN: the line had none). */
  seenTs = Number.NaN;

  /** Next entry whose label set has the same hash. */
  nextInSlot: CacheEntry | undefined = undefined;

  constructor(
    readonly labels: Labels,
    /** Hash of the label set (not of any one spelling). */
    readonly labelsHash: number,
    readonly emptyLabels: readonly string[] | undefined = undefined,
  ) {}
}

/** A parsed HELP/TYPE/UNIT line, kept so that an unchanged line costs no decoding. */
export interface MetadataLine {
  readonly name: string;
  readonly kind: "type" | "help" | "unit";
  readonly text: string;
  /** For TYPE lines: the type context it sets for the series that follow. */
  readonly context: number;
}

/** Passed as `context` to {@link SeriesCache.insert}: the labels do not depend on `# TYPE`. */
export const ANY_CONTEXT = -1;

// Keys are tagged with the format they were validated under (the text format accepts more),
// and spellings whose labels depend on the TYPE context also with that context.
const formatTag = (om: boolean) => (om ? 1 : 0);
const contextTag = (om: boolean, context: number) => 2 + 2 * context + (om ? 1 : 0);

/** Options for {@link SeriesCache}. */
export interface SeriesCacheOptions {
  /** Shrinks the hash space so tests can force collisions. */
  hashBits?: number;
  /**
   * Keeps labels written with an empty value apart: `m{job=""}` is then a series of its own,
   * not a spelling of `m`, with `job` in its emptyLabels. Prometheus's honor_labels tells them
   * apart (an empty `job` keeps the target's off the series); nothing else does.
   */
  emptyLabels?: boolean;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the label strings' UTF-16 units; equal label sets hash equally. */
function hashLabels(labels: Labels): number {
  let h = FNV_OFFSET;
  for (const s of labels) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
    h = Math.imul(h ^ 0xffff, FNV_PRIME);
  }
  return h;
}

function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Per-target memory of the series (and metadata lines) seen in recent scrapes, keyed by the
 * raw bytes of each series' text, so that a known series costs a hash, a byte comparison and
 * a number parse. Call {@link beginScrape} before each parse and {@link sweep} after it.
 * Several spellings of one label set (label order, spacing, empty labels unless the cache keeps
 * them apart) share one entry.
 */
export class SeriesCache {
  /** Generation of the current scrape. */
  gen = 0;
  /** Series spellings → entries. */
  readonly spellings: ByteKeyTable<CacheEntry>;
  /** Metadata lines → their parsed form. */
  private readonly metadata: ByteKeyTable<MetadataLine>;
  /** Label-set hash → entries (chained through nextInSlot). */
  private readonly bySeries = new Map<number, CacheEntry>();
  private count = 0;
  private readonly keepEmpty: boolean;

  constructor(options: SeriesCacheOptions = {}) {
    this.keepEmpty = options.emptyLabels ?? false;
    const bits = options.hashBits ?? 32;
    const mask = bits >= 32 ? -1 : (1 << bits) - 1;
    this.spellings = new ByteKeyTable(mask);
    this.metadata = new ByteKeyTable(mask);
  }

  /** Number of distinct series held. */
  get size(): number {
    return this.count;
  }

  /** Starts a new generation: series not seen again before {@link sweep} are forgotten. */
  beginScrape(): void {
    this.gen++;
    this.spellings.beginGeneration();
    this.metadata.beginGeneration();
  }

  /**
   * Returns the entry whose spelling equals `b[start, end)` (hashing to `hash`, `dv` viewing
   * `b`) in format `om` under type context `context`, or undefined on a miss. The caller
   * marks the entry seen.
   */
  lookup(
    b: Uint8Array,
    dv: DataView,
    start: number,
    end: number,
    hash: number,
    om: boolean,
    context: number,
  ) {
    const any = formatTag(om);
    return this.spellings.get(b, dv, start, end, hash, any, contextTag(om, context), this.gen);
  }

  /**
   * Records spelling `b[start, end)` for `labels` (built under `context`, or ANY_CONTEXT when
   * they do not depend on it), reusing the entry of an equal label set seen under another
   * spelling. `empty` names the labels written empty, which count only with `emptyLabels`.
   */
  insert(
    b: Uint8Array,
    start: number,
    end: number,
    hash: number,
    om: boolean,
    context: number,
    labels: Labels,
    empty?: readonly string[],
  ): CacheEntry {
    const apart = this.keepEmpty ? empty : undefined;
    let labelsHash = hashLabels(labels);
    if (apart !== undefined) labelsHash = Math.imul(labelsHash ^ hashLabels(apart), FNV_PRIME);
    const head = this.bySeries.get(labelsHash);
    let entry = head;
    while (
      entry !== undefined &&
      !(sameLabels(entry.labels, labels) && sameLabels(entry.emptyLabels, apart))
    )
      entry = entry.nextInSlot;
    if (entry === undefined) {
      entry = new CacheEntry(labels, labelsHash, apart);
      entry.nextInSlot = head;
      this.bySeries.set(labelsHash, entry);
      this.count++;
    }
    const tag = context === ANY_CONTEXT ? formatTag(om) : contextTag(om, context);
    this.spellings.set(b, start, end, hash, tag, this.gen, entry);
    return entry;
  }

  /** Returns the parsed metadata line `b[start, end)` seen before in format `om`, if any. */
  lookupMetadata(
    b: Uint8Array,
    dv: DataView,
    start: number,
    end: number,
    hash: number,
    om: boolean,
  ) {
    const tag = formatTag(om);
    return this.metadata.get(b, dv, start, end, hash, tag, tag, this.gen);
  }

  /** Remembers the parsed metadata line `b[start, end)`. */
  insertMetadata(
    b: Uint8Array,
    start: number,
    end: number,
    hash: number,
    om: boolean,
    line: MetadataLine,
  ): void {
    this.metadata.set(b, start, end, hash, formatTag(om), this.gen, line);
  }

  /** Every series held, each once. */
  *entries(): IterableIterator<SeriesEntry> {
    for (const head of this.bySeries.values())
      for (let e: CacheEntry | undefined = head; e !== undefined; e = e.nextInSlot) yield e;
  }

  /** Calls `onGone` for every series not seen in the current generation, then forgets it. */
  sweep(onGone: (e: SeriesEntry) => void): void {
    const gen = this.gen;
    this.metadata.sweep(gen);
    // An entry is seen whenever one of its spellings is, so only a forgotten spelling can
    // leave an entry behind; most scrapes forget none and skip the walk below.
    if (!this.spellings.sweep(gen)) return;
    for (const [slot, head] of this.bySeries) {
      // Rebuilds the chain from the survivors (reversing it, which does not matter).
      let kept: CacheEntry | undefined;
      for (let e: CacheEntry | undefined = head; e !== undefined; ) {
        const next: CacheEntry | undefined = e.nextInSlot;
        if (e.seenGen === gen) {
          e.nextInSlot = kept;
          kept = e;
        } else {
          this.count--;
          onGone(e);
        }
        e = next;
      }
      if (kept === undefined) this.bySeries.delete(slot);
      else if (kept !== head) this.bySeries.set(slot, kept);
    }
  }
}
