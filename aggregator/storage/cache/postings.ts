/**
 * Postings of a cache entry: the indices of its series by label name and value, so that a
 * selector's `name="value"` matchers narrow an entry of thousands of series to the few that
 * can match before its matchers test them. Built per label name on first use, or for every
 * label at once (the warm-up and joins, which replace entries that had them); their bytes
 * count in the entry's (see bytes.ts).
 */
import { lowerBound } from "../../../shared/model/search.ts";
import type { StoredSeries } from "../parquet/reader.ts";
import { POSTING_BYTES, POSTINGS_BYTES, VALUE_POSTINGS_BYTES } from "./bytes.ts";
import type { CachedMetric } from "./cache.ts";

/** Series indices (ascending) by label name, then value. */
export type Postings = Map<string, Map<string, number[]>>;

/**
 * Indices (ascending) of the series of `entry` that can match a selector with the
 * `name="value"` matchers `equal` among its matchers: the series in the postings of all of
 * them, or null (every series) when there are none. The two shortest lists are intersected;
 * the selector's matchers then test the few left. `built` is told the bytes of postings
 * built for it (QueryCache.candidates counts them in the entry's).
 */
export function candidates(
  entry: CachedMetric,
  equal: readonly { name: string; value: string }[],
  built: (bytes: number) => void = () => {},
): readonly number[] | null {
  if (equal.length === 0) return null;
  const lists = equal.map((m) => postingsOf(entry, m.name, built).get(m.value) ?? []);
  lists.sort((a, b) => a.length - b.length);
  if (lists.length === 1 || lists[0].length === 0) return lists[0];
  const other = lists[1];
  return lists[0].filter((i) => contains(other, i));
}

/** The postings of label `name` in `entry`, built on first use (their bytes told to `built`). */
function postingsOf(
  entry: CachedMetric,
  name: string,
  built: (bytes: number) => void,
): Map<string, number[]> {
  let byValue = entry.postings.get(name);
  // Complete postings without the label: no series has it.
  if (!byValue && entry.complete) return new Map();
  if (!byValue) {
    const made = new Map<string, number[]>();
    let bytes = POSTINGS_BYTES;
    entry.series.forEach((s, i) => {
      const labels = s.labels;
      for (let k = 0; k < labels.length; k += 2) {
        if (labels[k] === name) bytes += post(made, labels[k + 1], i);
      }
    });
    entry.postings.set(name, made);
    built(bytes);
    byValue = made;
  }
  return byValue;
}

/** Adds series `i` to the postings of `value`; returns the bytes that took. */
function post(byValue: Map<string, number[]>, value: string, i: number): number {
  const list = byValue.get(value);
  if (list) list.push(i);
  else byValue.set(value, [i]);
  return list === undefined ? VALUE_POSTINGS_BYTES + POSTING_BYTES : POSTING_BYTES;
}

/** True when the ascending list `list` holds `i`. */
function contains(list: readonly number[], i: number): boolean {
  const at = lowerBound(list, i);
  return at < list.length && list[at] === i;
}

/**
 * Builds the postings of every label name of `series` in one pass; returns their bytes. The
 * warm-up does this so that a query's first `name="value"` lookup finds them built.
 */
export function indexAll(series: readonly StoredSeries[], postings: Postings): number {
  let bytes = 0;
  for (let i = 0; i < series.length; i++) {
    const labels = series[i].labels;
    for (let k = 0; k < labels.length; k += 2) {
      let byValue = postings.get(labels[k]);
      if (!byValue) {
        byValue = new Map();
        postings.set(labels[k], byValue);
        bytes += POSTINGS_BYTES;
      }
      bytes += post(byValue, labels[k + 1], i);
    }
  }
  return bytes;
}
