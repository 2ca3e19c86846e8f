/**
 * `/api/v1/query` and `/api/v1/query_range`: parameters checked in Prometheus's order and with
 * its messages, the query run through the engine under the request's timeout, the answer
 * truncated to `limit` and encoded with its stats when asked.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import type { Engine, QueryOptions } from "../../promql/engine/engine.ts";
import { PromQLError, type QueryOutcome, type QueryResult } from "../../promql/value.ts";
import type { Queryable } from "../../storage/storage.ts";
import type { Form } from "./form.ts";
import { queryDataJsonParallel, type SeriesEncoder } from "./format.ts";
import { parseDuration, parseLimit, parseTime, parseTimeParam } from "./params.ts";
import { invalidParam, param, success } from "./respond.ts";

/** Prometheus refuses range queries with more steps than this per series. */
const MAX_POINTS_PER_SERIES = 11_000;
const TRUNCATED = "results truncated due to limit";

/**
 * What a query is run with. `timeoutMs` is for engines that bound a query by a clock deadline
 * as well as by the signal: a synchronous evaluation never lets the signal's timer fire.
 */
type RunOptions = QueryOptions & { timeoutMs?: number };

/** What the query handlers need. */
export interface QueryHandlerDeps {
  readonly engine: Engine;
  /** The store the queries read. */
  readonly queryable: Queryable;
  /** Writes half of a large range answer's JSON on another thread, when there is one. */
  readonly encoder?: SeriesEncoder;
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
  const time = param("time", () => parseTimeParam(form, "time", deps.now()));
  return answer(form, signal, limit, deps.encoder, (opts) =>
    deps.engine.instantQuery(deps.queryable, form.get("query"), time, opts),
  );
}

/** Answers a range query (`query`, `start`, `end`, `step`, `timeout`, `limit`, `stats`, …). */
export async function rangeQuery(
  form: Form,
  signal: AbortSignal,
  deps: QueryHandlerDeps,
): Promise<Response> {
  const limit = param("limit", () => parseLimit(form.get("limit")));
  const start = param("start", () => parseTime(form.get("start")));
  const end = param("end", () => parseTime(form.get("end")));
  if (end < start) {
    throw invalidParam("end", new Error("end timestamp must not be before start time"));
  }
  const step = param("step", () => parseDuration(form.get("step")));
  if (!(step > 0)) {
    throw invalidParam(
      "step",
      new Error(
        "zero or negative query resolution step widths are not accepted. Try a positive integer",
      ),
    );
  }
  if (Math.trunc((end - start) / step) > MAX_POINTS_PER_SERIES) {
    throw new OutpostError(
      "bad_data",
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    );
  }
  // The engine steps in whole milliseconds, as Prometheus's does.
  const stepMs = Math.max(1, Math.trunc(step));
  return answer(form, signal, limit, deps.encoder, (opts) =>
    deps.engine.rangeQuery(deps.queryable, form.get("query"), start, end, stepMs, opts),
  );
}

/** Runs a query under `timeout` and `lookback_delta`, and encodes what it returned. */
async function answer(
  form: Form,
  signal: AbortSignal,
  limit: number,
  encoder: SeriesEncoder | undefined,
  run: (opts: RunOptions) => Promise<QueryOutcome>,
): Promise<Response> {
  const timeoutText = form.get("timeout");
  const timeoutMs =
    timeoutText === "" ? undefined : param("timeout", () => parseDuration(timeoutText));
  const lookbackDelta = readLookbackDelta(form);
  const deadline = new Deadline(signal, timeoutMs);
  try {
    const outcome = await deadline.race(run({ signal: deadline.signal, lookbackDelta, timeoutMs }));
    const { result, truncated } = truncate(outcome.result, limit);
    const warnings = truncated ? [...outcome.warnings, TRUNCATED] : outcome.warnings;
    const stats = form.get("stats") !== "" ? outcome.stats : undefined;
    const data = await queryDataJsonParallel(result, stats, encoder);
    return success(data, warnings, outcome.infos);
  } catch (err) {
    throw deadline.explain(err);
  } finally {
    deadline.dispose();
  }
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

/** Cuts a vector or matrix to `limit` series (0: no limit), as Prometheus's `truncateResults`. */
export function truncate(
  result: QueryResult,
  limit: number,
): { result: QueryResult; truncated: boolean } {
  if (limit <= 0) return { result, truncated: false };
  if (result.type === "vector" && result.samples.length > limit) {
    return { result: { type: "vector", samples: result.samples.slice(0, limit) }, truncated: true };
  }
  if (result.type === "matrix" && result.series.length > limit) {
    return { result: { type: "matrix", series: result.series.slice(0, limit) }, truncated: true };
  }
  return { result, truncated: false };
}

/**
 * A query's deadline: aborts the engine's signal when the client goes away or `timeout`
 * passes, and answers at that moment even if the engine has not noticed yet, so one runaway
 * query never holds a client past its timeout.
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onClientGone = () =>
    this.controller.abort(
      new OutpostError("canceled", "query was canceled in expression evaluation"),
    );

  constructor(
    private readonly client: AbortSignal,
    timeoutMs: number | undefined,
  ) {
    if (client.aborted) this.onClientGone();
    else client.addEventListener("abort", this.onClientGone, { once: true });
    if (timeoutMs !== undefined) {
      const expire = (stage: string) =>
        this.controller.abort(new OutpostError("timeout", `query timed out in ${stage}`));
      // `timeout=0` is a deadline that has passed already, as in Prometheus: the query is
      // parsed (and refused if it does not parse), then times out before it runs.
      if (timeoutMs <= 0) expire("query execution");
      else
        this.timer = setTimeout(
          () => expire("expression evaluation"),
          Math.min(timeoutMs, 2 ** 31 - 1),
        );
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Settles with `work`, or rejects as soon as the deadline passes. Past its deadline already,
   * it waits for `work`: the engine parses first and sees the aborted signal before reading.
   */
  race<T>(work: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) return work.then(() => Promise.reject(signal.reason));
    return new Promise<T>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      work.then(resolve, reject);
    });
  }

  /**
   * The error to report. A query that does not parse is bad data whatever the deadline, as in
   * Prometheus, which parses before it looks at the clock; otherwise the deadline's own reason
   * wins over the engine's view of it.
   */
  explain(err: unknown): unknown {
    // The engine reports a query it could not parse or type-check as bad data, as
    // Prometheus reports it: against the `query` parameter.
    if (err instanceof PromQLError && err.type === "bad_data") return invalidParam("query", err);
    if (this.controller.signal.aborted) return this.controller.signal.reason;
    return err;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.client.removeEventListener("abort", this.onClientGone);
  }
}
