/**
 * The series a query reads, fetched once per distinct selector before evaluation: the
 * planner (plan.ts) says which time range each selector needs, this file reads each set of
 * matchers once over the union of those ranges and prepares the samples for the two ways
 * they are used (lookback for instant vectors, windows for range vectors).
 */

import type { Labels } from "../../../shared/model/labels.ts";
import { isStaleAt } from "../../../shared/model/sample.ts";
import type {
  LabelMatcher,
  Querier,
  SamplePart,
  SeriesSamples,
  TimeRange,
} from "../../storage/storage.ts";
import type { VectorSelector } from "../parser/ast.ts";
import { get, NAME } from "./labelset.ts";

/** One stored series as a query reads it. */
export class SelectedSeries {
  readonly labels: Labels;
  readonly metricName: string;
  /**
   * The samples as disjoint slices in time order, as storage holds them (one per file), when
   * it handed them so; fast_rate.ts walks them without joining (and reads their narrow values).
   */
  readonly parts: readonly SamplePart[] | null;
  private words: Uint32Array | null = null;
  private compacted: { ts: Float64Array; vs: Float64Array } | null = null;
  private joined: { ts: Float64Array; vs: Float64Array } | null = null;

  constructor(private readonly source: SeriesSamples) {
    this.labels = source.labels;
    this.metricName = get(source.labels, NAME);
    this.parts = source.parts && source.parts.length > 0 ? source.parts : null;
  }

  /** The samples as stored, staleness markers included (one array: joined on first use). */
  get ts(): Float64Array {
    return this.join().ts;
  }

  get vs(): Float64Array {
    return this.join().vs;
  }

  private join(): { ts: Float64Array; vs: Float64Array } {
    if (this.joined !== null) return this.joined;
    const s = this.source;
    const ts = s.timestamps;
    const vs = s.values;
    this.joined = {
      ts: ts.length === s.length ? ts : ts.subarray(0, s.length),
      vs: vs.length === s.length ? vs : vs.subarray(0, s.length),
    };
    return this.joined;
  }

  /** True when sample `i` is a staleness marker. Cheap for ordinary values. */
  isStale(i: number): boolean {
    const v = this.vs[i];
    // Only a NaN can be a marker; look at the bits of those alone.
    if (!Number.isNaN(v)) return false;
    this.words ??= new Uint32Array(this.vs.buffer, this.vs.byteOffset, this.vs.length * 2);
    return isStaleAt(this.words, i);
  }

  /** The samples without staleness markers, as range windows see them. */
  rangeSamples(): { ts: Float64Array; vs: Float64Array } {
    if (this.compacted === null) this.compacted = this.withoutMarkers();
    return this.compacted;
  }

  private withoutMarkers(): { ts: Float64Array; vs: Float64Array } {
    let stale: Uint8Array | null = null;
    for (let i = 0; i < this.vs.length; i++) {
      if (!this.isStale(i)) continue;
      stale ??= new Uint8Array(this.vs.length);
      stale[i] = 1;
    }
    return stale === null ? { ts: this.ts, vs: this.vs } : compact(this.ts, this.vs, stale);
  }
}

function compact(ts: Float64Array, vs: Float64Array, stale: Uint8Array) {
  let n = 0;
  for (let i = 0; i < stale.length; i++) n += 1 - stale[i];
  const outTs = new Float64Array(n);
  const outVs = new Float64Array(n);
  for (let i = 0, j = 0; i < stale.length; i++) {
    if (stale[i]) continue;
    outTs[j] = ts[i];
    outVs[j++] = vs[i];
  }
  return { ts: outTs, vs: outVs };
}

/** A canonical key for a set of matchers: selectors with equal keys read the same series. */
export function matchersKey(matchers: readonly LabelMatcher[]): string {
  return JSON.stringify(
    matchers.map((m) => [m.name, m.type, m.value]).sort((a, b) => (a.join() < b.join() ? -1 : 1)),
  );
}

/** The series of every selector of a query. */
export type SelectorData = ReadonlyMap<VectorSelector, readonly SelectedSeries[]>;

/** One read: a matcher set over a range, and the selectors it serves. */
interface Read {
  readonly matchers: readonly LabelMatcher[];
  range: TimeRange;
  readonly selectors: VectorSelector[];
}

/**
 * Reads each distinct matcher set once per span of overlapping ranges: `x - x offset 1h`
 * reads `x` once, `x - x offset 30d` twice rather than over 30 days.
 */
export async function fetchSelectors(
  querier: Querier,
  ranges: ReadonlyMap<VectorSelector, TimeRange>,
): Promise<SelectorData> {
  const out = new Map<VectorSelector, readonly SelectedSeries[]>();
  await Promise.all(
    planReads(ranges).map(async (read) => {
      const series = (await querier.select(read.matchers, read.range)).map(
        (s) => new SelectedSeries(s),
      );
      for (const sel of read.selectors) out.set(sel, series);
    }),
  );
  return out;
}

/** Groups selectors by matcher set, then merges overlapping ranges into one read each. */
export function planReads(ranges: ReadonlyMap<VectorSelector, TimeRange>): Read[] {
  if (ranges.size === 1) {
    // Most queries (every rule of most rule files) have one selector: nothing to group.
    const [[sel, range]] = ranges;
    return [{ matchers: sel.matchers, range, selectors: [sel] }];
  }
  const byKey = new Map<string, [VectorSelector, TimeRange][]>();
  for (const entry of ranges) {
    const key = matchersKey(entry[0].matchers);
    const list = byKey.get(key);
    if (list) list.push(entry);
    else byKey.set(key, [entry]);
  }
  const reads: Read[] = [];
  for (const entries of byKey.values()) {
    entries.sort((a, b) => a[1].start - b[1].start);
    let current: Read | null = null;
    for (const [sel, range] of entries) {
      if (current !== null && range.start <= current.range.end + 1) {
        current.range = { start: current.range.start, end: Math.max(current.range.end, range.end) };
        current.selectors.push(sel);
        continue;
      }
      current = { matchers: sel.matchers, range, selectors: [sel] };
      reads.push(current);
    }
  }
  return reads;
}
