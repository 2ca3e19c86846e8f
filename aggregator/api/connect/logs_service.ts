/**
 * `outpost.logs.v1.LogsService`: the logs functions (../logs/) behind Connect. Each method
 * reads its message, calls the same function Loki's HTTP API calls, and converts the answer;
 * `Tail` streams what the tail registry pushes. Errors become Connect codes in errors.ts.
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  Direction,
  type LogsService as Service,
  type StreamSelection,
} from "../../../proto/gen/outpost/logs/v1/logs_pb.ts";
import { OutpostError } from "../../../shared/errors/errors.ts";
import { TENANTS } from "../../auth/context.ts";
import { tenantsLogQueryable } from "../../logs/federated.ts";
import { runLogQuery } from "../../logs/logql/query.ts";
import type { LogQueryResult, LogQueryStats } from "../../logs/result.ts";
import type { LogQueryable } from "../../logs/source.ts";
import type { TailRegistry } from "../../logs/tail/registry.ts";
import { lineContext } from "../logs/context.ts";
import { checkLimit, checkRange, checkStep, DEFAULT_LIMIT, defaultStepNs } from "../logs/limits.ts";
import { findLabels, findStreams } from "../logs/lookups.ts";
import { type LogRunDeps, queryLogs, type RunLogQuery } from "../logs/run.ts";
import { liveTail, MAX_TAILS_PER_TENANT, oneTenant } from "../logs/tail.ts";
import { logVolume } from "../logs/volume.ts";
import { labelsOut } from "./convert.ts";
import { answering, toConnectError } from "./errors.ts";
import { entryOut, matrixOut, streamsOut, vectorOut } from "./logs_convert.ts";
import { whileCredentialsPass } from "./streams.ts";

const HOUR_NS = 3_600_000_000_000n;
const MAX_DELAY_FOR = 5;

/** What the logs service answers from. */
export interface LogsServiceDeps {
  /** The log storage of one tenant. */
  readonly logs: (tenant: string) => LogQueryable;
  /** Where ingested lines are pushed to tails. */
  readonly tails: TailRegistry;
  /** Lines a tailing client may have queued before it is dropped (10,000 by default). */
  readonly tailMaxQueued?: number;
  /** How long one query may run (1 m by default, as the Loki API). */
  readonly queryTimeoutMs?: number;
  /** The LogQL engine; tests may swap it. */
  readonly run?: RunLogQuery;
  /** The clock in Unix ms. */
  readonly now?: () => number;
}

