import type { Series } from "../../../shared/model/series.ts";

/**
 * The per-series and per-group state of the aggregation, shaped for the hot path: a sample
 * costs one WeakMap lookup to its {@link Route} and a few field updates per rule it feeds.
 */

/** A group summing counters: it follows each input's increases, so resets do not lower it. */
export const COUNTER_SUM = 0;
/** A group that needs only each input's last value (sum, count and avg of gauges; count and avg of counters). */
export const LAST_VALUE = 1;
/** A group that also folds every sample of the interval into a minimum and a maximum. */
export const MIN_MAX = 2;

/** What a member needs of the rule it belongs to. */
export interface MemberOwner {
  /** Number of the interval in progress; a member sampled in it has `touched === gen`. */
  readonly gen: number;
  /** Matched samples not yet added to the self-metrics (the hot path adds to a plain number). */
  matched: number;
  /** Puts a detached member (new, or gone and back) into its group. */
  attach(member: Member): void;
}

/** One output series of a rule and the inputs feeding it. */
export class Group {
  /** Inputs that were live at the last flush or joined since. */
  readonly members: Member[] = [];
  /** Running sum of increases (COUNTER_SUM). */
  total = 0;
  /** Extremes of this interval's samples (MIN_MAX); NaN until one is seen. */
  min = Number.NaN;
  max = Number.NaN;

  constructor(
    readonly key: string,
    readonly series: Series,
    readonly mode: number,
  ) {}
}

/** One input series as seen by one rule. */
export class Member {
  /** The group it feeds; null while detached (not yet sampled, or gone). */
  group: Group | null = null;
  /** Last raw value; for a counter, what its next increase is measured from. */
  last = 0;
  has = false;
  /** False once a staleness marker came, or the input fell silent for the lookback. */
  live = false;
  /** Interval number of its last sample. */
  touched = -1;

  constructor(
    readonly series: Series,
    readonly owner: MemberOwner,
    /** Whether the input counts up (by TYPE or name), decided when it is first seen. */
    readonly counter: boolean,
  ) {}
}

/** Where one input series goes: the rules it feeds, and whether it also passes downstream. */
export class Route {
  constructor(
    readonly members: readonly Member[],
    readonly pass: boolean,
  ) {}
}

/** The route of every series no rule matches. */
export const PASS_THROUGH = new Route([], true);

/** Feeds one value to a member (hot path); false when it cannot be aggregated (NaN into a counter sum). */
export function addSample(m: Member, v: number): boolean {
  if (!m.live) revive(m);
  const g = m.group!;
  if (g.mode === COUNTER_SUM) {
    // A NaN would poison the running total for good: the caller drops and counts it instead.
    if (Number.isNaN(v)) return false;
    // The first value counts in full (the output starts near the raw sum); a drop is a reset.
    g.total += m.has && v >= m.last ? v - m.last : v;
  } else if (g.mode === MIN_MAX) {
    // As PromQL's min/max: a NaN is replaced by any number, and never replaces one.
    if (g.min > v || Number.isNaN(g.min)) g.min = v;
    if (g.max < v || Number.isNaN(g.max)) g.max = v;
  }
  m.last = v;
  m.has = true;
  m.touched = m.owner.gen;
  return true;
}

/** A staleness marker: the input stops contributing after this interval, its total stays. */
export function endSample(m: Member): void {
  m.live = false;
}

function revive(m: Member): void {
  // Marked stale earlier in this interval: it is still in its group, so it just resumes.
  if (m.group !== null) m.live = true;
  else m.owner.attach(m);
}
