/**
 * The notifier's side of alert history: an alert (posted, or from the rules) becoming firing
 * or resolved, and becoming silenced, inhibited or unmuted at a flush. Only transitions are
 * recorded: an alert re-posted every minute with the same state writes nothing. The
 * dispatcher calls it, so only the aggregator holding the notifier lease records.
 */
import { isResolved, type StoredAlert } from "../alerts.ts";
import type { StateRecord } from "./record.ts";
import type { HistorySink } from "./writer.ts";

/** How a flush muted an alert: by silences, by an inhibiting alert, or not (undefined). */
export type Muting = { silencedBy: readonly string[] } | { inhibitedBy: readonly string[] };

/**
 * Changes older than this are not recorded when a new dispatcher rebuilds its groups: the old
 * one recorded them, and JetStream's duplicate window (10 min) only drops copies younger.
 */
const RESTORE_HORIZON = 10 * 60_000;
/** Resolved alerts are forgotten this long after their end. */
const FORGET_AFTER = 60 * 60_000;
/**
 * How often the known alerts are scanned for those to forget: by time, not by calls, as every
 * re-post calls `seen` (a scan every 1,000 calls was 10 scans of every alert per round of
 * 10,000 re-posts, and grew with the square of the alerts).
 */
const FORGET_EVERY = 60_000;

interface Known {
  status: "firing" | "resolved";
  startsAt: number;
  endsAt: number;
  /** "" unmuted, else the muting as text. */
  muted: string;
}

/** Records the notifier's alerts' transitions. */
export class NotifierStates {
  private readonly known = new Map<string, Known>();
  private lastForget = Number.NEGATIVE_INFINITY;

  constructor(private readonly sink: HistorySink) {}

  /**
   * An alert put into the store or flushed at `now`; `restoring` when a new dispatcher
   * rebuilds its groups from the shared alerts.
   */
  seen(a: StoredAlert, now: number, restoring = false): void {
    const status = isResolved(a, now) ? "resolved" : "firing";
    const k = this.known.get(a.fingerprint);
    if (k && k.status === status && k.startsAt === a.startsAt) return;
    this.known.set(a.fingerprint, {
      status,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      muted: k?.muted ?? "",
    });
    const time = status === "firing" ? a.startsAt : a.endsAt;
    if (!restoring || time >= now - RESTORE_HORIZON) this.write(a, status, time);
    if (now - this.lastForget >= FORGET_EVERY) this.forget(now);
  }

  /** How the flush at `now` muted the alert. */
  muted(a: StoredAlert, muting: Muting | undefined, now: number): void {
    const text = muting === undefined ? "" : JSON.stringify(muting);
    const k = this.known.get(a.fingerprint);
    if (k === undefined || k.muted === text) return;
    k.muted = text;
    if (muting === undefined) this.write(a, "unmuted", now);
    else if ("silencedBy" in muting) this.write(a, "silenced", now, muting);
    else this.write(a, "inhibited", now, muting);
  }

  private write(
    a: StoredAlert,
    state: StateRecord["state"],
    time: number,
    muting: Muting | object = {},
  ): void {
    this.sink.record({
      kind: "state",
      time,
      state,
      source: "notifier",
      alertname: a.labels.alertname ?? "",
      fingerprint: a.fingerprint,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      ...muting,
    });
  }

  private forget(now: number): void {
    this.lastForget = now;
    for (const [fp, k] of this.known) {
      if (k.status === "resolved" && k.endsAt < now - FORGET_AFTER) this.known.delete(fp);
    }
  }
}
