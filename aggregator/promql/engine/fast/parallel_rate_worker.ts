/**
 * The rate helper thread (parallel_rate.ts): mirrors the query cache's entries as slices over
 * shared memory and walks the blocks of series a query hands it, with the main thread's code
 * (walks.ts: rate() and every other range function alike).
 */
import { dropsWithin } from "../../../../shared/model/sample.ts";
import type { CachedPart } from "../../../storage/cache/part.ts";
import type { GroupState } from "../aggregate.ts";
import { FAST_FOLDS as FOLDS } from "./folds.ts";
import {
  Control,
  type FoldJob,
  type FoldState,
  Owner,
  RING_SLOTS,
  stateOf,
  type WalkJob,
} from "./parallel_rate_protocol.ts";
import { PartsCursor } from "./sliding_parts.ts";
import { seriesWalk, walkTogether } from "./walks.ts";

declare const self: Worker;

/** A cache entry as the helper holds it; its slices are made on first use. */
interface Entry {
  readonly offsets: Int32Array;
  /** The wide values of the series that do not fit offsets, and where each one's start. */
  readonly wide: Float64Array;
  readonly wideStart: Int32Array;
  readonly clean: Uint8Array;
  readonly times: Float64Array[];
  readonly tsIndex: Int32Array;
  readonly start: Int32Array;
  readonly base: Float64Array;
  readonly noDrops: Uint8Array;
  readonly dropsAt: Int32Array;
  readonly drops: Int32Array;
  readonly parts: (CachedPart | undefined)[];
}

/** Never read: a narrow slice's values (the helper holds its offsets alone). */
const NO_VALUES = new Float64Array(0);

const entries = new Map<number, Entry>();
let ctl = new Int32Array(8);
let touchedCell = new Float64Array(1);
/** RateHelper's `pauseMs`: how long to hold after claiming a block (tests). */
let pauseMs = 0;

self.onmessage = (event: MessageEvent) => {
  const m = event.data;
  if (m.type === "init") {
    ctl = m.ctl;
    touchedCell = m.touched;
    pauseMs = m.pauseMs ?? 0;
  } else if (m.type === "add") {
    entries.set(m.id, {
      offsets: m.buffer === null ? new Int32Array(0) : new Int32Array(m.buffer),
      wide: m.wide === null ? NO_VALUES : new Float64Array(m.wide),
      wideStart: m.wideStart,
      clean: m.clean,
      times: m.times,
      tsIndex: m.tsIndex,
      start: m.start,
      base: m.base,
      noDrops: m.noDrops,
      dropsAt: m.dropsAt,
      drops: m.drops,
      parts: [],
    });
  } else if (m.type === "drop") {
    entries.delete(m.id);
  } else if (m.type === "job" || m.type === "fold") {
    try {
      if (m.type === "job") runJob(m);
      else runFold(m);
    } catch (error) {
      Atomics.store(ctl, Control.Failed, 1);
      const message = error instanceof Error ? error.message : String(error);
      self.postMessage({ type: "failed", message });
    }
    Atomics.store(ctl, Control.Done, m.job);
    Atomics.notify(ctl, Control.Done);
    Atomics.notify(ctl, Control.Produced);
  }
};

function runJob(m: WalkJob): void {
  const { call, ring, block, owners } = m;
  const run = seriesWalk(call.func, call);
  const steps = call.ends.length;
  const reader = new Described(m.parts);
  const count = m.parts[0];
  const cursors = Array.from({ length: block }, () => new PartsCursor());
  const series: CachedPart[][] = [];
  // Series walked into the ring so far.
  let produced = 0;
  for (let j = 0, b = 0; b < count; j++, b += block) {
    const size = Math.min(block, count - b);
    // Wait for the main thread to free the slots this block would write.
    for (;;) {
      if (Atomics.load(ctl, Control.Cancel) !== 0) return;
      const consumed = Atomics.load(ctl, Control.Consumed);
      if (produced + size - consumed <= RING_SLOTS) break;
      Atomics.wait(ctl, Control.Consumed, consumed, 20);
    }
    // A block the main thread claimed first is its own.
    if (Atomics.compareExchange(owners, j, 0, Owner.Helper) !== 0) continue;
    if (pauseMs > 0) Atomics.wait(ctl, Control.Cancel, 0, pauseMs);
    series.length = 0;
    for (let k = 0; k < size; k++) series.push(k === 0 ? reader.seek(b) : reader.next());
    const into = [];
    for (let k = 0; k < size; k++) {
      const at = ((produced + k) % RING_SLOTS) * ring.steps;
      into.push({
        values: ring.values.subarray(at, at + steps),
        present: ring.present.subarray(at, at + steps),
        cursor: cursors[k],
      });
    }
    walkTogether(run, series, into);
    for (let k = 0; k < size; k++) ring.counts[(produced + k) % RING_SLOTS] = cursors[k].count;
    produced += size;
    Atomics.store(ctl, Control.Produced, produced);
    Atomics.notify(ctl, Control.Produced);
  }
  touchedCell[0] = run.stats.touched;
}

