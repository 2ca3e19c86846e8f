/**
 * The metadata queries over stored series: `/api/v1/series`, `/api/v1/labels` and
 * `/api/v1/label/<name>/values`, with Prometheus 3's parameters (`match[]`, `start`, `end`,
 * `limit`) read in its order, answered by the query service (../query/series.ts).
 */

import { decodeBytes } from "../../../shared/model/go_string.ts";
import type { Queryable, TimeRange } from "../../storage/storage.ts";
import { unescapeLabelName } from "../query/selectors.ts";
import {
  checkLabelName,
  checkSeriesMatchers,
  findLabelNames,
  findLabelValues,
  findSeries,
  type Selection,
} from "../query/series.ts";
import type { Form } from "./form.ts";
import { labelsJson } from "./format.ts";
import { MAX_TIME_MS, MIN_TIME_MS, parseLimit, parseTimeParam } from "./params.ts";
import { param, success } from "./respond.ts";

/** Answers `/api/v1/series`: the label sets of the series matching any `match[]`. */
export async function series(
  form: Form,
  queryable: Queryable,
  signal?: AbortSignal,
): Promise<Response> {
  checkSeriesMatchers(form.all("match[]"));
  const { items, warnings } = await findSeries(queryable, readSelection(form, signal));
  return success(`[${items.map(labelsJson).join(",")}]`, warnings);
}

/** Answers `/api/v1/labels`: the label names of the series matching any `match[]` (or all). */
export async function labelNames(
  form: Form,
  queryable: Queryable,
  signal?: AbortSignal,
): Promise<Response> {
  const { items, warnings } = await findLabelNames(queryable, readSelection(form, signal));
  return success(JSON.stringify(items), warnings);
}

/**
 * A URL path segment as Go's router gives it: its `%XX` escapes as bytes, read as UTF-8, a
 * byte that is not UTF-8 kept as an escaped byte (so `%FF` is a name Prometheus refuses, and
 * says so as `"\xff"`, not the three characters `%FF`).
 */
export function pathSegment(raw: string): string {
  if (!raw.includes("%")) return raw;
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < raw.length; i++) {
    const hex = raw.slice(i + 1, i + 3);
    if (raw[i] === "%" && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...utf8.encode(raw[i]));
  }
  return decodeBytes(bytes);
}

/** Answers `/api/v1/label/<name>/values`; `name` may be `U__`-escaped, as Prometheus 3 allows. */
export async function labelValues(
  rawName: string,
  form: Form,
  queryable: Queryable,
  signal?: AbortSignal,
): Promise<Response> {
  const name = unescapeLabelName(rawName);
  checkLabelName(name);
  const { items, warnings } = await findLabelValues(queryable, name, readSelection(form, signal));
  return success(JSON.stringify(items), warnings);
}

/** `limit`, `start`, `end` (in that order) and `match[]`; the client's signal. */
function readSelection(form: Form, signal: AbortSignal | undefined): Selection {
  const limit = param("limit", () => parseLimit(form.get("limit")));
  const range = readRange(form);
  return { matchers: form.all("match[]"), range, limit, signal };
}

/** `start` and `end`, defaulting to all time as Prometheus's `MinTime`/`MaxTime`. */
function readRange(form: Form): TimeRange {
  const start = param("start", () => parseTimeParam(form, "start", MIN_TIME_MS));
  const end = param("end", () => parseTimeParam(form, "end", MAX_TIME_MS));
  return { start, end };
}
