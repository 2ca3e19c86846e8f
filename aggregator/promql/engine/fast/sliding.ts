/**
 * Every range function through the sliding-window path: each series' windows laid out once per
 * shared timestamps array (window_plan.ts) and walked over its stored slices in place
 * (walks.ts: rate()'s fused kernel in sliding_parts.ts, every other function's sliding kernel
 * in slide_parts.ts), blocks of series handed to the helper thread, or whole groups of an
 * aggregation shared with it (helped_fold.ts). The reference is the kernel of functions/ run
 * window by window (windows.ts): same results, bit for bit.
 */
import type { CachedPart } from "../../../storage/cache/part.ts";
import type { EvalContext } from "../context.ts";
import type { GroupRouting, Relabel, WindowSink } from "../fast_paths.ts";
import type { WindowInput } from "../windows.ts";
import { HelpedFold } from "./helped_fold.ts";
import { joinedValues } from "./join_buffer.ts";
import type { HelperJob, RateHelper } from "./parallel_rate.ts";
import type { WalkCall } from "./parallel_rate_protocol.ts";
import { PartsCursor, readMode, WALK, WHOLE } from "./sliding_parts.ts";
import { type SeriesWalk, seriesWalk, walkTogether } from "./walks.ts";

/** The helper thread and the thresholds for handing it work. */
export interface HelperSettings {
  readonly helper: RateHelper | undefined;
  /** Fewest series worth handing to the helper. */
  readonly minSeries: number;
  /** Series walked together, and handed over together. */
  readonly block: number;
  /** Ranges per slice a series' span must hold for its slices to be walked (partsPay). */
  readonly walkRatio: number;
  /** Share the groups of an aggregation with the helper however few or big they are. */
  readonly shareAnyGroups: boolean;
  /** Every range function but rate's through its reference kernel per window. */
  readonly perWindowKernels: boolean;
  /** Narrow values read in place by the kernels that can (FastTuning.narrowKernels). */
  readonly narrowKernels: boolean;
}

/**
 * Series whose slices rate() walks together, a slice of each in turn: a block's slices of one
 * file lie side by side in memory, and reading them in order is what makes a day of 24 hourly
 * slices per series fast (reading one series at a time jumps between 24 files). Results stay
 * per series and reach the sink in series order.
 */
export const BLOCK = 32;

