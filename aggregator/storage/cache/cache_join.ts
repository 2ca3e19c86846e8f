/**
 * Joins a metric's consecutive cache entries (hourly files) into one entry: a series then
 * reaches a query as one slice instead of one per file. A 24 h `sum(rate(x[5m]))` over 6,696
 * series gathers 6,696 slices instead of 160,000, hands the helper thread 24 times fewer,
 * and walks no seam between files: ~3× faster. The joined entry keeps the values of
 * whole-number series only as 32-bit offsets (4 bytes a sample instead of the hourly entries'
 * 12), and widens them when a reader asks for 64-bit values.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import type { NarrowValues } from "../../../shared/model/sample.ts";
import { NO_DROPS, neverDrops } from "../../../shared/model/sample.ts";
import { dropsBytes, JOINED_SERIES_BYTES, labelsBytes, NARROW_BYTES } from "./bytes.ts";
import { type CachedMetric, type CachedSeries, keepsDrops } from "./cache.ts";
import { joinValues, TimesJoiner } from "./join_slices.ts";
import type { CachedPart } from "./part.ts";

/** One series' slices across the entries being joined, in entry order. */
interface Strand {
  readonly first: CachedSeries;
  readonly pieces: CachedSeries[];
  length: number;
}

/** Series joined between two pauses of a join (`pause`): a few ms of work. */
const CHUNK = 256;

/**
 * The series of `entries` (ascending in time) joined, each its pieces end to end; null when
 * a series' pieces overlap in time (files of one hour not yet merged), which only a merge may
 * join. The joined entry's id is `id`. Awaits `pause()` every few hundred series, so that a
 * join in the background lets queries in.
 */
