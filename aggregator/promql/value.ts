/**
 * What a PromQL query returns, and how it fails: shared by the engine, the conformance runner
 * and the HTTP API. Timestamps are Unix milliseconds.
 */
import { OutpostError } from "../../shared/errors/errors.ts";
import type { Labels } from "../../shared/model/labels.ts";

/** One series of an instant vector. */
export interface Sample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/** One series of a range query's result (or of a range vector literal): ascending timestamps. */
export interface SeriesPoints {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** A query result, by type. Range queries always return a matrix. */
export type QueryResult =
  | { readonly type: "scalar"; readonly t: number; readonly v: number }
  | { readonly type: "string"; readonly t: number; readonly v: string }
  | { readonly type: "vector"; readonly samples: readonly Sample[] }
  | { readonly type: "matrix"; readonly series: readonly SeriesPoints[] };

/** Per-query statistics, as Prometheus reports them with `stats=all`. */
export interface QueryStats {
  /** Samples read from storage (the limit `max_samples` applies to what is held at once). */
  totalQueryableSamples: number;
  /** The most samples held in memory at once. */
  peakSamples: number;
  /** Wall time of the phases, in seconds. */
  timings: {
    parseSeconds: number;
    queryPrepareSeconds: number;
    evalSeconds: number;
    totalSeconds: number;
  };
}

/** What a query returned, with its annotations. */
export interface QueryOutcome {
  readonly result: QueryResult;
  /** Prometheus's warning annotations (e.g. "PromQL warning: …"). */
  readonly warnings: readonly string[];
  /** Prometheus's info annotations (e.g. "PromQL info: …"). */
  readonly infos: readonly string[];
  readonly stats: QueryStats;
}

/**
 * Why a query failed, as the Prometheus HTTP API names it in `errorType`: `bad_data` for a
 * parse or type error, `execution` for an evaluation error (including a limit hit),
 * `timeout`, `canceled`, `internal`.
 */
export type PromQLErrorType = "bad_data" | "execution" | "timeout" | "canceled" | "internal";

/** The error the engine throws: an OutpostError whose code is one of Prometheus's error types. */
export class PromQLError extends OutpostError {
  constructor(type: PromQLErrorType, message: string) {
    super(type, message);
  }

  /** The code, as Prometheus's error type. */
  get type(): PromQLErrorType {
    return this.code as PromQLErrorType;
  }
}