/** `func(input)` (scalar arguments `params`) through the sliding-window path. */
export async function streamSliding(
  ctx: EvalContext,
  tuned: HelperSettings,
  input: WindowInput,
  func: string,
  params: readonly Float64Array[],
  onSeries: WindowSink,
  grouped?: { routing: GroupRouting; relabel: Relabel },
): Promise<void> {
  const { start: t0, step } = ctx.grid;
  const call: WalkCall = {
    func,
    ends: input.ends,
    range: input.range,
    params,
    t0,
    step,
    perWindowKernels: tuned.perWindowKernels,
    narrowKernels: tuned.narrowKernels,
  };
  const walk = seriesWalk(func, call);
  // A heavy kernel's series each take long enough to give other queries a turn between them,
  // and to be worth the helper's second thread a sixteenth as many of them (100 series of
  // stddev_over_time(…[10m]) over 24 h at a 60 s step: 67 → 38 ms on two threads).
  const settings = walk.heavy
    ? { ...tuned, minSeries: Math.ceil(tuned.minSeries / HEAVY_SHARE) }
    : tuned;
  const blockSize = walk.heavy ? 1 : settings.block;
  const ratio = settings.walkRatio;
  const n = ctx.grid.n;
  // No more buffers than series: a rule's query reads a few series, thousands of times a round.
  const buffers = buffersOf(Math.max(1, Math.min(blockSize, input.series.length)), n);
  const stats = { touched: 0 };
  const run = (ts: Float64Array, vs: Float64Array, checkStale: boolean, k: number) =>
    walk.whole(ts, vs, checkStale, buffers[k].values, buffers[k].present);
  // How each series of a block is read: stored samples as they are (in their per-file slices,
  // walked with the block's others, when the range is short beside them), or compacted when
  // they hold a staleness marker.
  const mode = new Uint8Array(blockSize);
  const series = input.series;
  const folded =
    grouped && walk.helps
      ? HelpedFold.start(settings, input, call, walk.counter, grouped.routing, grouped.relabel)
      : null;
  const helped = folded || !walk.helps ? null : handOff(settings, blockSize, input, call, walk);
  let taken = 0;
  let helperFailed = false;
  // A block of the helper's the main thread walked ahead of its turn (stealAhead), or -1.
  let ahead = -1;
  let aheadBuffers: ReturnType<typeof buffersOf> | null = null;
  const limits = ctx.limits;
  try {
    for (let b = 0, block = 0; b < series.length; b += blockSize, block++) {
      const size = Math.min(blockSize, series.length - b);
      if (limits.due()) await limits.turn();
      if (block === ahead) {
        passAhead(b, size);
        ahead = -1;
        continue;
      }
      const j = helped === null || helperFailed ? -1 : helped.order[block];
      // The main thread's own, one the helper has not reached yet, or all once it failed.
      if (j < 0 || helped!.job.claim(j)) {
        walkBlock(b, size);
        continue;
      }
      await takeHelpers(block, b, size);
    }
    if (helped) {
      await helped.job.finish(limits);
      // A helper that failed before its first block went unnoticed above: its cell is stale.
      if (!helperFailed && !helped.job.failed) stats.touched += helped.job.touched;
    }
    if (folded) {
      await folded.claim(limits, rateAlone, buffers[0]);
      stats.touched += await folded.settle(limits, walkAlone);
    }
  } catch (error) {
    helped?.job.cancel();
    folded?.cancel();
    throw error;
  }
  ctx.limits.total += stats.touched + walk.stats.touched;

  /**
   * Passes on the series of block `block` (the first at `b`) as the helper walked them; while
   * the next is not ready, walks a block ahead (stealAhead) rather than wait. Should the helper
   * fail, walks the rest of the block here.
   */
  async function takeHelpers(block: number, b: number, size: number): Promise<void> {
    const job = helped!.job;
    for (let k = 0; k < size; k++) {
      if (!helperFailed && !job.ready(taken)) {
        if (ahead < 0) ahead = stealAhead(block);
        if (!job.ready(taken)) await job.waitFor(taken, limits);
      }
      const got = helperFailed ? null : job.take(taken++);
      if (got === null) {
        helperFailed = true;
        walkAlone(b + k);
      } else if (got.count > 0) onSeries(series[b + k], got.values, got.present);
    }
  }

  /**
   * Rates series `i` (whose slices can be walked) into the first buffer; returns how many
   * steps produced a value.
   */
  function rateAlone(i: number): number {
    const { values, present, cursor } = buffers[0];
    cursor.reset();
    while (walk.part(series[i].stored!.parts!, values, present, cursor));
    return cursor.count;
  }

  /** Rates series `i` on its own and passes it on; true if it produced a value. */
  function walkAlone(i: number): boolean {
    if (rateAlone(i) <= 0) return false;
    onSeries(series[i], buffers[0].values, buffers[0].present);
    return true;
  }

  /**
   * Claims the first block after `from` that the helper has not reached (within
   * STEAL_REACH) and walks its series into the side buffers; returns it, or -1.
   */
  function stealAhead(from: number): number {
    const order = helped!.order;
    const last = Math.min(order.length - 1, from + STEAL_REACH);
    for (let block = from + 1; block <= last; block++) {
      const j = order[block];
      if (j < 0 || !helped!.job.claim(j)) continue;
      const b = block * blockSize;
      const size = Math.min(blockSize, series.length - b);
      aheadBuffers ??= buffersOf(blockSize, n);
      const parts = series.slice(b, b + size).map((s) => s.stored!.parts!);
      walkTogether(walk, parts, aheadBuffers);
      return block;
    }
    return -1;
  }

  /**
   * Passes on the series of the block stealAhead() walked, in order (narrow slices, as the
   * helper's: no staleness marker to read again without).
   */
  function passAhead(b: number, size: number): void {
    for (let k = 0; k < size; k++) {
      const { values, present, cursor } = aheadBuffers![k];
      if (cursor.count > 0) onSeries(series[b + k], values, present);
    }
  }

  function walkBlock(b: number, size: number): void {
    let walking = 0;
    for (let k = 0; k < size; k++) {
      ctx.limits.poll();
      mode[k] = folded?.skip[b + k] ? SKIP : readMode(series[b + k].stored, input.range, ratio);
      buffers[k].cursor.reset();
      if (mode[k] !== WALK) continue;
      // One slice (a joined entry's) has no file order to keep: it is walked when its turn
      // comes, in a buffer that the fold then still finds in the CPU's cache.
      if (series[b + k].stored!.parts!.length === 1) mode[k] = WALK_ONE;
      else walking++;
    }
    while (walking > 0) {
      walking = 0;
      for (let k = 0; k < size; k++) {
        if (mode[k] !== WALK) continue;
        const { values, present, cursor } = buffers[k];
        const parts = series[b + k].stored!.parts!;
        if (walk.part(parts, values, present, cursor)) walking++;
      }
    }
    for (let k = 0; k < size; k++) {
      if (mode[k] === SKIP) continue;
      const s = series[b + k];
      // Walked above into its own buffer, or computed now into the first.
      const out = mode[k] === WALK ? k : 0;
      let count = -1;
      if (mode[k] === WALK) count = buffers[k].cursor.count;
      else if (mode[k] === WALK_ONE) count = rateAlone(b + k);
      else if (mode[k] === WHOLE) count = run(s.stored!.ts, joinedValues(s.stored!), true, 0);
      if (count < 0) {
        const { ts, vs } = s.samples();
        count = run(ts, vs, false, 0);
      }
      if (count <= 0) continue;
      if (folded) folded.add(b + k, buffers[out].values, buffers[out].present);
      else onSeries(s, buffers[out].values, buffers[out].present);
    }
  }
}

