/**
 * One probe target in detail: its status (targets.ts), the down intervals over a range from
 * the raw `probe_success` samples (a matrix selector, exact to the probe), and its
 * `probe_duration_seconds` at a step (a range query).
 */
import type { QueryResult, SeriesPoints } from "../promql/value.ts";
import { type DownInterval, downIntervals } from "./down.ts";
import {
  probeTargets,
  seriesKey,
  type TargetStatus,
  type TargetsRequest,
  type UptimeQueries,
  withoutName,
} from "./targets.ts";

/** A target's detail over `[startMs, timeMs]`. */
export interface TargetDetail {
  readonly target: TargetStatus;
  readonly down: readonly DownInterval[];
  readonly responseSeconds: { readonly timestamps: Float64Array; readonly values: Float64Array };
}

/** Why a target could not be chosen. */
export class TargetChoiceError extends Error {
  constructor(
    message: string,
    readonly kind: "not_found" | "ambiguous",
  ) {
    super(message);
  }
}

/** The one target `r.matchers` chooses, in detail; throws TargetChoiceError otherwise. */
export async function probeTarget(
  q: UptimeQueries,
  r: TargetsRequest & { readonly startMs: number; readonly stepMs: number },
): Promise<TargetDetail> {
  const found = await probeTargets(q, r);
  if (found.length === 0) {
    // Found by its probes in the window: one probed only before or after it is not there.
    const iso = (ms: number) => new Date(ms).toISOString();
    throw new TargetChoiceError(
      `Cannot find a probe target with {${r.matchers}} probed from ${iso(r.startMs)} to ${iso(r.timeMs)}`,
      "not_found",
    );
  }
  if (found.length > 1) {
    throw new TargetChoiceError(
      `{${r.matchers}} matches ${found.length} probe targets; add labels to choose one`,
      "ambiguous",
    );
  }
  const target = found[0];
  // The matchers may be fewer than the target's labels: keep only its own series.
  const own = (result: QueryResult) => ownSeries(result, seriesKey(target.labels));
  const [raw, durations] = await Promise.all([
    q.instant(`probe_success{${r.matchers}}[${r.timeMs - r.startMs}ms]`, r.timeMs).then(own),
    q.range(`probe_duration_seconds{${r.matchers}}`, r.startMs, r.timeMs, r.stepMs).then(own),
  ]);
  return {
    target,
    down: raw ? downIntervals(raw.timestamps, raw.values) : [],
    responseSeconds: durations ?? { timestamps: new Float64Array(), values: new Float64Array() },
  };
}

function ownSeries(result: QueryResult, key: string): SeriesPoints | undefined {
  if (result.type !== "matrix") return undefined;
  return result.series.find((s) => seriesKey(withoutName(s.labels)) === key);
}
