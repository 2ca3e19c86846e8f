/**
 * Reading back Outpost's own log lines (alert history, audit): one LogQL query over a time
 * range, newest first, as `(ns, line)` pairs; and the newest-first cut of what the caller kept.
 */
import { runLogQuery } from "../logs/logql/query.ts";
import type { LogQueryable } from "../logs/source.ts";

/** Lines read at most for one answer when the caller filters after LogQL. */
export const MAX_SCANNED = 50_000;

/** What one read covers. */
export interface OwnLogRead {
  readonly startMs: number;
  readonly endMs: number;
  /** Lines wanted; `MAX_SCANNED` are read instead when the caller filters them afterwards. */
  readonly limit: number;
  readonly filtering: boolean;
  readonly signal?: AbortSignal;
}

/** The lines `logql` selects in the range, newest first within each stream. */
export async function readOwnLog(
  source: LogQueryable,
  logql: string,
  read: OwnLogRead,
): Promise<{ ns: bigint; line: string }[]> {
  const { result } = await runLogQuery(source, logql, {
    startNs: BigInt(Math.floor(read.startMs)) * 1_000_000n,
    endNs: BigInt(Math.floor(read.endMs)) * 1_000_000n,
    stepMs: 0,
    limit: read.filtering ? MAX_SCANNED : read.limit,
    direction: "backward",
    instant: false,
    signal: read.signal,
  });
  if (result.resultType !== "streams") return [];
  const lines: { ns: bigint; line: string }[] = [];
  for (const stream of result.result)
    for (const [ns, line] of stream.values) lines.push({ ns: BigInt(ns), line });
  return lines;
}

/** The records newest first, at most `limit`. */
export function newestFirst<R>(found: readonly { ns: bigint; r: R }[], limit: number): R[] {
  const out = [...found];
  out.sort((a, b) => (a.ns < b.ns ? 1 : a.ns > b.ns ? -1 : 0));
  return out.slice(0, limit).map((x) => x.r);
}
