/**
 * The metadata queries over stored series: `/api/v1/series`, `/api/v1/labels` and
 * `/api/v1/label/<name>/values`, with Prometheus 3's parameters (`match[]`, `start`, `end`,
 * `limit`) and messages. Each opens one querier and closes it before answering.
 */

import { OutpostError } from "../../../shared/errors/errors.ts";
import { compareLabels, isValidLabelName, type Labels } from "../../../shared/model/labels.ts";
import { sortUtf8 } from "../../../shared/model/order.ts";
import type { LabelMatcher, Querier, Queryable, TimeRange } from "../../storage/storage.ts";
import type { Form } from "./form.ts";
import { labelsJson } from "./format.ts";
import { MAX_TIME_MS, MIN_TIME_MS, parseLimit, parseTimeParam } from "./params.ts";
import { param, success } from "./respond.ts";
import { parseMatchers, unescapeLabelName } from "./selectors.ts";

const TRUNCATED = "results truncated due to limit";

/** Answers `/api/v1/series`: the label sets of the series matching any `match[]`. */
export async function series(form: Form, queryable: Queryable): Promise<Response> {
  const selectors = form.all("match[]");
  if (selectors.length === 0) throw new OutpostError("bad_data", "no match[] parameter provided");
  const limit = param("limit", () => parseLimit(form.get("limit")));
  const range = readRange(form);
  const sets = param("match[]", () => parseMatchers(selectors));
  const found = await withQuerier(queryable, async (q) => {
    const byKey = new Map<string, Labels>();
    for (const set of sets) {
      for (const s of await q.select(set, range)) byKey.set(s.labels.join("\xff"), s.labels);
    }
    return [...byKey.values()].sort(compareLabels);
  });
  const { items, warnings } = cut(found, limit);
  return success(`[${items.map(labelsJson).join(",")}]`, warnings);
}

/** Answers `/api/v1/labels`: the label names of the series matching any `match[]` (or all). */
export async function labelNames(form: Form, queryable: Queryable): Promise<Response> {
  const limit = param("limit", () => parseLimit(form.get("limit")));
  const range = readRange(form);
  const sets = readMatchers(form);
  const names = await withQuerier(queryable, (q) =>
    union(sets, (matchers) => q.labelNames(matchers, range)),
  );
  const { items, warnings } = cut(names, limit);
  return success(JSON.stringify(items), warnings);
}

/** Answers `/api/v1/label/<name>/values`; `name` may be `U__`-escaped, as Prometheus 3 allows. */
export async function labelValues(
  rawName: string,
  form: Form,
  queryable: Queryable,
): Promise<Response> {
  const name = unescapeLabelName(rawName);
  if (!isValidLabelName(name)) {
    throw new OutpostError("bad_data", `invalid label name: ${JSON.stringify(name)}`);
  }
  const limit = param("limit", () => parseLimit(form.get("limit")));
  const range = readRange(form);
  const sets = readMatchers(form);
  const values = await withQuerier(queryable, (q) =>
    union(sets, (matchers) => q.labelValues(name, matchers, range)),
  );
  const { items, warnings } = cut(values, limit);
  return success(JSON.stringify(items), warnings);
}

/** `start` and `end`, defaulting to all time as Prometheus's `MinTime`/`MaxTime`. */
function readRange(form: Form): TimeRange {
  const start = param("start", () => parseTimeParam(form, "start", MIN_TIME_MS));
  const end = param("end", () => parseTimeParam(form, "end", MAX_TIME_MS));
  return { start, end };
}

/** Optional `match[]`; Prometheus reports its errors without naming the parameter here. */
function readMatchers(form: Form): LabelMatcher[][] {
  try {
    return parseMatchers(form.all("match[]"));
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
function cut<T>(items: T[], limit: number): { items: T[]; warnings: string[] } {
  if (limit > 0 && items.length > limit)
    return { items: items.slice(0, limit), warnings: [TRUNCATED] };
  return { items, warnings: [] };
}

/** Runs `read` on a fresh querier; storage failures answer as `execution` errors. */
async function withQuerier<T>(queryable: Queryable, read: (q: Querier) => Promise<T>): Promise<T> {
  let querier: Querier;
  try {
    querier = await queryable.querier();
  } catch (err) {
    throw new OutpostError("execution", (err as Error).message);
  }
  try {
    return await read(querier);
  } catch (err) {
    throw err instanceof OutpostError ? err : new OutpostError("execution", (err as Error).message);
  } finally {
    querier.close();
  }
}