export async function joinEntries(
  entries: readonly CachedMetric[],
  id: number,
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<CachedSeries[] | null> {
  const strands = strandsOf(entries);
  if (strands === null) return null;
  // Series scraped together share one joined timestamps array (in shared memory: the helper
  // thread reads them), and the engine lays out their windows once.
  const times = new TimesJoiner(true);
  // Where each strand's samples go: in the narrow offsets (`narrow`) or the wide values.
  const start = new Int32Array(strands.length);
  const narrow = new Uint8Array(strands.length);
  let narrowTotal = 0;
  let wideTotal = 0;
  for (let i = 0; i < strands.length; i++) {
    if (i % CHUNK === CHUNK - 1) await pause();
    narrow[i] = fitsNarrow(strands[i]) ? 1 : 0;
    start[i] = narrow[i] ? narrowTotal : wideTotal;
    if (narrow[i]) narrowTotal += strands[i].length;
    else wideTotal += strands[i].length;
  }
  // Side by side in shared memory, as the hourly entries' are: the helper thread reads them.
  const offsets = new Int32Array(new SharedArrayBuffer(narrowTotal * 4));
  // Side by side too, and shared, as the hourly entries' (forCache's packValues).
  const values = new Float64Array(new SharedArrayBuffer(wideTotal * 8));
  const series: CachedSeries[] = [];
  for (let i = 0; i < strands.length; i++) {
    if (i % CHUNK === CHUNK - 1) await pause();
    const s = strands[i];
    const timestamps = times.join(s.pieces, s.length);
    const at = start[i];
    if (narrow[i]) {
      const narrowed = writeNarrow(s, offsets.subarray(at, at + s.length));
      series.push(narrowSeries(s, timestamps, narrowed, id, i));
    } else series.push(wideSeries(s, timestamps, values.subarray(at, at + s.length), id, i));
  }
  return series;
}

/** The series of `entries` by hash, in order of first appearance; null when any overlaps. */
function strandsOf(entries: readonly CachedMetric[]): Strand[] | null {
  const byHash = new Map<bigint, Strand>();
  const strands: Strand[] = [];
  for (const entry of entries) {
    for (const s of entry.series) {
      let strand = byHash.get(s.hash);
      if (strand === undefined) {
        strand = { first: s, pieces: [], length: 0 };
        byHash.set(s.hash, strand);
        strands.push(strand);
      } else {
        const last = strand.pieces[strand.pieces.length - 1].timestamps;
        if (s.timestamps[0] <= last[last.length - 1]) return null;
      }
      strand.pieces.push(s);
      strand.length += s.timestamps.length;
    }
  }
  return strands;
}

/** Value `i` of a piece, read from its narrow offsets when it has them. */
function valueAt(p: CachedSeries, i: number): number {
  const n = p.narrow;
  return n === undefined ? p.values[i] : n.base + n.offsets[i];
}

/** True when every value of the strand is its first plus a whole number within int32. */
function fitsNarrow(s: Strand): boolean {
  const base = valueAt(s.pieces[0], 0);
  for (const p of s.pieces) {
    if (p.narrow === undefined) return false;
    const { base: b, offsets } = p.narrow;
    for (let i = 0; i < offsets.length; i++) {
      const v = b + offsets[i];
      const d = v - base;
      // As narrowable(): `d | 0` keeps d only when whole and in range; the sum must be exact.
      if ((d | 0) !== d || base + d !== v) return false;
    }
  }
  return true;
}

/** Writes the strand's values as offsets from its first; returns them with the drops kept. */
function writeNarrow(s: Strand, into: Int32Array): NarrowValues & { drops?: Int32Array } {
  const base = valueAt(s.pieces[0], 0);
  const drops: number[] = [];
  let at = 0;
  let prev = base;
  for (const p of s.pieces) {
    const { base: b, offsets } = p.narrow!;
    for (let i = 0; i < offsets.length; i++, at++) {
      const v = b + offsets[i];
      into[at] = v - base;
      if (v < prev) drops.push(at);
      prev = v;
    }
  }
  if (!keepsDrops(drops.length, at)) return { base, offsets: into };
  return { base, offsets: into, drops: drops.length ? Int32Array.from(drops) : NO_DROPS };
}

/** A joined series kept as 32-bit offsets alone: its 64-bit values are made when read. */
function narrowSeries(
  s: Strand,
  timestamps: Float64Array,
  narrow: NarrowValues & { drops?: Int32Array },
  entry: number,
  index: number,
): CachedSeries {
  const { base, offsets, drops } = narrow;
  const n = offsets.length;
  const whole = new NarrowPart(timestamps, { base, offsets }, drops, {
    entry,
    index,
    lo: 0,
    hi: n,
  });
  return new JoinedSeries(s.first, whole);
}

/** A joined series that does not fit offsets: its 64-bit values joined, into `into`. */
function wideSeries(
  s: Strand,
  timestamps: Float64Array,
  into: Float64Array,
  entry: number,
  index: number,
): CachedSeries {
  const values = joinValues(s.pieces, s.length, into);
  const clean = s.pieces.every((p) => p.clean === true);
  // No drops kept: only rate() over narrow values reads them (CachedSeries.drops).
  const whole: CachedPart = {
    timestamps,
    values,
    clean,
    noDrops: neverDrops(values),
    home: { entry, index, lo: 0, hi: values.length },
  };
  return new JoinedSeries(s.first, whole);
}

/** A slice held as offsets alone; `values` widens them on every read. */
export class NarrowPart implements CachedPart {
  readonly clean = true;
  readonly noDrops: boolean;

  constructor(
    readonly timestamps: Float64Array,
    readonly narrow: NarrowValues,
    /** Its drops, when it keeps them (keepsDrops): it has some otherwise. */
    readonly drops: Int32Array | undefined,
    readonly home: { entry: number; index: number; lo: number; hi: number },
  ) {
    this.noDrops = drops?.length === 0;
  }

  get values(): Float64Array {
    return widen(this.narrow, 0, this.narrow.offsets.length);
  }
}

/** Values [lo, hi) of narrow values as 64-bit numbers, in a new array. */
export function widen(narrow: NarrowValues, lo: number, hi: number): Float64Array {
  const { base, offsets } = narrow;
  const out = new Float64Array(hi - lo);
  for (let i = lo; i < hi; i++) out[i - lo] = base + offsets[i];
  return out;
}

/** A series of a joined entry: what CachedSeries holds, from its first piece and its slice. */
class JoinedSeries implements CachedSeries {
  readonly labels: Labels;
  readonly hash: bigint;
  readonly key: number;
  readonly low: number;

  constructor(
    first: CachedSeries,
    readonly whole: CachedPart,
  ) {
    this.labels = first.labels;
    this.hash = first.hash;
    this.key = first.key;
    this.low = first.low;
  }

  get timestamps(): Float64Array {
    return this.whole.timestamps;
  }
  get values(): Float64Array {
    return this.whole.values;
  }
  get clean(): boolean | undefined {
    return this.whole.clean;
  }
  get noDrops(): boolean | undefined {
    return this.whole.noDrops;
  }
  get drops(): Int32Array | undefined {
    return this.whole.drops;
  }
  get narrow(): NarrowValues | undefined {
    return this.whole.narrow;
  }
}

/**
 * Bytes a joined entry holds: its offsets or values, drops, shared timestamps once, labels
 * and objects (bytes.ts).
 */
export function joinedBytes(series: readonly CachedSeries[]): number {
  let bytes = 0;
  const counted = new Set<Float64Array>();
  for (const s of series) {
    const part = s.whole;
    bytes += JOINED_SERIES_BYTES + labelsBytes(s.labels) + dropsBytes(part.drops);
    if (part instanceof NarrowPart) bytes += NARROW_BYTES + part.narrow.offsets.byteLength;
    else bytes += part.values.byteLength;
    if (!counted.has(part.timestamps)) {
      counted.add(part.timestamps);
      bytes += part.timestamps.byteLength;
    }
  }
  return bytes;
}
