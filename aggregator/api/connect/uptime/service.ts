/**
 * `outpost.uptime.v1.UptimeService`: probe targets, SLA, down intervals and certificates,
 * computed by aggregator/uptime over the query service's functions (run.ts), so the query
 * limits, timeout and the caller's deadline apply to every query it runs.
 * Tenancy: a call reads the series of the tenants the guard resolved (TENANTS); targets of
 * several tenants carry `__tenant_id__`.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  type UptimeService as Service,
  type TargetSchema,
  TargetState,
} from "../../../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { TENANTS } from "../../../auth/context.ts";
import { probeTarget, TargetChoiceError } from "../../../uptime/target.ts";
import type { TargetStatus, UptimeQueries } from "../../../uptime/targets.ts";
import { probeTargets } from "../../../uptime/targets.ts";
import { instantQuery, type QueryDeps, rangeQuery } from "../../query/run.ts";
import { answering } from "../errors.ts";
import {
  durationIn,
  jobMatcher,
  labelMatchers,
  startIn,
  stepIn,
  timeIn,
  windowsIn,
} from "./inputs.ts";

/** What the uptime service reads from. */
export interface UptimeServiceDeps {
  /** The engine and store of some tenants' series. */
  readonly query: (tenants: readonly string[]) => QueryDeps;
  readonly now?: () => number;
}

/** The implementation of UptimeService over `deps`. */
export function uptimeService(deps: UptimeServiceDeps): ServiceImpl<typeof Service> {
  const now = deps.now ?? Date.now;
  return {
    listTargets: (req, ctx) =>
      answering(ctx, async () => {
        const timeMs = timeIn("time_ms", req.timeMs, now());
        const targets = await probeTargets(
          queries(deps.query(ctx.values.get(TENANTS)), ctx.signal),
          {
            matchers: jobMatcher(req.job),
            windowsMs: windowsIn(req.windowsMs),
            timeMs,
            stalenessMs: durationIn("staleness_ms", req.stalenessMs),
          },
        );
        return { targets: targets.map(targetOut), timeMs: BigInt(timeMs) };
      }),
    getTarget: (req, ctx) =>
      answering(ctx, async () => {
        const matchers = labelMatchers(req.labels);
        const windowsMs = windowsIn(req.windowsMs);
        const timeMs = timeIn("time_ms", req.timeMs, now());
        const stalenessMs = durationIn("staleness_ms", req.stalenessMs);
        const startMs = startIn(req.startMs, timeMs);
        const stepMs = stepIn(req.stepMs, startMs, timeMs);
        const q = queries(deps.query(ctx.values.get(TENANTS)), ctx.signal);
        const d = await probeTarget(q, {
          matchers,
          windowsMs,
          timeMs,
          stalenessMs,
          startMs,
          stepMs,
        }).catch(choiceError);
        const { timestamps, values } = d.responseSeconds;
        return {
          target: targetOut(d.target),
          downIntervals: d.down.map((i) => ({
            startMs: BigInt(i.startMs),
            endMs: BigInt(i.endMs),
            durationMs: BigInt(i.endMs - i.startMs),
            ongoing: i.ongoing,
          })),
          responseSeconds: Array.from(timestamps, (t, i) => ({
            timeMs: BigInt(t),
            value: values[i],
          })),
          timeMs: BigInt(timeMs),
        };
      }),
  };
}

/** The uptime code's queries, through the query service's path under the caller's signal. */
export function queries(deps: QueryDeps, signal: AbortSignal): UptimeQueries {
  return {
    instant: async (query, timeMs, lookbackDeltaMs) =>
      (await instantQuery(deps, { query, timeMs, lookbackDeltaMs, limit: 0, signal })).result,
    range: async (query, startMs, endMs, stepMs) =>
      (await rangeQuery(deps, { query, startMs, endMs, stepMs, limit: 0, signal })).result,
  };
}

function choiceError(err: unknown): never {
  if (!(err instanceof TargetChoiceError)) throw err;
  const code = err.kind === "not_found" ? Code.NotFound : Code.InvalidArgument;
  throw new ConnectError(err.kind === "ambiguous" ? `labels: ${err.message}` : err.message, code);
}

const STATES = { up: TargetState.UP, down: TargetState.DOWN, unknown: TargetState.UNKNOWN };

function targetOut(t: TargetStatus): MessageInitShape<typeof TargetSchema> {
  const labels = [];
  for (let i = 0; i < t.labels.length; i += 2) {
    labels.push({ name: t.labels[i], value: t.labels[i + 1] });
  }
  return {
    labels,
    state: STATES[t.state],
    lastCheckMs: BigInt(t.lastCheckMs),
    lastDurationSeconds: t.lastDurationSeconds,
    certExpiryMs: BigInt(t.certExpiryMs),
    httpStatusCode: t.httpStatusCode,
    sla: t.sla.map((s) => ({
      windowMs: BigInt(s.windowMs),
      ratio: s.ratio,
      coveredMs: BigInt(s.coveredMs),
      samples: BigInt(s.samples),
    })),
  };
}
