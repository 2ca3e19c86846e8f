/**
 * A live tail for any transport (the Connect logs service, Loki's WebSocket): the newest
 * `limit` lines since `start` from storage, oldest first, then every matching line as the
 * aggregator ingests it, pushed through the tail registry. The registry applies the stream
 * selector and the line filters on the ingest path; the whole query (parsers, label filters,
 * line_format) runs here, on the queued lines, through the same LogQL engine as queries.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { logger } from "../../../shared/log/log.ts";
import { parseLogQL } from "../../logs/logql/parser.ts";
import { compilePipeline } from "../../logs/logql/pipeline.ts";
import { MemoryLogs } from "../../logs/memory.ts";
import type { StreamResult } from "../../logs/result.ts";
import type { LogQueryable } from "../../logs/source.ts";
import {
  CostlyTailError,
  type TailedLine,
  type TailRegistry,
  type TailSubscription,
} from "../../logs/tail/registry.ts";
import { type LogRunDeps, queryLogs } from "./run.ts";

const log = logger("logs-tail");

/** Loki's answer to a metric query sent to tail. */
export const ONLY_LOG_QUERIES = "tail only supports log queries";

/** What a tail needs. */
export interface LiveTailDeps extends LogRunDeps {
  readonly tails: TailRegistry;
  /** The clock in Unix ns: where the history ends. */
  readonly nowNs: () => bigint;
  /** Lines a client may have queued before it is dropped as too slow. */
  readonly maxQueued: number;
  /** Tails one tenant may have open at once (Loki's `max_concurrent_tail_requests`). */
  readonly maxTails: number;
}

/** Loki's default `max_concurrent_tail_requests`, per tenant. */
export const MAX_TAILS_PER_TENANT = 10;

/** What to follow. */
export interface LiveTailRequest {
  readonly tenant: string;
  readonly query: string;
  readonly startNs: bigint;
  readonly limit: number;
  /** Each live line is held this long so that lines arriving out of order are sent in order. */
  readonly delayForSeconds: number;
}

/** Checks a tail's query before anything is sent: it must parse and be a log query. */
export function checkTailQuery(query: string): void {
  if (parseLogQL(query).kind !== "log") throw new OutpostError("bad_data", ONLY_LOG_QUERIES);
}

/**
 * Yields batches of lines, grouped by stream and oldest first, until `signal` aborts; throws
 * a SlowTailError when the client fell too far behind.
 */
export async function* liveTail(
  source: LogQueryable,
  deps: LiveTailDeps,
  req: LiveTailRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamResult[]> {
  const expr = parseLogQL(req.query);
  if (expr.kind !== "log") throw new OutpostError("bad_data", ONLY_LOG_QUERIES);
  const filter = { matchers: expr.matchers, lineFilters: compilePipeline(expr.stages).pushdown };
  const open = deps.tails.openFor(req.tenant);
  if (open >= deps.maxTails) {
    throw new OutpostError(
      "too_many_requests",
      `max concurrent tail requests limit exceeded, count > limit (${open + 1} > ${deps.maxTails})`,
    );
  }
  // Subscribed before the history is read, so no line falls between the two.
  const sub = deps.tails.subscribe(req.tenant, filter, deps.maxQueued);
  try {
    await deps.tails.following();
    const delayMs = req.delayForSeconds * 1000;
    const historyEndNs = deps.nowNs() - BigInt(delayMs) * 1_000_000n;
    const history = await queryLogs(
      source,
      deps,
      { ...tailQuery(req.query, req.startNs, historyEndNs, req.limit), direction: "backward" },
      signal,
    );
    const streams = history.result.resultType === "streams" ? history.result.result : [];
    // Lines followed from the stream may be in the history too (stored before it was read),
    // or not (stored by another aggregator, or not yet): only those in it are left out.
    const seen = historyKeys(streams);
    if (streams.length > 0) yield oldestFirst(streams);
    for (;;) {
      const lines = await nextLines(sub, delayMs, signal);
      if (lines === null) return;
      const fresh = dropSeen(await throughQuery(deps, req.query, lines), seen, historyEndNs);
      if (fresh.length > 0) yield fresh;
    }
  } catch (err) {
    if (sub.failure) {
      const message =
        sub.failure instanceof CostlyTailError
          ? "Dropped a tail whose line filters cost ingest too much"
          : "Dropped a tail whose client read too slowly";
      log.warn(message, { query: req.query });
      throw sub.failure;
    }
    throw err;
  } finally {
    sub.close();
  }
}

/** The next lines once `delayMs` has passed since the first arrived; null when the tail ends. */
async function nextLines(
  sub: TailSubscription,
  delayMs: number,
  signal: AbortSignal,
): Promise<TailedLine[] | null> {
  await sub.ready(signal);
  if (sub.failure) throw sub.failure;
  if (sub.closed || signal.aborted) return null;
  if (delayMs > 0) {
    const first = sub.take();
    await sleep(first[0].arrivedMs + delayMs - Date.now(), signal);
    if (sub.failure) throw sub.failure;
    return signal.aborted ? null : [...first, ...sub.take()];
  }
  return sub.take();
}

/** Runs the whole query over the queued lines: parsers, label filters and formatting apply. */
async function throughQuery(
  deps: LiveTailDeps,
  query: string,
  lines: readonly TailedLine[],
): Promise<StreamResult[]> {
  if (lines.length === 0) return [];
  const memory = new MemoryLogs(lines.length);
  memory.append(lines);
  let min = lines[0].timeNs;
  let max = min;
  for (const l of lines) {
    if (l.timeNs < min) min = l.timeNs;
    if (l.timeNs > max) max = l.timeNs;
  }
  const q = { ...tailQuery(query, min, max + 1n, lines.length), direction: "forward" as const };
  const out = await deps.run(memory, query, q);
  return out.result.resultType === "streams" ? out.result.result : [];
}

function tailQuery(query: string, startNs: bigint, endNs: bigint, limit: number) {
  return { query, startNs, endNs, stepMs: 1000, limit, instant: false };
}

/** Streams with their values oldest first (the history is read newest first). */
function oldestFirst(streams: StreamResult[]): StreamResult[] {
  for (const s of streams) {
    const v = s.values;
    if (v.length > 1 && BigInt(v[0][0]) > BigInt(v[v.length - 1][0])) v.reverse();
  }
  return streams;
}

/** One entry as the history and the live lines both print it, after the whole query. */
function entryKey(stream: Record<string, string>, value: StreamResult["values"][number]): string {
  const labels = Object.entries(stream).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([labels, value[0], value[1]]);
}

function historyKeys(streams: readonly StreamResult[]): Set<string> {
  const keys = new Set<string>();
  for (const s of streams) for (const v of s.values) keys.add(entryKey(s.stream, v));
  return keys;
}

/** Leaves out the entries from before the history's end that the history already sent. */
function dropSeen(streams: StreamResult[], seen: Set<string>, endNs: bigint): StreamResult[] {
  if (seen.size === 0) return streams;
  const out: StreamResult[] = [];
  for (const s of streams) {
    const values = s.values.filter(
      (v) => BigInt(v[0]) >= endNs || !seen.has(entryKey(s.stream, v)),
    );
    if (values.length > 0) out.push({ ...s, values });
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The one tenant a tail follows: a live tail of several tenants is not served. */
export function oneTenant(tenants: readonly string[]): string {
  if (tenants.length !== 1)
    throw new OutpostError(
      "bad_data",
      "Cannot tail several tenants at once: name one in X-Scope-OrgID",
    );
  return tenants[0] as string;
}
