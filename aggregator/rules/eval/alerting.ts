/**
 * An alerting rule's state machine, evaluated as Prometheus's AlertingRule does: a series in
 * the result makes a pending alert, which fires once it held for `for`; a firing alert whose
 * series left keeps firing for `keep_firing_for`, then is resolved (inactive) and kept for
 * 15 minutes so the notifier can send the resolution. Each evaluation writes `ALERTS` and
 * `ALERTS_FOR_STATE` for every pending and firing alert once the `for` state was restored.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import type { AlertingRule } from "../model.ts";
import { type Alert, heldLabelsKey, type NotifiedAlert, needsSending, newAlert } from "./alert.ts";
import { ExpansionReuse, expandAlert } from "./expansions.ts";
import { type OutputSample, withLabels } from "./output.ts";
import type { ExpandTemplate } from "./template.ts";

/** How long a resolved alert is kept for the notifier (Prometheus's resolvedRetention). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** What an alerting rule's evaluation needs besides its result. */
export interface AlertingContext {
  readonly expand: ExpandTemplate;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  /** Most pending and firing alerts; 0 is no limit. */
  readonly limit: number;
  /**
   * Expand every template at every evaluation, as Prometheus does (the reference), instead of
   * reusing a series' expansions where they cannot differ (expansions.ts).
   */
  readonly reference?: boolean;
}

/** An alert's state change at an evaluation, for alert history (pending dropped counts as resolved). */
export interface AlertChange {
  readonly alert: Alert;
  readonly state: "pending" | "firing" | "resolved";
  readonly time: number;
}

/** The alerts of one alerting rule, kept between evaluations. */
export class AlertingState {
  /** Pending, firing and recently resolved alerts by label key. */
  readonly active = new Map<string, Alert>();
  /** False until the `for` state was restored; ALERTS* are written only after. */
  restored = false;
  /** State changes since the evaluator last took them (takeChanges). */
  private changes: AlertChange[] = [];
  /** The last evaluation's expansions, for reuse. */
  private readonly reuse: ExpansionReuse;

  constructor(readonly rule: AlertingRule) {
    this.reuse = new ExpansionReuse(rule);
  }

  /**
   * Applies one evaluation's result at `ts` and returns the ALERTS and ALERTS_FOR_STATE
   * samples to write. Throws (leaving no alert) when the result breaks the group's limit,
   * and when two series make one alert.
   */
  async apply(
    result: readonly OutputSample[],
    ts: number,
    ctx: AlertingContext,
  ): Promise<OutputSample[]> {
    const seen = new Set<string>();
    const reuse = this.reuse.usable && !ctx.reference;
    for (const sample of result) {
      const { labels, annotations } = reuse
        ? await this.reuse.expand(sample, ts, ctx)
        : await expandAlert(this.rule, sample, ts, ctx);
      const key = heldLabelsKey(labels);
      if (seen.has(key))
        throw new Error(
          "vector contains metrics with the same labelset after applying alert labels",
        );
      seen.add(key);
      const known = this.active.get(key);
      if (known && known.state !== "inactive") {
        known.value = sample.value;
        known.annotations = annotations;
        continue;
      }
      const alert = newAlert(labels, annotations, sample.value, ts);
      this.active.set(key, alert);
      this.changes.push({ alert, state: "pending", time: ts });
    }
    this.reuse.finish();
    return this.advance(seen, ts, ctx.limit, ctx.reference === true);
  }

  /** The alerts the notifier is given after an evaluation at `ts` (firing and resolved). */
  toSend(ts: number, resendDelay: number, interval: number, url: string): NotifiedAlert[] {
    const out: NotifiedAlert[] = [];
    const hold = 4 * Math.max(resendDelay, interval);
    for (const a of this.active.values()) {
      if (!needsSending(a, ts, resendDelay)) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + hold;
      out.push({
        labels: a.labels,
        annotations: { ...a.annotations },
        startsAt: a.firedAt,
        endsAt: a.resolvedAt > 0 ? a.resolvedAt : a.validUntil,
        generatorURL: url,
      });
    }
    return out;
  }

  /** The state changes since the last call, oldest first. */
  takeChanges(): AlertChange[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  /** The rule's state: the most severe of its alerts' (resolved ones count as inactive). */
  get state(): "inactive" | "pending" | "firing" {
    let state: "inactive" | "pending" | "firing" = "inactive";
    for (const a of this.active.values()) {
      if (a.state === "firing") return "firing";
      if (a.state === "pending") state = "pending";
    }
    return state;
  }

  /** Moves every alert along at `ts`: resolve what left, fire what held; returns ALERTS*. */
  private advance(
    seen: Set<string>,
    ts: number,
    limit: number,
    reference: boolean,
  ): OutputSample[] {
    const out: OutputSample[] = [];
    let activeCount = 0;
    for (const [key, a] of this.active) {
      if (!seen.has(key)) {
        if (!this.leave(key, a, ts)) continue;
      } else a.keepFiringSince = 0;
      activeCount++;
      if (a.state === "pending" && ts - a.activeAt >= this.rule.for) {
        a.state = "firing";
        a.firedAt = ts;
        this.changes.push({ alert: a, state: "firing", time: ts });
      }
      if (this.restored) out.push(...(reference ? alertSeries(a) : cachedAlertSeries(a)));
    }
    if (limit > 0 && activeCount > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${activeCount} alerts`);
    }
    return out;
  }

  /** An alert whose series is gone: true while it keeps firing, else resolved or dropped. */
  private leave(key: string, a: Alert, ts: number): boolean {
    const hold = this.rule.keepFiringFor;
    let keepFiring = false;
    if (a.state === "firing" && hold > 0) {
      if (a.keepFiringSince === 0) a.keepFiringSince = ts;
      keepFiring = ts - a.keepFiringSince < hold;
    }
    if (keepFiring) return true;
    if (a.state === "pending" || (a.resolvedAt > 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS))
      this.active.delete(key);
    if (a.state !== "inactive") {
      a.state = "inactive";
      a.resolvedAt = ts;
      this.changes.push({ alert: a, state: "resolved", time: ts });
    }
    return false;
  }
}

/** The `ALERTS` and `ALERTS_FOR_STATE` samples of a pending or firing alert. */
export function alertSeries(a: Alert): OutputSample[] {
  const alerts: Labels = withLabels(a.labels, { __name__: "ALERTS", alertstate: a.state });
  const forState: Labels = withLabels(a.labels, { __name__: "ALERTS_FOR_STATE" });
  return seriesOf(a, alerts, forState);
}

/** An alert's ALERTS* label sets, built for the state it was in. */
interface SeriesLabels {
  readonly state: Alert["state"];
  readonly alerts: Labels;
  readonly forState: Labels;
}

/**
 * An alert's labels never change and its state seldom does: the label sets of its ALERTS*
 * series are built once per state, not at every evaluation (two Maps and sorts per alert).
 */
const seriesLabels = new WeakMap<Alert, SeriesLabels>();

/** {@link alertSeries}, its label sets reused while the alert's state is unchanged. */
function cachedAlertSeries(a: Alert): OutputSample[] {
  let held = seriesLabels.get(a);
  if (held?.state !== a.state) {
    const [alerts, forState] = alertSeries(a);
    held = { state: a.state, alerts: alerts.labels, forState: forState.labels };
    seriesLabels.set(a, held);
  }
  return seriesOf(a, held.alerts, held.forState);
}

function seriesOf(a: Alert, alerts: Labels, forState: Labels): OutputSample[] {
  return [
    { labels: alerts, value: 1 },
    { labels: forState, value: Math.floor(a.activeAt / 1000) },
  ];
}
