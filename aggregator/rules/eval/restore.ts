/**
 * Restores the `for` state of alerts after a restart or a takeover, as Prometheus does from
 * `ALERTS_FOR_STATE` (whose value is the alert's ActiveAt in seconds): a pending alert keeps
 * the time it already waited, the outage not counted, and is given at least the grace period
 * before it fires. Only alerts the first evaluation found active are restored.
 */
import { compareLabels } from "../../../shared/model/labels.ts";
import { isStaleAt } from "../../../shared/model/sample.ts";
import type { LabelMatcher, Queryable } from "../../storage/storage.ts";
import type { Alert } from "./alert.ts";
import type { AlertingState } from "./alerting.ts";
import { withLabels } from "./output.ts";

/** Prometheus's `--rules.alert.for-outage-tolerance` and `--rules.alert.for-grace-period`. */
export interface RestoreOptions {
  /** How far back ALERTS_FOR_STATE is looked for, ms (1 h). */
  readonly outageTolerance: number;
  /** Least time left before a restored alert fires, ms (10 m); rules with a shorter `for` are not restored. */
  readonly gracePeriod: number;
}

/** Restores the rule's active alerts at `ts` (wall time, ms) and marks the rule restored. */
export async function restoreForState(
  state: AlertingState,
  queryable: Queryable,
  ts: number,
  opts: RestoreOptions,
): Promise<void> {
  const hold = state.rule.for;
  if (hold >= opts.gracePeriod && state.active.size > 0) {
    const querier = await queryable.querier();
    try {
      for (const a of state.active.values()) {
        if (a.state === "inactive") continue;
        const last = await lastForState(a, querier, ts, opts.outageTolerance);
        if (last) a.activeAt = restoredActiveAt(last, hold, ts, opts.gracePeriod);
      }
    } finally {
      querier.close();
    }
  }
  state.restored = true;
}

/** The newest ALERTS_FOR_STATE sample of the alert within the tolerance; null when none or stale. */
async function lastForState(
  a: Alert,
  querier: Awaited<ReturnType<Queryable["querier"]>>,
  ts: number,
  tolerance: number,
): Promise<{ t: number; v: number } | null> {
  const labels = withLabels(a.labels, { __name__: "ALERTS_FOR_STATE" });
  const matchers: LabelMatcher[] = [];
  for (let i = 0; i < labels.length; i += 2)
    matchers.push({ name: labels[i], type: "=", value: labels[i + 1] });
  const found = await querier.select(matchers, { start: ts - tolerance, end: ts });
  const series = found.find((s) => compareLabels(s.labels, labels) === 0);
  if (!series || series.length === 0) return null;
  const i = series.length - 1;
  const words = new Uint32Array(series.values.buffer, series.values.byteOffset, 2 * series.length);
  if (isStaleAt(words, i)) return null;
  return { t: series.timestamps[i], v: series.values[i] };
}

/** The ActiveAt to give an alert last seen at `last.t` with ActiveAt `last.v` seconds. */
export function restoredActiveAt(
  last: { t: number; v: number },
  hold: number,
  ts: number,
  grace: number,
): number {
  // Prometheus works in whole seconds here: ActiveAt is stored in seconds, downAt truncated.
  const downAt = Math.floor(last.t / 1000) * 1000;
  const activeAt = last.v * 1000;
  const remaining = hold - (downAt - activeAt);
  if (remaining <= 0) return activeAt;
  if (remaining < grace) return ts + grace - hold;
  return activeAt + (ts - downAt);
}
