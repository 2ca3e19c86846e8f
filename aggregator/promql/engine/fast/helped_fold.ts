/**
 * An aggregation over rate() (`sum by (job) (rate(x[5m]))`) with whole groups folded on both
 * threads. The block hand-off (range_calls.ts) has the helper rate series and the main
 * thread fold every result, reading each from the other core's cache; with many groups the
 * fold of results from a ring is a third of the query. Here the groups are shared instead:
 * the main thread and the helper each claim the next group (an atomic counter), rate its
 * series and fold them into its state, the helper's in shared memory, until none is left, so
 * the faster thread takes more. A group's members are still folded one by one in series
 * order, by the same code, so results are bit for bit those of one thread. The main thread
 * takes the helper's groups' state at the end.
 */
import type { Labels } from "../../../../shared/model/labels.ts";
import type { GroupState } from "../aggregate.ts";
import type { GroupRouting, Relabel } from "../fast_paths.ts";
import type { Limits } from "../limits.ts";
import type { WindowInput } from "../windows.ts";
import { FAST_FOLDS } from "./folds.ts";
import type { FoldJobControl } from "./parallel_rate.ts";
import {
  type FoldState,
  foldNeedsCounts,
  foldState,
  stateOf,
  type WalkCall,
} from "./parallel_rate_protocol.ts";
import type { HelperSettings } from "./sliding.ts";
import { readMode, WALK } from "./sliding_parts.ts";

/** One query's groups shared between the main thread and the helper. */
export class HelpedFold {
  /** 1 for each series of a shared group: walkBlock skips it, claim() rates it. */
  readonly skip: Uint8Array;
  /** 1 for each series that produced a value at some step. */
  private readonly produced: Uint8Array;
  /** The aggregation's group of each group number, made when first needed. */
  private readonly states: (GroupState | undefined)[] = [];
  /** 1 for each shared group the main thread claimed. */
  private readonly mine: Uint8Array;

  private constructor(
    private readonly job: FoldJobControl,
    private readonly routing: GroupRouting,
    private readonly steps: number,
    /** The group number of each series, and each group's first series. */
    private readonly member: Int32Array,
    private readonly first: readonly number[],
    /** The group number of each shared group. */
    private readonly shared: Int32Array,
    /** The series of the shared groups, group after group: those of shared group `l` are
     * handed[groupStart[l], groupStart[l + 1]). */
    private readonly handed: Int32Array,
    private readonly groupStart: Int32Array,
    private readonly claims: Int32Array,
    private readonly state: FoldState,
    private readonly labelsOf: (index: number) => Labels,
    private readonly dropName: boolean,
  ) {
    this.skip = new Uint8Array(member.length);
    for (const i of handed) this.skip[i] = 1;
    this.produced = new Uint8Array(member.length);
    this.mine = new Uint8Array(shared.length);
  }

  /**
   * Finds the groups of `input`'s series that the helper can walk (all their slices narrow,
   * cached, in place) and starts it claiming them; null when there is no helper or it is
   * busy, the fold or the series do not suit it, or the groups do not share well (one big
   * group: the block hand-off serves that). Makes no group of the aggregation's: on null,
   * the caller's path makes them in its own order.
   */
  static start(
    settings: HelperSettings,
    input: WindowInput,
    call: WalkCall,
    counter: boolean,
    routing: GroupRouting,
    relabel: Relabel,
  ): HelpedFold | null {
    const helper = settings.helper;
    const series = input.series;
    if (helper === undefined || series.length < settings.minSeries || !(routing.op in FAST_FOLDS))
      return null;
    const labelsOf = routing.ignoresMetadata
      ? (i: number) => series[i].labels
      : (i: number) => relabel(i).labels;
    // Group numbers by key, in order of first member; each group's size and first member.
    const numbers = new Map<string, number>();
    const member = new Int32Array(series.length);
    const sizes: number[] = [];
    const first: number[] = [];
    const suited: boolean[] = [];
    for (let i = 0; i < series.length; i++) {
      const key = routing.keyOf(labelsOf(i));
      let g = numbers.get(key);
      if (g === undefined) {
        g = numbers.size;
        numbers.set(key, g);
        sizes.push(0);
        first.push(i);
        suited.push(true);
      }
      member[i] = g;
      sizes[g]++;
      const stored = series[i].stored;
      suited[g] &&=
        stored !== null &&
        readMode(stored, input.range, settings.walkRatio) === WALK &&
        helper.holds(stored.parts!, counter);
    }
    // The shared groups, and where each one's series start among the handed ones.
    const local = new Int32Array(sizes.length).fill(-1);
    const shared: number[] = [];
    const starts = [0];
    let biggest = 0;
    sizes.forEach((size, g) => {
      if (!suited[g]) return;
      local[g] = shared.length;
      shared.push(g);
      starts.push(starts[starts.length - 1] + size);
      biggest = Math.max(biggest, size);
    });
    const total = starts[starts.length - 1];
    // Too few series to share, or a group too big to leave the other thread enough work.
    if (total === 0) return null;
    if (!settings.shareAnyGroups && (total < series.length / 4 || biggest > total / 3)) return null;
    const groupStart = Int32Array.from(starts);
    const handed = new Int32Array(total);
    const next = groupStart.slice(0, shared.length);
    for (let i = 0; i < series.length; i++) {
      const l = local[member[i]];
      if (l >= 0) handed[next[l]++] = i;
    }
    const parts = Array.from(handed, (i) => series[i].stored!.parts!);
    const steps = input.ends.length;
    const state = foldState(routing.op, shared.length, steps);
    const claims = new Int32Array(new SharedArrayBuffer(4));
    const job = helper.startFold(call, parts, {
      op: routing.op,
      groupStart,
      claims,
      state,
    });
    if (job === null) return null;
    // Whether the function drops the name (delayed): the same for every series.
    const dropName = relabel(0).dropName;
    return new HelpedFold(
      job,
      routing,
      steps,
      member,
      first,
      Int32Array.from(shared),
      handed,
      groupStart,
      claims,
      state,
      labelsOf,
      dropName,
    );
  }

