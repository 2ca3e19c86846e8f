/**
 * Where the windows `(ends[i] - range, ends[i]]` of a range query lie in one timestamps
 * array, and the extrapolation shape of each: the part of rate() that depends on sample times
 * alone. Series scraped together share their timestamps (the decoded-series cache keeps one
 * array for all of them), so the layout is worked out once per file and reused by thousands of
 * series, which then only read their values.
 */
import { nextAbove } from "../../../../shared/model/search.ts";
import { rangeSeconds } from "../../functions/range_rate.ts";

/** The windows of steps [from, to) over one timestamps array. */
export class WindowPlan {
  /** Per step: index of the window's first sample, and one past its last. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** Per step: its shape in `shapes` (windows of fewer than two samples have none). */
  readonly shapeOf: Int32Array;
  readonly shapes: WindowShape[] = [];
  /**
   * Per step, from its shape: the factor without the counter's zero clamp, and 1 where the
   * clamp cannot apply when the first value is at least the increase (`WindowShape.sure`).
   * Read by the rate loop instead of the shape, which keeps the loop on typed arrays.
   */
  readonly factor: Float64Array;
  readonly sure: Uint8Array;
  /** Samples the windows hold, summed. */
  touched = 0;
  /** Steps whose window holds two samples or more: those that have a value. */
  windows = 0;
  from = 0;
  to = 0;
  /** The samples the windows reach: [first, end). */
  first = 0;
  end = 0;

  constructor(steps: number) {
    this.lo = new Int32Array(steps);
    this.hi = new Int32Array(steps);
    this.shapeOf = new Int32Array(steps);
    this.factor = new Float64Array(steps);
    this.sure = new Uint8Array(steps);
  }

  /**
   * Lays out the windows of steps [from, to) over `ts`; `divisor` 0 lays out no shapes (for
   * the functions that do not extrapolate).
   */
  fill(
    ts: Float64Array,
    len: number,
    ends: Float64Array,
    range: number,
    divisor: number,
    from: number,
    to: number,
  ): void {
    const shapes = this.shapes;
    shapes.length = 0;
    this.from = from;
    this.to = to;
    let lo = 0;
    let hi = 0;
    // Window bounds usually move by the same stride as at the step before: check that first.
    let strideLo = 0;
    let strideHi = 0;
    let touched = 0;
    let windows = 0;
    let shape: WindowShape | null = null;
    for (let i = from; i < to; i++) {
      const end = ends[i];
      const start = end - range;
      const h = nextAbove(ts, end, hi, len, strideHi);
      strideHi = h - hi;
      hi = h;
      const l = nextAbove(ts, start, lo, hi, strideLo);
      strideLo = l - lo;
      lo = l;
      this.lo[i] = lo;
      this.hi[i] = hi;
      touched += hi - lo;
      const last = hi - 1;
      if (last - lo < 1) continue;
      windows++;
      if (divisor === 0) continue;
      const toStart = ts[lo] - start;
      const toEnd = end - ts[last];
      const span = ts[last] - ts[lo];
      if (shape === null || !shape.is(toStart, toEnd, span, last - lo)) {
        shape = new WindowShape(divisor, toStart, toEnd, span, last - lo);
        shapes.push(shape);
      }
      this.shapeOf[i] = shapes.length - 1;
      this.factor[i] = shape.factor;
      this.sure[i] = shape.sure ? 1 : 0;
    }
    this.touched = touched;
    this.windows = windows;
    this.first = to > from ? this.lo[from] : 0;
    this.end = to > from ? this.hi[to - 1] : 0;
  }
}

/**
 * The window plans of one range-function call: cached by timestamps array for arrays that
 * come back (shared by many series), laid out afresh in a scratch plan for the others.
 */
export class Plans {
  private readonly cached = new Map<Float64Array, WindowPlan>();
  private readonly seen = new Set<Float64Array>();
  private readonly seams = new Map<Float64Array, KeptSeam>();
  private readonly scratch: WindowPlan;
  private readonly divisor: number;

  /** `perSecond` null: the windows alone, without rate()'s extrapolation shapes. */
  constructor(
    readonly ends: Float64Array,
    readonly range: number,
    perSecond: boolean | null,
  ) {
    this.scratch = new WindowPlan(ends.length);
    this.divisor = perSecond === null ? 0 : perSecond ? rangeSeconds(range) : 1;
  }

