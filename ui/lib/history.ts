/**
 * The History tab's model: ListHistory's records as marks (a state change or a notification
 * attempt, each with the status the timeline colours), their lanes (one per alert, or one per
 * receiver), and the ticks of the time axis. Nothing is added to what the server returned.
 */
import type { LabelPairs } from "./alerts.ts";

/** A record as ListHistory gives it (the fields the tab reads). */
export interface RecordLike {
  timeMs: bigint;
  record:
    | {
        case: "state";
        value: {
          state: string;
          source: string;
          alertname: string;
          fingerprint: string;
          labels: LabelPairs;
        };
      }
    | {
        case: "notification";
        value: {
          receiver: string;
          integration: string;
          outcome: string;
          reason: string;
          error: string;
          attempt: number;
          alerts: readonly { fingerprint: string; alertname: string; status: string }[];
        };
      }
    | { case: undefined; value?: undefined };
}

/** One mark: where it goes and how it is drawn. */
export interface Mark {
  /** The record's position in the answer: a key that stays while the answer does. */
  id: number;
  timeMs: number;
  kind: "state" | "notification";
  /** A state (firing, resolved, …) or an attempt's outcome: notified, retry, failed. */
  status: string;
  /** The lanes by alert this mark belongs to (fingerprints). */
  alerts: string[];
  /** Each of those alerts as its lane names it: alertname, then labels where known. */
  alertLabels: string[];
  alertnames: string[];
  /** The receiver of a notification; "" for a state change. */
  receiver: string;
  /** What the list and the tooltip say about it. */
  text: string;
}

/** A lane: its key, its label and its marks, oldest first. */
export interface Lane {
  key: string;
  label: string;
  marks: Mark[];
}

const OUTCOME: Record<string, string> = { success: "notified", retry: "retry", failed: "failed" };

/** Every status a mark can have, in the order the legend lists them. */
export const STATUSES = [
  "pending",
  "firing",
  "resolved",
  "silenced",
  "inhibited",
  "unmuted",
  "notified",
  "retry",
  "failed",
];

/** The colour of a status: Mantine colour names, readable in both themes. */
export function statusColor(status: string): string {
  const colors: Record<string, string> = {
    pending: "yellow",
    firing: "red",
    resolved: "green",
    silenced: "blue",
    inhibited: "indigo",
    unmuted: "gray",
    notified: "teal",
    retry: "orange",
    failed: "grape",
  };
  return colors[status] ?? "gray";
}

/** The records as marks, in the order given. */
export function marksOf(records: readonly RecordLike[]): Mark[] {
  const out: Mark[] = [];
  records.forEach((r, id) => {
    const timeMs = Number(r.timeMs);
    if (r.record.case === "state") {
      const s = r.record.value;
      const labels = s.labels
        .filter((l) => l.name !== "alertname")
        .map((l) => ` ${l.name}=${l.value}`)
        .join("");
      out.push({
        id,
        timeMs,
        kind: "state",
        status: s.state,
        alerts: [s.fingerprint],
        alertLabels: [s.alertname + labels],
        alertnames: [s.alertname],
        receiver: "",
        text: `${s.alertname} ${s.state} (${s.source})${labels}`,
      });
    } else if (r.record.case === "notification") {
      const n = r.record.value;
      const status = OUTCOME[n.outcome] ?? n.outcome;
      const names = [...new Set(n.alerts.map((a) => a.alertname))];
      const why = n.outcome === "success" ? "" : `: ${n.reason || n.error}`;
      out.push({
        id,
        timeMs,
        kind: "notification",
        status,
        alerts: n.alerts.map((a) => a.fingerprint),
        alertLabels: n.alerts.map((a) => a.alertname),
        alertnames: names,
        receiver: n.receiver,
        text: `${n.integration} ${status} (attempt ${n.attempt}) for ${n.alerts.length} alert${n.alerts.length === 1 ? "" : "s"}: ${names.join(", ")}${why}`,
      });
    }
  });
  return out;
}

/**
 * The lanes of `marks`: by alert (a fingerprint; a notification goes in the lane of each alert
 * it carried), labelled by alertname and the labels its state records had, or by receiver
 * (state changes have none and are left out). Sorted by label.
 */
export function lanesOf(marks: readonly Mark[], by: "alert" | "receiver"): Lane[] {
  const lanes = new Map<string, Lane>();
  const lane = (key: string, label: string) => {
    let l = lanes.get(key);
    if (l === undefined) {
      l = { key, label, marks: [] };
      lanes.set(key, l);
    } else if (label.length > l.label.length) l.label = label;
    return l;
  };
  for (const m of marks) {
    if (by === "receiver") {
      if (m.kind === "notification") lane(m.receiver, m.receiver).marks.push(m);
      continue;
    }
    m.alerts.forEach((fp, i) => {
      lane(fp, m.alertLabels[i] || fp).marks.push(m);
    });
  }
  for (const l of lanes.values()) l.marks.sort((a, b) => a.timeMs - b.timeMs);
  return [...lanes.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

const STEPS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400].map(
  (s) => s * 1000,
);

/** Ticks on the time axis: the smallest round step that gives at most `most` of them. */
export function timeTicks(startMs: number, endMs: number, most: number): number[] {
  const span = endMs - startMs;
  const step =
    STEPS.find((s) => span / s <= most) ?? Math.ceil(span / most / 86_400_000) * 86_400_000;
  const out: number[] = [];
  // Round in local time, so that an hour tick reads 14:00, not 14:00 UTC shifted.
  const offset = new Date(startMs).getTimezoneOffset() * 60_000;
  for (let t = Math.ceil((startMs - offset) / step) * step + offset; t <= endMs; t += step)
    out.push(t);
  return out;
}