/** The implementation of LogsService over `deps`. */
export function logsService(deps: LogsServiceDeps): ServiceImpl<typeof Service> {
  /** The log store of the call's tenants (the guard resolved them: TENANTS). */
  const source = (ctx: HandlerContext) => tenantsLogQueryable(ctx.values.get(TENANTS), deps.logs);
  const nowNs = () => BigInt(Math.floor((deps.now ?? Date.now)())) * 1_000_000n;
  const run: LogRunDeps = {
    run: deps.run ?? runLogQuery,
    timeoutMs: deps.queryTimeoutMs ?? 60_000,
  };
  const runFor = (ctx: HandlerContext): LogRunDeps => {
    const deadline = ctx.timeoutMs();
    return deadline === undefined ? run : { ...run, timeoutMs: Math.min(run.timeoutMs, deadline) };
  };
  return {
    query: (req, ctx) =>
      answering(ctx, async () => {
        const limit = checkLimit(req.limit || DEFAULT_LIMIT);
        const direction = req.direction === Direction.FORWARD ? "forward" : "backward";
        const base = { query: req.query, limit, direction } as const;
        let q: Parameters<typeof queryLogs>[2];
        if (req.at.case === "range") {
          const { startNs, endNs } = req.at.value;
          checkRange(startNs, endNs);
          const stepNs = req.at.value.stepNs || defaultStepNs(startNs, endNs);
          checkStep(startNs, endNs, stepNs);
          q = { ...base, startNs, endNs, stepMs: Number(stepNs) / 1e6, instant: false };
        } else {
          const t = req.at.case === "timeNs" ? req.at.value : nowNs();
          q = { ...base, startNs: t, endNs: t, stepMs: 0, instant: true };
        }
        const out = await queryLogs(source(ctx), runFor(ctx), q, ctx.signal);
        return { result: resultOut(out.result), stats: statsOut(out.stats) };
      }),
    labelNames: (req, ctx) =>
      answering(ctx, async () => {
        const s = bounds(req.selection, nowNs());
        return { names: await findLabels(source(ctx), s.selector, s.startNs, s.endNs, undefined) };
      }),
    labelValues: (req, ctx) =>
      answering(ctx, async () => {
        const s = bounds(req.selection, nowNs());
        return { values: await findLabels(source(ctx), s.selector, s.startNs, s.endNs, req.name) };
      }),
    series: (req, ctx) =>
      answering(ctx, async () => {
        const s = bounds({ selector: "", startNs: req.startNs, endNs: req.endNs }, nowNs());
        const found = await findStreams(source(ctx), req.selectors, s.startNs, s.endNs);
        return { series: found.map((l) => ({ labels: labelsOut(l) })) };
      }),
    volume: (req, ctx) =>
      answering(ctx, async () => {
        const end = req.range?.endNs ?? nowNs();
        const r = {
          selector: req.selector,
          by: req.by,
          startNs: req.range?.startNs ?? end - HOUR_NS,
          endNs: end,
          stepNs: req.range?.stepNs ?? 0n,
        };
        const out = await logVolume(source(ctx), runFor(ctx), r, ctx.signal);
        return { matrix: matrixOut(out.resultType === "matrix" ? out.result : []) };
      }),
    context: (req, ctx) =>
      answering(ctx, async () => {
        const stream = Object.fromEntries(req.stream.map((l) => [l.name, l.value]));
        const c = await lineContext(
          source(ctx),
          runFor(ctx),
          {
            stream,
            timeNs: req.timeNs,
            before: req.before || 10,
            after: req.after || 10,
            windowNs: req.windowNs > 0n ? req.windowNs : HOUR_NS,
          },
          ctx.signal,
        );
        return {
          before: c.before.map(entryOut),
          at: c.at.map(entryOut),
          after: c.after.map(entryOut),
        };
      }),
    async *tail(req, ctx) {
      const lines = whileCredentialsPass(ctx, (signal) =>
        answeringStream(signal, () => {
          if (req.delayForSeconds > MAX_DELAY_FOR) {
            throw new OutpostError("bad_data", `delay_for can't be greater than ${MAX_DELAY_FOR}`);
          }
          const t = {
            tenant: oneTenant(ctx.values.get(TENANTS)),
            query: req.query,
            startNs: req.startNs ?? nowNs() - HOUR_NS,
            limit: checkLimit(req.limit || DEFAULT_LIMIT),
            delayForSeconds: req.delayForSeconds,
          };
          const live = {
            ...run,
            tails: deps.tails,
            nowNs,
            maxQueued: deps.tailMaxQueued ?? 10_000,
            maxTails: MAX_TAILS_PER_TENANT,
          };
          return liveTail(source(ctx), live, t, signal);
        }),
      );
      for await (const streams of lines) yield { streams: streamsOut(streams) };
    },
  };
}

/** Runs a stream's generator, turning whatever it throws into a ConnectError. */
async function* answeringStream<T>(
  signal: AbortSignal,
  open: () => AsyncGenerator<T>,
): AsyncGenerator<T> {
  try {
    yield* open();
  } catch (err) {
    // The client left, or its credentials did: there is no one to tell, or the caller tells.
    if (signal.aborted) return;
    throw toConnectError(err);
  }
}

/** A lookup's selector and bounds, with Loki's defaults: the last hour, ending now. */
function bounds(s: Partial<Omit<StreamSelection, "$typeName">> | undefined, nowNs: bigint) {
  const endNs = s?.endNs ?? nowNs;
  const startNs = s?.startNs ?? (endNs > nowNs ? nowNs : endNs) - HOUR_NS;
  return { selector: s?.selector ?? "", startNs, endNs };
}

function resultOut(r: LogQueryResult) {
  switch (r.resultType) {
    case "streams":
      return { case: "streams" as const, value: { streams: streamsOut(r.result) } };
    case "vector":
      return { case: "vector" as const, value: vectorOut(r.result) };
    case "matrix":
      return { case: "matrix" as const, value: matrixOut(r.result) };
  }
}

function statsOut(s: LogQueryStats) {
  return {
    linesProcessed: BigInt(s.linesScanned),
    bytesProcessed: BigInt(s.bytesScanned),
    execSeconds: s.execTimeMs / 1000,
  };
}
