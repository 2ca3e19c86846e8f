/**
 * One integration's part of a flush: deduplication against the notification log, the send
 * retried with exponential backoff until the flush's deadline, the outcome counted, failures
 * logged once per reason, and what was sent recorded in the log.
 */
import { logger } from "../../../shared/log/log.ts";
import type { Metric, Registry } from "../../../shared/metrics/registry.ts";
import { isResolved, type StoredAlert } from "../alerts.ts";
import { attemptRecord } from "../history/attempts.ts";
import type { HistorySink } from "../history/writer.ts";
import { type NotificationLog, needsNotification } from "../nflog.ts";
import type { FailureReason, Sender, SendResult } from "../receivers/integration.ts";
import type { Clock } from "./clock.ts";
import type { AggregationGroup } from "./group.ts";

const log = logger("notify");

/** How long notification log entries are kept (Alertmanager's `--data.retention`). */
export const NFLOG_RETENTION = 120 * 3600_000;
/** The shortest time a flush's notifications are given (Alertmanager's `MinTimeout`). */
export const MIN_TIMEOUT = 10_000;

/** The notifier's counters. */
export class NotifyMetrics {
  readonly total: Metric;
  readonly failed: Metric;

  constructor(registry: Registry) {
    this.total = registry.counter(
      "outpost_notifications_total",
      "Notifications attempted, by integration (retries of one notification count once).",
      ["integration"],
    );
    this.failed = registry.counter(
      "outpost_notifications_failed_total",
      "Notifications that failed after their retries, by integration and reason.",
      ["integration", "reason"],
    );
  }
}

/** What a delivery needs from the dispatcher. */
export interface DeliverDeps {
  readonly nflog: NotificationLog;
  readonly clock: Clock;
  readonly metrics: NotifyMetrics;
  /** Aborted when the notifier stops. */
  readonly signal: AbortSignal;
  /** Alert history: every attempt is recorded there; none when history is off. */
  readonly history?: HistorySink;
}

/** The key of an integration in the log and the logs: `receiver/kind/index`. */
export const integrationKey = (receiver: string, s: Sender, i: number) =>
  `${receiver}/${s.kind}/${i}`;

/** Failure reasons already logged, per integration, until it succeeds again. */
const logged = new Map<string, Set<FailureReason>>();

/** Delivers a flush's alerts through one integration; resolves whether it went through. */
export async function deliver(
  deps: DeliverDeps,
  group: AggregationGroup,
  receiver: string,
  sender: Sender,
  index: number,
  alerts: readonly StoredAlert[],
  now: number,
): Promise<boolean> {
  const key = integrationKey(receiver, sender, index);
  const firing = new Set<string>();
  const resolved = new Set<string>();
  for (const a of alerts) (isResolved(a, now) ? resolved : firing).add(a.fingerprint);
  let entry: Awaited<ReturnType<NotificationLog["get"]>>;
  try {
    entry = await deps.nflog.get(key, group.key);
  } catch (err) {
    // Sending without knowing what was sent could repeat a notification: wait for the next flush.
    log.warn("Cannot read the notification log: not sending until the next flush", {
      integration: key,
      group: group.key,
      error: String(err),
    });
    return false;
  }
  const { repeatInterval, groupInterval } = group.route.opts;
  if (!needsNotification(entry, firing, resolved, sender.sendResolved, repeatInterval, now)) {
    return true;
  }
  // Without send_resolved, resolved alerts are left out; when nothing fires, nothing is sent,
  // but the log still learns that they resolved.
  const sent = sender.sendResolved ? alerts : alerts.filter((a) => firing.has(a.fingerprint));
  if (sent.length > 0) {
    deps.metrics.total.labels({ integration: sender.kind }).inc();
    const deadline = now + Math.max(groupInterval, MIN_TIMEOUT);
    const result = await attempt(deps, sender, { key, receiver, group, now, deadline }, sent);
    if (!result.ok) {
      deps.metrics.failed.labels({ integration: sender.kind, reason: result.reason }).inc();
      logFailure(key, group.key, result);
      return false;
    }
    recovered(key);
  }
  const logged = { firing: [...firing], resolved: [...resolved], timestamp: deps.clock.now() };
  await deps.nflog.log(key, group.key, logged, NFLOG_RETENTION).catch((err) => {
    // Sent but not logged: the next flush (or a takeover) may send it again.
    log.warn("Cannot write the notification log", { integration: key, error: String(err) });
  });
  return true;
}

interface Attempt {
  key: string;
  receiver: string;
  group: AggregationGroup;
  now: number;
  deadline: number;
}

/** Sends until it works, a failure is final, or the deadline passes. */
async function attempt(
  deps: DeliverDeps,
  sender: Sender,
  a: Attempt,
  alerts: readonly StoredAlert[],
): Promise<SendResult> {
  const abort = new AbortController();
  const timer = deps.clock.after(a.deadline - deps.clock.now(), () => abort.abort());
  const signal = AbortSignal.any([abort.signal, deps.signal]);
  let delay = 500;
  try {
    for (let tries = 1; ; tries++) {
      const ctx = { receiver: a.receiver, groupKey: a.group.key, groupLabels: a.group.labels };
      const started = deps.clock.now();
      const began = performance.now();
      const result = await sender.send({ ...ctx, now: a.now, signal }, alerts);
      // The jittered wait is checked, not the nominal one: a wait past the deadline would end
      // after the flush gave up, and its failure would be counted late.
      const wait = delay * (0.5 + Math.random());
      const final =
        result.ok || !result.retry || deps.clock.now() + wait >= a.deadline || signal.aborted;
      deps.history?.record(
        attemptRecord(
          {
            ...ctx,
            integration: a.key,
            alerts,
            now: a.now,
            started,
            latencyMs: performance.now() - began,
            attempt: tries,
          },
          result,
          final,
        ),
      );
      if (final) return result;
      // A stop (or the lease lost) ends the wait at once: the dispatcher's stop waits for this
      // flush, and a wait runs up to a minute. Nothing more is sent: the last failure stands.
      if (await waitUnlessAborted(deps.clock, wait, signal)) return result;
      delay = Math.min(delay * 1.5, 60_000);
    }
  } finally {
    timer.cancel();
  }
}

/** Waits `ms` on `clock`; resolves true at once if `signal` aborts first. */
function waitUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => {
      timer.cancel();
      resolve(true);
    };
    const timer = clock.after(ms, () => {
      signal.removeEventListener("abort", onAbort);
      resolve(false);
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function logFailure(key: string, groupKey: string, r: Exclude<SendResult, { ok: true }>): void {
  let reasons = logged.get(key);
  if (reasons === undefined) {
    reasons = new Set();
    logged.set(key, reasons);
  }
  if (reasons.has(r.reason)) return;
  reasons.add(r.reason);
  log.warn("Cannot send a notification: giving up until the next flush", {
    integration: key,
    group: groupKey,
    reason: r.reason,
    error: r.message,
  });
}

function recovered(key: string): void {
  if (logged.get(key)?.size) log.info("Notifications go through again", { integration: key });
  logged.delete(key);
}
