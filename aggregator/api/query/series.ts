/**
 * Lookups over stored series, whatever transport asked: the series matching selectors, their
 * label names, one label's values; with Prometheus 3's messages and `limit`. Each opens one
 * querier and closes it before answering.
 */
import { causeOfType, OutpostError } from "../../../shared/errors/errors.ts";
import { goQuote } from "../../../shared/model/go_string.ts";
import { compareLabels, isValidLabelName, type Labels } from "../../../shared/model/labels.ts";
import { sortUtf8 } from "../../../shared/model/order.ts";
import { deadlineBudget, withBudget } from "../../../shared/runtime/budget.ts";
import type { LabelMatcher, Querier, Queryable, TimeRange } from "../../storage/storage.ts";
import { param } from "./errors.ts";
import { parseMatchers } from "./selectors.ts";

const TRUNCATED = "results truncated due to limit";

/**
 * Which series a lookup reads: selectors (any may match), a time range, a limit (0: none); and
 * the client's signal, which ends the lookup when the client goes away.
 */
export interface Selection {
  readonly matchers: readonly string[];
  readonly range: TimeRange;
  readonly limit: number;
  readonly signal?: AbortSignal;
}

/** Items found, cut to the limit, with a warning when some were cut. */
export interface Found<T> {
  readonly items: T[];
  readonly warnings: string[];
}

/** Refuses a series lookup without selectors (Prometheus checks it first). */
export function checkSeriesMatchers(matchers: readonly string[]): void {
  if (matchers.length === 0) throw new OutpostError("bad_data", "no match[] parameter provided");
}

/** Refuses a label name that is not valid UTF-8 text. */
export function checkLabelName(name: string): void {
  if (!isValidLabelName(name)) {
    throw new OutpostError("bad_data", `invalid label name: ${goQuote(name)}`);
  }
}

/** The label sets of the series matching any selector, sorted. */
export async function findSeries(queryable: Queryable, s: Selection): Promise<Found<Labels>> {
  checkSeriesMatchers(s.matchers);
  const sets = param("match[]", () => parseMatchers([...s.matchers]));
  const found = await withQuerier(queryable, s.signal, async (q) => {
    const byKey = new Map<string, Labels>();
    for (const set of sets) {
      for (const x of await q.select(set, s.range)) byKey.set(x.labels.join("\xff"), x.labels);
    }
    return [...byKey.values()].sort(compareLabels);
  });
  return cut(found, s.limit);
}

/** The label names of the series matching any selector (all series when none), sorted. */
export async function findLabelNames(queryable: Queryable, s: Selection): Promise<Found<string>> {
  const sets = readMatchers(s.matchers);
  const names = await withQuerier(queryable, s.signal, (q) =>
    union(sets, (matchers) => q.labelNames(matchers, s.range)),
  );
  return cut(names, s.limit);
}

/** The values of label `name` over the matching series (all when none), sorted. */
export async function findLabelValues(
  queryable: Queryable,
  name: string,
  s: Selection,
): Promise<Found<string>> {
  checkLabelName(name);
  const sets = readMatchers(s.matchers);
  const values = await withQuerier(queryable, s.signal, (q) =>
    union(sets, (matchers) => q.labelValues(name, matchers, s.range)),
  );
  return cut(values, s.limit);
}

/** Optional selectors; Prometheus reports their errors without naming the parameter here. */
function readMatchers(matchers: readonly string[]): LabelMatcher[][] {
  try {
    return parseMatchers([...matchers]);
  } catch (err) {
    throw new OutpostError("bad_data", (err as Error).message);
  }
}

/** Sorted union of `lookup` over each matcher set; one lookup over everything when none. */
async function union(
  sets: readonly LabelMatcher[][],
  lookup: (matchers: readonly LabelMatcher[]) => Promise<string[]>,
): Promise<string[]> {
  if (sets.length <= 1) return lookup(sets[0] ?? []);
  const all = new Set<string>();
  for (const set of sets) for (const v of await lookup(set)) all.add(v);
  return sortUtf8([...all]);
}

/** The first `limit` items (0: all), with Prometheus's warning when some were cut. */
function cut<T>(items: T[], limit: number): Found<T> {
  if (limit > 0 && items.length > limit)
    return { items: items.slice(0, limit), warnings: [TRUNCATED] };
  return { items, warnings: [] };
}

/**
 * How long a lookup's matchers may run (Prometheus's default query timeout): a costly regex
 * over many label values stops there (shared/runtime/budget.ts) rather than holding the thread.
 */
export const LOOKUP_TIMEOUT_MS = 120_000;

/**
 * Runs `read` on a fresh querier, ended by the lookup's timeout or the client going away;
 * storage failures answer as `execution` errors.
 */
export function withQuerier<T>(
  queryable: Queryable,
  client: AbortSignal | undefined,
  read: (q: Querier) => Promise<T>,
): Promise<T> {
  const deadline = deadlineBudget(
    performance.now() + LOOKUP_TIMEOUT_MS,
    undefined,
    () => new OutpostError("timeout", "lookup timed out matching label values"),
  );
  const budget = {
    check() {
      if (client?.aborted)
        throw new OutpostError("canceled", "lookup canceled: the client went away");
      deadline.check();
    },
  };
  return withBudget(budget, () => readWith(queryable, read));
}

async function readWith<T>(queryable: Queryable, read: (q: Querier) => Promise<T>): Promise<T> {
  let querier: Querier;
  try {
    querier = await queryable.querier();
  } catch (err) {
    throw new OutpostError("execution", (err as Error).message);
  }
  try {
    return await read(querier);
  } catch (err) {
    throw causeOfType(err, OutpostError) ?? new OutpostError("execution", (err as Error).message);
  } finally {
    querier.close();
  }
}
