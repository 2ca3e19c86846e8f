/**
 * When a re-sent alert must be written to the shared bucket again. Senders re-send every
 * firing alert (Prometheus every `resend_delay`) with `endsAt` moved ahead, and most re-sends
 * change nothing else: writing each would be one KV write and one watch message per alert on
 * every aggregator, every re-send. Instead a re-send that only extends `endsAt` waits, and is
 * written once the shared copy has less than half of the extended validity left (and never
 * later than `LAPSE_MARGIN` before the shared `endsAt`). So the shared copy outlives the last
 * re-send by at least half its validity, even if the aggregator that received it dies.
 */
import { isResolved, type StoredAlert } from "../alerts.ts";

/** A pending extension is written at the latest this long before the shared `endsAt`. */
export const LAPSE_MARGIN = 5_000;

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Whether two versions of one alert (same fingerprint) differ in more than their times of receipt and end. */
export function sameContent(a: StoredAlert, b: StoredAlert): boolean {
  return (
    a.startsAt === b.startsAt &&
    a.generatorURL === b.generatorURL &&
    a.timeout === b.timeout &&
    sameRecord(a.annotations, b.annotations) &&
    sameRecord(a.labels, b.labels)
  );
}

/**
 * Whether `local` (the alert as this aggregator now holds it) must be written over `shared`
 * (what the bucket holds, as far as this aggregator knows) at `now`: when it is new, its
 * content changed, it resolved or ended earlier, or it extends a shared copy that would
 * otherwise lapse soon.
 */
export function mustWrite(shared: StoredAlert | undefined, local: StoredAlert, now: number) {
  if (shared === undefined || !sameContent(shared, local)) return true;
  if (local.endsAt === shared.endsAt) return false;
  if (local.endsAt < shared.endsAt || isResolved(local, now) || isResolved(shared, now)) {
    return true;
  }
  const left = shared.endsAt - now;
  return left < LAPSE_MARGIN || left < (local.endsAt - now) / 2;
}

/**
 * When a waiting extension of `shared` to `local` must be written at the latest: where
 * `mustWrite()` turns true if nothing else changes. A number, so that the pending extensions
 * can be checked every second without comparing their contents.
 */
export function refreshAt(shared: StoredAlert, local: StoredAlert): number {
  return Math.min(shared.endsAt - LAPSE_MARGIN, 2 * shared.endsAt - local.endsAt);
}
