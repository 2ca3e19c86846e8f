/**
 * `/api/v1/query` and `/api/v1/query_range`: parameters read in Prometheus's order and with
 * its messages, the query run by the query service (../query/run.ts), the answer encoded with
 * its stats when asked.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import type { Engine } from "../../promql/engine/engine.ts";
import type { Queryable } from "../../storage/storage.ts";
import * as service from "../query/run.ts";
import {
  checkEnd,
  checkStep,
  parseResolution,
  type QueryAnswer,
  type QuerySettings,
} from "../query/run.ts";
import type { Form } from "./form.ts";
import { type AnswerWriting, queryDataJsonParallel } from "./large_answers.ts";
import { parseDuration, parseLimit, parseTime, parseTimeParam } from "./params.ts";
import { param, success } from "./respond.ts";

/** What the query handlers need. */
export interface QueryHandlerDeps {
  readonly engine: Engine;
  /** The store the queries read. */
  readonly queryable: Queryable;
  /** How large answers are written: the JSON writer and its helper thread, if any. */
  readonly writing?: AnswerWriting;
  /** The server's clock in Unix ms: the time of an instant query that names none. */
  readonly now: () => number;
}

/** Answers an instant query (`query`, `time`, `timeout`, `limit`, `lookback_delta`, `stats`). */
export async function instantQuery(
  form: Form,
  signal: AbortSignal,
  deps: QueryHandlerDeps,
): Promise<Response> {
  const limit = param("limit", () => parseLimit(form.get("limit")));
  const timeMs = param("time", () => parseTimeParam(form, "time", deps.now()));
  const settings = readSettings(form, signal, limit);
  return encode(form, deps, await service.instantQuery(deps, { ...settings, timeMs }));
}

/** Answers a range query (`query`, `start`, `end`, `step`, `timeout`, `limit`, `stats`, …). */
export async function rangeQuery(
  form: Form,
  signal: AbortSignal,
  deps: QueryHandlerDeps,
): Promise<Response> {
  const limit = param("limit", () => parseLimit(form.get("limit")));
  const startMs = param("start", () => parseTime(form.get("start")));
  const endMs = param("end", () => parseTime(form.get("end")));
  checkEnd(startMs, endMs);
  const stepMs = param("step", () => parseDuration(form.get("step")));
  checkStep(startMs, endMs, stepMs);
  const settings = readSettings(form, signal, limit);
  const answer = await service.rangeQuery(deps, { ...settings, startMs, endMs, stepMs });
  return encode(form, deps, answer);
}

/**
 * `query`, `timeout`, `lookback_delta` and Outpost's `resolution` (`auto`, `raw`, `1m`, `5m`:
 * docs/promql.md, "Rollups"), read after the parameters of the query's times.
 */
function readSettings(form: Form, signal: AbortSignal, limit: number): QuerySettings {
  const timeoutText = form.get("timeout");
  const timeoutMs =
    timeoutText === "" ? undefined : param("timeout", () => parseDuration(timeoutText));
  const lookbackDeltaMs = readLookbackDelta(form);
  const resolution = param("resolution", () => parseResolution(form.get("resolution")));
  return { query: form.get("query"), limit, timeoutMs, lookbackDeltaMs, resolution, signal };
}

async function encode(form: Form, deps: QueryHandlerDeps, a: QueryAnswer): Promise<Response> {
  const stats = form.get("stats") !== "" ? a.stats : undefined;
  const data = await queryDataJsonParallel(a.result, stats, deps.writing);
  return success(data, a.warnings, a.infos);
}

function readLookbackDelta(form: Form): number | undefined {
  const text = form.get("lookback_delta");
  if (text === "") return undefined;
  try {
    return parseDuration(text);
  } catch (err) {
    const reason = (err as Error).message;
    throw new OutpostError("bad_data", `error parsing lookback delta duration: ${reason}`);
  }
}
