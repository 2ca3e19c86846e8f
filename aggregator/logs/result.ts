/**
 * What a LogQL query returns, in the shapes of Loki's HTTP API (`data.resultType` and
 * `data.result` of `/loki/api/v1/query` and `query_range`), so the API passes them through.
 */
import { OutpostError } from "../../shared/errors/errors.ts";

/** Log lines of one stream: `[<ns timestamp as string>, <line>]` pairs (plus structured metadata). */
export interface StreamResult {
  stream: Record<string, string>;
  values: ([string, string] | [string, string, Record<string, string>])[];
}

/** One series of a metric query over a range: `[<unix seconds>, "<value>"]` pairs. */
export interface MatrixResult {
  metric: Record<string, string>;
  values: [number, string][];
}

/** One series of an instant metric query. */
export interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** The result of a LogQL query. */
export type LogQueryResult =
  | { resultType: "streams"; result: StreamResult[] }
  | { resultType: "matrix"; result: MatrixResult[] }
  | { resultType: "vector"; result: VectorResult[] };

/** How a LogQL query runs. */
export interface LogQueryOptions {
  /** Range [startNs, endNs]; an instant query has startNs === endNs (its evaluation time). */
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** Step of a metric range query, ms (ignored for log queries and instant queries). */
  readonly stepMs: number;
  /** Maximum lines a log query returns (Loki's default 100). */
  readonly limit: number;
  readonly direction: "forward" | "backward";
  /** True for `/query` (instant), false for `/query_range`. */
  readonly instant: boolean;
  /** Aborts the query (client gone, timeout). */
  readonly signal?: AbortSignal;
  /** Log lines the query may read (its tenant's samples limit); none: no limit. */
  readonly maxSamples?: number;
}

/** Figures about one query, for the API's `stats`. */
export interface LogQueryStats {
  linesScanned: number;
  bytesScanned: number;
  execTimeMs: number;
}

/** Why a LogQL query failed: an OutpostError, which Loki's API maps to its status codes. */
export class LogQLError extends OutpostError {
  constructor(type: "bad_data" | "execution" | "timeout" | "canceled", message: string) {
    super(type, message);
  }

  /** The code. */
  get type(): "bad_data" | "execution" | "timeout" | "canceled" {
    return this.code as "bad_data" | "execution" | "timeout" | "canceled";
  }
}
