/**
 * `outpost.query.v1.QueryService`: the query service's functions (../query/) behind Connect.
 * Each method reads its message, calls the same function the Prometheus API calls, and
 * converts the answer; errors become Connect codes in one place (errors.ts).
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type {
  QueryOptions,
  SeriesSelection,
  QueryService as Service,
} from "../../../proto/gen/outpost/query/v1/query_pb.ts";
import { TENANTS } from "../../auth/context.ts";
import type { QueryStats } from "../../promql/value.ts";
import type { Queryable } from "../../storage/storage.ts";
import { param } from "../query/errors.ts";
import { type ExplainAt, explain } from "../query/explain.ts";
import { formatQuery } from "../query/format.ts";
import { metadataFamilies } from "../query/metadata.ts";
import {
  instantQuery,
  parseResolution,
  type QueryDeps,
  type QuerySettings,
  rangeQuery,
} from "../query/run.ts";
import { findLabelNames, findLabelValues, findSeries, type Selection } from "../query/series.ts";
import { MAX_TIME_MS, MIN_TIME_MS } from "../query/times.ts";
import { forTenants, metadataFor, type PerTenants, type TenantMetadata } from "../tenants.ts";
import { explainOut, labelsOut, matrixOut, resultOut, statsOut } from "./convert.ts";
import { answering } from "./errors.ts";
import { serverTiming } from "./server_timing.ts";

/** What the query service answers from. */
export interface QueryServiceDeps {
  readonly engine: QueryDeps["engine"];
  /** The stored series of the call's tenants (the guard resolved them: TENANTS). */
  readonly queryable: PerTenants<Queryable>;
  /** HELP/TYPE/UNIT of the call's tenants' metric families. */
  readonly metadata?: TenantMetadata;
  /** The clock (Unix ms): the time of a query that names none. */
  readonly now?: () => number;
}

/** The implementation of QueryService over `deps`. */
export function queryService(deps: QueryServiceDeps): ServiceImpl<typeof Service> {
  const now = deps.now ?? Date.now;
  /** The engine and the store of the call's tenants. */
  const scoped = (ctx: HandlerContext): QueryDeps => ({
    engine: deps.engine,
    queryable: forTenants(deps.queryable, ctx.values.get(TENANTS)),
  });
  return {
    instant: (req, ctx) =>
      answering(ctx, async () => {
        const began = performance.now();
        const timeMs = req.timeMs === undefined ? now() : Number(req.timeMs);
        const a = await instantQuery(scoped(ctx), {
          ...settings(req.query, req.options, ctx),
          timeMs,
        });
        const encoding = performance.now();
        const stats = req.options?.stats ? statsOut(a.stats) : undefined;
        const answer = {
          result: resultOut(a.result),
          warnings: [...a.warnings],
          infos: [...a.infos],
          stats,
        };
        timed(ctx, a.stats, began, encoding);
        return answer;
      }),
    range: (req, ctx) =>
      answering(ctx, async () => {
        const began = performance.now();
        const at = { startMs: Number(req.startMs), endMs: Number(req.endMs) };
        const q = { ...settings(req.query, req.options, ctx), ...at, stepMs: Number(req.stepMs) };
        const a = await rangeQuery(scoped(ctx), q);
        const encoding = performance.now();
        const series = a.result.type === "matrix" ? a.result.series : [];
        const stats = req.options?.stats ? statsOut(a.stats) : undefined;
        const answer = {
          result: matrixOut(series),
          warnings: [...a.warnings],
          infos: [...a.infos],
          stats,
        };
        timed(ctx, a.stats, began, encoding);
        return answer;
      }),
    series: (req, ctx) =>
      answering(ctx, async () => {
        const found = await findSeries(scoped(ctx).queryable, selection(req.selection, ctx.signal));
        return {
          series: found.items.map((l) => ({ labels: labelsOut(l) })),
          warnings: found.warnings,
        };
      }),
    labelNames: (req, ctx) =>
      answering(ctx, async () => {
        const found = await findLabelNames(
          scoped(ctx).queryable,
          selection(req.selection, ctx.signal),
        );
        return { names: found.items, warnings: found.warnings };
      }),
    labelValues: (req, ctx) =>
      answering(ctx, async () => {
        const s = selection(req.selection, ctx.signal);
        const found = await findLabelValues(scoped(ctx).queryable, req.name, s);
        return { values: found.items, warnings: found.warnings };
      }),
    metadata: (req, ctx) =>
      answering(ctx, () => {
        const families = metadataFamilies(metadataFor(deps.metadata, ctx.values.get(TENANTS)), {
          metric: req.metric,
          limit: req.limit ?? -1,
          limitPerMetric: req.limitPerMetric ?? -1,
        });
        const metadata = families.flatMap(([metric, entries]) =>
          entries.map((e) => ({ metric, ...e })),
        );
        return { metadata };
      }),
    format: (req, ctx) => answering(ctx, () => ({ formatted: formatQuery(req.query) })),
    explain: (req, ctx) =>
      answering(ctx, async () => {
        const at: ExplainAt =
          req.at.case === "timeMs"
            ? { timeMs: Number(req.at.value) }
            : req.at.case === "range"
              ? {
                  startMs: Number(req.at.value.startMs),
                  endMs: Number(req.at.value.endMs),
                  stepMs: Number(req.at.value.stepMs),
                }
              : { timeMs: now() };
        const timeoutMs = timeout(req.timeoutMs, ctx);
        const root = await explain(scoped(ctx), {
          query: req.query,
          at,
          timeoutMs,
          signal: ctx.signal,
        });
        return { root: explainOut(root) };
      }),
  };
}

/** Sets the answer's Server-Timing header from the query's phases and the handler's clock. */
function timed(ctx: HandlerContext, stats: QueryStats, began: number, encoding: number): void {
  const now = performance.now();
  ctx.responseHeader.set("Server-Timing", serverTiming(stats, now - began, now - encoding));
}

/** The settings of a query from its message and the call's deadline. */
function settings(query: string, o: QueryOptions | undefined, ctx: HandlerContext): QuerySettings {
  const lookback = Number(o?.lookbackDeltaMs ?? 0n);
  return {
    query,
    limit: o?.limit ?? 0,
    timeoutMs: timeout(o?.timeoutMs ?? 0n, ctx),
    lookbackDeltaMs: lookback > 0 ? lookback : undefined,
    resolution: param("options.resolution", () => parseResolution(o?.resolution ?? "")),
    signal: ctx.signal,
  };
}

/**
 * The shorter of the request's timeout and the call's Connect deadline, so the query service
 * gives up first and answers `deadline_exceeded` with its own message.
 */
function timeout(requested: bigint, ctx: HandlerContext): number | undefined {
  const deadline = ctx.timeoutMs();
  const own = requested > 0n ? Number(requested) : undefined;
  if (deadline === undefined) return own;
  return own === undefined ? deadline : Math.min(own, deadline);
}

/** Which series a lookup reads; all time when the range is absent. */
function selection(s: SeriesSelection | undefined, signal: AbortSignal): Selection {
  const start = s?.startMs === undefined ? MIN_TIME_MS : Number(s.startMs);
  const end = s?.endMs === undefined ? MAX_TIME_MS : Number(s.endMs);
  return { matchers: s?.matchers ?? [], range: { start, end }, limit: s?.limit ?? 0, signal };
}