  /** Folds series `i` of a group not shared, which produced a value, into its group. */
  add(i: number, values: Float64Array, present: Uint8Array): void {
    this.produced[i] = 1;
    this.routing.add(this.group(this.member[i]), values, present, this.dropName);
  }

  /**
   * Claims shared groups until none is left, as the helper does, and folds their series
   * here: `rate(i)` rates series `i` into `buffer` and returns how many steps produced a
   * value. The faster thread takes more groups, whatever slows the other.
   */
  async claim(
    limits: Limits,
    rate: (index: number) => number,
    buffer: { readonly values: Float64Array; readonly present: Uint8Array },
  ): Promise<void> {
    const { groupStart, handed } = this;
    for (;;) {
      const l = Atomics.add(this.claims, 0, 1);
      if (l >= this.shared.length) return;
      this.mine[l] = 1;
      const g = this.group(this.shared[l]);
      for (let k = groupStart[l]; k < groupStart[l + 1]; k++) {
        // Per series: a group can hold thousands, and other queries wait meanwhile.
        if (limits.due()) await limits.turn();
        const i = handed[k];
        if (rate(i) <= 0) continue;
        this.produced[i] = 1;
        this.routing.add(g, buffer.values, buffer.present, this.dropName);
      }
    }
  }

  /**
   * Waits for the helper (letting other work run and checking the query's limits), then gives
   * its groups their state.
   * If the helper failed, `walk` rates and folds each series of its groups here instead
   * (returning whether it produced a value). Returns the samples the helper's windows held.
   */
  async settle(limits: Limits, walk: (index: number) => boolean): Promise<number> {
    const job = this.job;
    await job.finish(limits);
    const failed = job.failed;
    const { groupStart, handed } = this;
    for (let l = 0; l < this.shared.length; l++) {
      if (this.mine[l]) continue;
      for (let k = groupStart[l]; k < groupStart[l + 1]; k++) {
        const i = handed[k];
        this.produced[i] = (failed ? walk(i) : job.counts[k] > 0) ? 1 : 0;
      }
    }
    // The helper's index of each group number it folded, -1 for the others.
    const helpers = new Int32Array(this.first.length).fill(-1);
    for (let l = 0; l < this.shared.length; l++) {
      if (!failed && !this.mine[l]) helpers[this.shared[l]] = l;
    }
    // The groups in the order one thread makes them: by their first member with a value.
    // (Made first, as making one lists it at the end.)
    const order: GroupState[] = [];
    const listed = new Uint8Array(this.first.length);
    this.member.forEach((g, i) => {
      if (!this.produced[i] || listed[g]) return;
      listed[g] = 1;
      const state = this.group(g);
      if (helpers[g] >= 0) this.adopt(state, helpers[g]);
      order.push(state);
    });
    const groups = this.routing.groups;
    groups.length = 0;
    groups.push(...order);
    return failed ? 0 : job.touched;
  }

  /** Stops the helper (the query failed or timed out). */
  cancel(): void {
    this.job.cancel();
  }

  /** The aggregation's group of group number `g`. */
  private group(g: number): GroupState {
    let state = this.states[g];
    if (state === undefined) {
      state = this.routing.groupOf(this.labelsOf(this.first[g]));
      this.states[g] = state;
    }
    return state;
  }

  /** Copies the helper's state of shared group `l` into `g`. */
  private adopt(g: GroupState, l: number): void {
    const from = stateOf(this.state, l, this.steps);
    g.value.set(from.value);
    g.aux.set(from.aux);
    g.seen.set(from.seen);
    if (foldNeedsCounts(this.routing.op)) {
      g.mean.set(from.mean);
      g.count.set(from.count);
    }
    if (this.dropName) g.lastDropStep = from.seen.findLastIndex((s) => s !== 0);
  }
}