/**
 * A job of whole groups of an aggregation (helped_fold.ts): the helper claims groups one at
 * a time, as the main thread does, rates each member and folds it straight into its
 * group's state in shared memory, in series order; only the count of steps each series
 * produced goes back.
 */
function runFold(m: FoldJob): void {
  const run = seriesWalk(m.call.func, m.call);
  const fold = FOLDS[m.op];
  const steps = m.call.ends.length;
  const groups = sharedGroups(m.state, steps);
  const reader = new Described(m.parts);
  const values = new Float64Array(steps);
  const present = new Uint8Array(steps);
  const cursor = new PartsCursor();
  const last = m.groupStart.length - 1;
  for (;;) {
    if (Atomics.load(ctl, Control.Cancel) !== 0) return;
    const g = Atomics.add(m.claims, 0, 1);
    if (g >= last) break;
    for (let k = m.groupStart[g]; k < m.groupStart[g + 1]; k++) {
      const parts = reader.seek(k);
      cursor.reset();
      while (run.part(parts, values, present, cursor));
      m.counts[k] = cursor.count;
      if (cursor.count > 0) fold.add(groups[g], values, present, steps);
    }
  }
  touchedCell[0] = run.stats.touched;
}

/** The slices of each described series in turn (see describe() in parallel_rate.ts). */
class Described {
  private at = 1;
  /** Where each series starts, made on the first seek(). */
  private positions: Int32Array | null = null;
  private readonly cuts = new Map<Float64Array, Map<number, Float64Array>>();

  constructor(private readonly described: Int32Array) {}

  /** Moves to the `k`th series and reads it. */
  seek(k: number): CachedPart[] {
    if (this.positions === null) {
      const d = this.described;
      this.positions = new Int32Array(d[0]);
      for (let i = 0, at = 1; i < d[0]; i++) {
        this.positions[i] = at;
        at += 1 + 4 * d[at];
      }
    }
    this.at = this.positions[k];
    return this.next();
  }

  next(): CachedPart[] {
    const d = this.described;
    const n = d[this.at++];
    const parts: CachedPart[] = [];
    for (let p = 0; p < n; p++, this.at += 4) {
      const entry = entries.get(d[this.at]);
      if (entry === undefined) throw new Error(`cache entry ${d[this.at]} is not mirrored here`);
      const index = d[this.at + 1];
      const lo = d[this.at + 2];
      const hi = d[this.at + 3];
      entry.parts[index] ??= wholePart(entry, index);
      const whole = entry.parts[index];
      const isWhole = lo === 0 && hi === whole.timestamps.length;
      parts.push(isWhole ? whole : cutPart(whole, lo, hi, this.cuts));
    }
    return parts;
  }
}

function wholePart(entry: Entry, index: number): CachedPart {
  const timestamps = entry.times[entry.tsIndex[index]];
  const start = entry.start[index];
  if (start < 0) return widePart(entry, index, timestamps);
  return {
    timestamps,
    values: NO_VALUES,
    clean: true,
    noDrops: entry.noDrops[index] === 1,
    drops: entry.drops.subarray(entry.dropsAt[index], entry.dropsAt[index + 1]),
    narrow: {
      base: entry.base[index],
      offsets: entry.offsets.subarray(start, start + timestamps.length),
    },
  };
}

/** A series of wide values: rate() here scans them for resets, as the main thread does. */
function widePart(entry: Entry, index: number, timestamps: Float64Array): CachedPart {
  const at = entry.wideStart[index];
  if (at < 0) throw new Error(`series ${index} of a cache entry has no values here`);
  return {
    timestamps,
    values: entry.wide.subarray(at, at + timestamps.length),
    clean: entry.clean[index] === 1,
    noDrops: entry.noDrops[index] === 1,
  };
}

/** A slice cut to a query's range; series sharing their times share the cut times too. */
function cutPart(
  whole: CachedPart,
  lo: number,
  hi: number,
  cuts: Map<Float64Array, Map<number, Float64Array>>,
): CachedPart {
  let byRange = cuts.get(whole.timestamps);
  if (byRange === undefined) {
    byRange = new Map();
    cuts.set(whole.timestamps, byRange);
  }
  const key = lo * 1e9 + hi;
  let times = byRange.get(key);
  if (times === undefined) {
    times = whole.timestamps.subarray(lo, hi);
    byRange.set(key, times);
  }
  const narrow = whole.narrow;
  if (narrow === undefined) {
    return {
      timestamps: times,
      values: whole.values.subarray(lo, hi),
      clean: whole.clean,
      noDrops: whole.noDrops,
    };
  }
  return {
    timestamps: times,
    values: NO_VALUES,
    clean: true,
    noDrops: whole.noDrops,
    drops: dropsWithin(whole.drops!, lo, hi),
    narrow: { base: narrow.base, offsets: narrow.offsets.subarray(lo, hi) },
  };
}

/** The groups of a fold job over their shared state; `full` is the helper's own. */
function sharedGroups(state: FoldState, steps: number): GroupState[] {
  return Array.from({ length: state.groups }, (_, g) => ({
    ...stateOf(state, g, steps),
    labels: [],
    lastDropStep: -1,
    full: false,
  }));
}
