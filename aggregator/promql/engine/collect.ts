/**
 * Building a vector's series from outputs keyed by label set, with Prometheus's rule that
 * two outputs with the same labels become one series when they never hold a value at the
 * same step, and are an error when they do.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { PromQLError } from "../value.ts";
import { labelsKey } from "./labelset.ts";
import type { Limits } from "./limits.ts";
import { countPresent, type StepSeries } from "./types.ts";

/** Prometheus's error for two samples with equal labels at one step. */
export const DUPLICATE_LABELSET = "vector cannot contain metrics with the same labelset";

/** Throws Prometheus's duplicate-labelset error. */
export function duplicateLabelset(): never {
  throw new PromQLError("execution", DUPLICATE_LABELSET);
}

/** An empty series over `n` steps. */
export function emptySeries(labels: Labels, n: number, dropName: boolean): StepSeries {
  return { labels, values: new Float64Array(n), present: new Uint8Array(n), dropName };
}

/**
 * What a series of `n` steps holds in memory, counted in samples (16 bytes each, as
 * Prometheus's points): its values and presence mask over every step, present or not, and
 * its label set. A sparse series costs the engine its whole grid: a count_values over a
 * million series with distinct values builds a million of them.
 */
export function seriesCost(labels: Labels, n: number): number {
  let bytes = 9 * n + 64;
  for (let i = 0; i < labels.length; i++) bytes += 16 + 2 * labels[i].length;
  return Math.ceil(bytes / 16);
}

/**
 * Output series by label set, in the order first created. Each series is accounted against
 * the query's sample limit as it is made: the larger of its points and its memory
 * (`seriesCost`).
 */
export class SeriesCollector {
  private readonly byKey = new Map<string, StepSeries>();
  private readonly list: StepSeries[] = [];
  /** What each series was accounted when made, by position in `list`. */
  private readonly held: number[] = [];

  constructor(
    private readonly n: number,
    private readonly limits: Limits,
  ) {}

  /** The series with these labels, created on first use (its `dropName` is the first caller's). */
  slot(labels: Labels, dropName: boolean): StepSeries {
    const key = labelsKey(labels);
    let s = this.byKey.get(key);
    if (s === undefined) {
      const cost = seriesCost(labels, this.n);
      this.limits.hold(cost);
      s = emptySeries(labels, this.n, dropName);
      this.byKey.set(key, s);
      this.list.push(s);
      this.held.push(cost);
    }
    return s;
  }

  /** Adds a whole series, copying the caller's buffers. */
  add(labels: Labels, values: Float64Array, present: Uint8Array, dropName: boolean): void {
    const key = labelsKey(labels);
    const prev = this.byKey.get(key);
    if (prev === undefined) {
      const cost = Math.max(countPresent(present), seriesCost(labels, this.n));
      this.limits.hold(cost);
      const s = { labels, values: values.slice(), present: present.slice(), dropName };
      this.byKey.set(key, s);
      this.list.push(s);
      this.held.push(cost);
      return;
    }
    this.limits.hold(countPresent(present));
    mergeInto(prev, values, present);
  }

  /** The series that hold at least one value (points beyond what was accounted are held now). */
  finish(): StepSeries[] {
    const out: StepSeries[] = [];
    this.list.forEach((s, k) => {
      const points = countPresent(s.present);
      if (points === 0) return;
      if (points > this.held[k]) this.limits.hold(points - this.held[k]);
      out.push(s);
    });
    return out;
  }
}

/** Sets step `i` of `s`, refusing a second value at one step. */
export function put(s: StepSeries, i: number, v: number): void {
  if (s.present[i]) duplicateLabelset();
  s.values[i] = v;
  s.present[i] = 1;
}

function mergeInto(into: StepSeries, values: Float64Array, present: Uint8Array): void {
  for (let i = 0; i < present.length; i++) {
    if (!present[i]) continue;
    if (into.present[i]) duplicateLabelset();
    into.values[i] = values[i];
    into.present[i] = 1;
  }
}

/**
 * Merges series whose labels became equal (after a relabeling or dropping names). With
 * `limits`, the label sets (new ones, mostly) are accounted against the sample limit.
 */
export function mergeSameLabels(series: StepSeries[], limits?: Limits): StepSeries[] {
  if (limits) for (const s of series) limits.hold(seriesCost(s.labels, 0));
  if (series.length < 2) return series;
  const index = new Map<string, number>();
  const owned = new Set<number>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const key = labelsKey(s.labels);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, out.length);
      out.push(s);
      continue;
    }
    if (!owned.has(at)) {
      // Copy before writing so that the inputs stay untouched.
      const p = out[at];
      out[at] = { ...p, values: p.values.slice(), present: p.present.slice() };
      owned.add(at);
    }
    mergeInto(out[at], s.values, s.present);
  }
  return out;
}
