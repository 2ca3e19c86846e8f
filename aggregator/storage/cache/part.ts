/**
 * What the query cache knows about the slices it hands out, beyond the samples every store
 * gives: facts found once when an entry is made (no staleness marker, no drop, where the
 * values drop, 32-bit offsets) and where the slice lives in the cache, for the helper thread.
 * The engine's fast paths (promql/engine/fast/) read these; any other `SamplePart` is a
 * CachedPart that knows none of them.
 */
import type { NarrowValues } from "../../../shared/model/sample.ts";
import type { SamplePart } from "../storage.ts";

/** A slice of a cached series. */
export interface CachedPart extends SamplePart {
  /** True when known to hold no staleness marker (readers need not look). */
  readonly clean?: boolean;
  /**
   * True when known to hold no value lower than the one before it (`neverDrops`): a counter
   * without resets, whose rate needs no scan for them.
   */
  readonly noDrops?: boolean;
  /**
   * Where the values drop (`dropsOf`), when known: a counter's resets, which rate() then
   * need not scan every value for.
   */
  readonly drops?: Int32Array;
  /** The values again as 32-bit offsets, when they fit (`narrowed`): half the bytes to read. */
  readonly narrow?: NarrowValues;
  /** Where a slice of the query cache lives there, for a helper thread to find it. */
  readonly home?: PartHome;
}

/** A slice of the query cache: samples [lo, hi) of series `index` of entry `entry`. */
export interface PartHome {
  readonly entry: number;
  readonly index: number;
  readonly lo: number;
  readonly hi: number;
}