/** A series of one slice, walked on its own (see walkBlock). */
const WALK_ONE = 4;

/** The read mode of a series the helper folds (HelpedFold): the main thread skips it. */
const SKIP = 3;

/** Results of a block's series, walked together: a buffer and a cursor for each. */
function buffersOf(size: number, steps: number) {
  return Array.from({ length: size }, () => ({
    values: new Float64Array(steps),
    present: new Uint8Array(steps),
    cursor: new PartsCursor(),
  }));
}

/**
 * How many blocks past the one it waits for the main thread looks through for one the helper
 * has not reached. The helper is still in that block and claims in order, so the next block
 * offered is unclaimed; blocks not offered (the main thread's own) may lie between.
 */
const STEAL_REACH = 16;

/** Below this many series, handing blocks to the helper thread costs more than it saves. */
export const HELPED_MIN_SERIES = 512;

/** How many times fewer series of a heavy kernel are worth the helper (32 by default). */
const HEAVY_SHARE = 16;

/**
 * Offers the helper thread every block whose series it can walk (all slices in the cache
 * and mirrored there, narrow or wide, walked in place), to share with the main thread as
 * each claims them (HelperJob); `order[block]` is the block's number among those offered,
 * -1 for the main thread's own.
 * Null when there is no helper, it is busy, or nothing suits it.
 */
function handOff(
  settings: HelperSettings,
  blockSize: number,
  input: WindowInput,
  call: WalkCall,
  walk: SeriesWalk,
): { job: HelperJob; order: Int32Array } | null {
  const helper = settings.helper;
  const series = input.series;
  if (helper === undefined || series.length < settings.minSeries) return null;
  const counter = walk.counter;
  const order = new Int32Array(Math.ceil(series.length / blockSize)).fill(-1);
  const handed: (readonly CachedPart[])[] = [];
  let offered = 0;
  for (let block = 0; block < order.length; block++) {
    const from = block * blockSize;
    const to = Math.min(series.length, from + blockSize);
    let suits = true;
    for (let i = from; i < to && suits; i++) {
      const stored = series[i].stored;
      suits =
        stored !== null &&
        readMode(stored, input.range, settings.walkRatio) === WALK &&
        helper.holds(stored.parts!, counter);
    }
    if (!suits) continue;
    order[block] = offered++;
    for (let i = from; i < to; i++) handed.push(series[i].stored!.parts!);
  }
  if (handed.length === 0) return null;
  const job = helper.start(call, handed, blockSize);
  return job && { job, order };
}