  /**
   * The plan of steps [from, to) over `ts`, an array that may be shared by many series; valid
   * until the next call unless it was kept.
   */
  shared(ts: Float64Array, from: number, to: number): WindowPlan {
    const hit = this.cached.get(ts);
    if (hit !== undefined && hit.from === from && hit.to === to) return hit;
    // An array met a second time is shared: keep its plan.
    if (hit === undefined && this.seen.has(ts)) {
      const plan = new WindowPlan(this.ends.length);
      this.cached.set(ts, plan);
      plan.fill(ts, ts.length, this.ends, this.range, this.divisor, from, to);
      return plan;
    }
    if (hit === undefined) this.seen.add(ts);
    return this.fresh(ts, from, to);
  }

  /**
   * The plan of steps [from, to) over the times of a seam between the shared arrays `prev` and
   * `next`: `prev` from `lo` on, then `next` up to `hi`, which `times()` copies out when the
   * plan must be laid out. Kept (see keptSeam) when both arrays are shared.
   */
  seam(
    prev: Float64Array,
    next: Float64Array,
    from: number,
    to: number,
    lo: number,
    hi: number,
    times: () => Float64Array,
  ): WindowPlan {
    const len = prev.length - lo + hi;
    if (!this.seams.has(next) && this.seen.has(prev) && this.seen.has(next)) {
      const plan = new WindowPlan(this.ends.length);
      plan.fill(times(), len, this.ends, this.range, this.divisor, from, to);
      this.seams.set(next, { prev, lo, hi, plan });
      return plan;
    }
    return this.fresh(times(), from, to, len);
  }

  /** The kept seam between `prev` and `next` for steps [from, to), if there is one. */
  keptSeam(prev: Float64Array, next: Float64Array, from: number, to: number): KeptSeam | undefined {
    const hit = this.seams.get(next);
    if (hit && hit.prev === prev && hit.plan.from === from && hit.plan.to === to) return hit;
    return undefined;
  }

  /**
   * The plan of steps [from, to) over the first `len` times of an array of one series (a
   * copy), in the scratch plan.
   */
  fresh(ts: Float64Array, from: number, to: number, len = ts.length): WindowPlan {
    this.scratch.fill(ts, len, this.ends, this.range, this.divisor, from, to);
    return this.scratch;
  }
}

/**
 * A seam's plan kept for the series that share its two arrays, with where its samples lie:
 * `prev` from `lo` on, then `next` up to `hi`.
 */
export interface KeptSeam {
  readonly prev: Float64Array;
  readonly lo: number;
  readonly hi: number;
  readonly plan: WindowPlan;
}

/**
 * The extrapolation of the kernel for one window shape: the distances (ms) from the window
 * edges to its first and last samples, the sampled span and the number of intervals. With
 * regular scrapes and steps the shape repeats from window to window, so its divisions are
 * done once per shape rather than once per window.
 */
export class WindowShape {
  private readonly durationToStart: number;
  private readonly durationToEnd: number;
  private readonly sampled: number;
  /** The factor (per second for rate) when the counter's zero point does not move the start. */
  readonly factor: number;

  /** `divisor` is the range in seconds for rate, 1 otherwise. */
  constructor(
    private readonly divisor: number,
    private readonly toStartMs: number,
    private readonly toEndMs: number,
    private readonly spanMs: number,
    private readonly intervals: number,
  ) {
    let durationToStart = toStartMs / 1000;
    let durationToEnd = toEndMs / 1000;
    const sampled = spanMs / 1000;
    const average = sampled / intervals;
    const threshold = average * 1.1;
    if (durationToStart >= threshold) durationToStart = average / 2;
    if (durationToEnd >= threshold) durationToEnd = average / 2;
    this.durationToStart = durationToStart;
    this.durationToEnd = durationToEnd;
    this.sampled = sampled;
    this.factor = this.factorFrom(durationToStart);
  }

  /** True when a window with these distances has this shape. */
  is(toStartMs: number, toEndMs: number, spanMs: number, intervals: number): boolean {
    return (
      toStartMs === this.toStartMs &&
      toEndMs === this.toEndMs &&
      spanMs === this.spanMs &&
      intervals === this.intervals
    );
  }

  /**
   * True when the zero clamp cannot apply to a window whose first value is at least its
   * increase: the zero point then lies a whole sampled span back, no nearer than the
   * extrapolated start.
   */
  get sure(): boolean {
    return this.sampled >= this.durationToStart;
  }

  /** The factor with the kernel's zero clamp applied. */
  clampedFactor(firstV: number, result: number): number {
    const durationToZero = this.sampled * (firstV / result);
    if (durationToZero < this.durationToStart) return this.factorFrom(durationToZero);
    return this.factor;
  }

  private factorFrom(durationToStart: number): number {
    const sampled = this.sampled;
    const factor = sampled !== 0 ? (sampled + durationToStart + this.durationToEnd) / sampled : 1;
    // The kernel divides the factor, not the result, by the range: same rounding here.
    return this.divisor === 1 ? factor : factor / this.divisor;
  }
}
