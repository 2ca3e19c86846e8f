/**
 * Loki 3's limits on a query, with its messages, for every transport: lines per query
 * (`max_entries_limit_per_query`), range length (`max_query_length`), points per series, and
 * the default step. Each check throws a `bad_data` OutpostError.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";

/** Loki's default `max_entries_limit_per_query`. */
export const MAX_ENTRIES = 5000;
/** Lines a log query returns when it names no limit. */
export const DEFAULT_LIMIT = 100;
/** Loki's default `max_query_length`, 721 h. */
const MAX_QUERY_LENGTH_NS = 721n * 3_600_000_000_000n;
const MAX_POINTS = 11_000n;

/** Refuses a limit that is not positive or above Loki's default maximum. */
export function checkLimit(limit: number): number {
  if (limit <= 0) throw bad("limit must be a positive value");
  // A query may not hold the whole store in memory at once.
  if (limit > MAX_ENTRIES) {
    throw bad(
      `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${MAX_ENTRIES})`,
    );
  }
  return limit;
}

/** Refuses an end before the start, and a range longer than 721 h. */
export function checkRange(startNs: bigint, endNs: bigint): void {
  if (endNs < startNs) throw bad("end timestamp must not be before or equal to start time");
  const length = endNs - startNs;
  if (length <= MAX_QUERY_LENGTH_NS) return;
  const seconds = length / 1_000_000_000n;
  const go = `${seconds / 3600n}h${(seconds % 3600n) / 60n}m${seconds % 60n}s`;
  throw bad(`the query time range exceeds the limit (query length: ${go}, limit: 721h)`);
}

/** Refuses a step that is not positive or gives more than 11,000 points. */
export function checkStep(startNs: bigint, endNs: bigint, stepNs: bigint): void {
  if (stepNs <= 0n) {
    throw bad(
      "zero or negative query resolution step widths are not accepted. Try a positive integer",
    );
  }
  if ((endNs - startNs) / stepNs > MAX_POINTS) {
    throw bad(
      "exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter",
    );
  }
}

/** Loki's default step: a 250th of the range in whole seconds, at least one second. */
export function defaultStepNs(startNs: bigint, endNs: bigint): bigint {
  const seconds = Math.max(Math.floor(Number(endNs - startNs) / 1e9 / 250), 1);
  return BigInt(seconds) * 1_000_000_000n;
}

function bad(message: string): OutpostError {
  return new OutpostError("bad_data", message);
}
