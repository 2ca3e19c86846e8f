/**
 * What the query cache's entries hold, in bytes: the accounting behind
 * `query.cache_max_bytes` and `outpost_query_cache_bytes`. Typed arrays count their bytes (an
 * array shared by several series once); the objects around them, label arrays and strings,
 * and postings count what they were measured to take of JavaScriptCore's heap (Bun 1.4.5).
 * accounting.test.ts holds the sum to the heap an entry really takes, within 5 %.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import type { CachedSeries } from "./cache.ts";

/**
 * A file's series beyond its arrays' bytes: its object, its slice's place (`home`), the view
 * of its values in the entry's array, its hash.
 */
export const FILE_SERIES_BYTES = 180;
/**
 * A joined series beyond its arrays' bytes: its object, its slice's object and place, the
 * view of its values, its hash.
 */
export const JOINED_SERIES_BYTES = 150;
/** Narrow values beyond their offsets: their object and the view of the entry's array. */
export const NARROW_BYTES = 130;
/** A series' own list of drops beyond its 4 bytes a drop (series without one share one). */
export const DROPS_BYTES = 64;
/** A label array beyond its elements (8 bytes each). */
const LABELS_BYTES = 16;
/** A label value's string beyond its characters (label names are shared). */
const STRING_BYTES = 16;
/** A label name's postings: its map. */
export const POSTINGS_BYTES = 40;
/** A label value's postings: its map entry and list, beyond the indices. */
export const VALUE_POSTINGS_BYTES = 115;
/** One series index in a postings list. */
export const POSTING_BYTES = 10;

/**
 * Bytes of a label set as the Parquet reader makes it: an array, and a string of each value
 * (the names are atoms, shared by every series).
 */
export function labelsBytes(labels: Labels): number {
  let bytes = LABELS_BYTES + 8 * labels.length;
  for (let k = 1; k < labels.length; k += 2) bytes += STRING_BYTES + labels[k].length;
  return bytes;
}

/** Bytes of a series' drops, when it has a list of its own. */
export function dropsBytes(drops: Int32Array | undefined): number {
  return drops !== undefined && drops.length > 0 ? DROPS_BYTES + drops.byteLength : 0;
}

/**
 * Bytes held by the series of a file's entry: samples (a timestamps array shared by several
 * series counted once), narrow offsets, drops, labels and objects.
 */
export function cachedBytes(series: readonly CachedSeries[]): number {
  let bytes = 0;
  let last: Float64Array | null = null;
  const counted = new Set<Float64Array>();
  for (const s of series) {
    bytes += FILE_SERIES_BYTES + s.values.byteLength + labelsBytes(s.labels);
    if (s.narrow) bytes += NARROW_BYTES + s.narrow.offsets.byteLength;
    bytes += dropsBytes(s.drops);
    if (s.timestamps !== last && !counted.has(s.timestamps)) {
      counted.add(s.timestamps);
      bytes += s.timestamps.byteLength;
    }
    last = s.timestamps;
  }
  return bytes;
}
