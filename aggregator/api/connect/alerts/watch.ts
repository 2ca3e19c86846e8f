/**
 * WatchAlerts: the notifier's firing alerts, then each change of its store as it happens.
 * Changes wait in a bounded queue per subscriber, filled by the store's synchronous hook: the
 * notifier never waits for a client, and a client that lets the queue fill is dropped with
 * `resource_exhausted`.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  ChangeKind,
  type WatchAlertsResponseSchema,
} from "../../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import type { AlertChange, AlertChangeKind, StoredAlert } from "../../../notify/alerts.ts";
import { statusReader } from "../../../notify/api/gettable.ts";
import { type Matcher, matchesAll } from "../../../notify/matchers.ts";
import type { Notifier } from "../../../notify/notifier.ts";
import { matchRoutes } from "../../../notify/route/route.ts";
import { alertOut } from "./convert.ts";

type Event = MessageInitShape<typeof WatchAlertsResponseSchema>;

/** Changes a subscriber may have waiting before it is dropped. */
export const WATCH_QUEUE = 1024;

const KINDS: Record<AlertChangeKind, ChangeKind> = {
  added: ChangeKind.ADDED,
  updated: ChangeKind.UPDATED,
  resolved: ChangeKind.RESOLVED,
  removed: ChangeKind.REMOVED,
};

/** The stream of one subscriber: a snapshot, then changes until `signal` aborts. */
export async function* watchAlerts(
  notifier: Notifier,
  matchers: readonly Matcher[],
  signal: AbortSignal,
  limit = WATCH_QUEUE,
): AsyncGenerator<Event> {
  const queue: AlertChange[] = [];
  let overflowed = false;
  let wake: (() => void) | undefined;
  // Subscribed before the snapshot is taken, so no change falls between the two.
  const stop = notifier.store.watch((c) => {
    if (overflowed || !matchesAll(matchers, c.alert.labels)) return;
    if (queue.length >= limit) {
      overflowed = true;
      queue.length = 0;
    } else queue.push(c);
    wake?.();
  });
  const woken = () => wake?.();
  signal.addEventListener("abort", woken);
  try {
    const now = notifier.clock.now();
    const firing = notifier.store.firing(now).filter((a) => matchesAll(matchers, a.labels));
    firing.sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1));
    yield {
      event: { case: "snapshot", value: { alerts: firing.map((a) => listed(notifier, a)) } },
    };
    while (!signal.aborted) {
      if (overflowed) {
        throw new ConnectError(
          `Cannot keep watching alerts: more than ${limit} changes waited for this client`,
          Code.ResourceExhausted,
        );
      }
      const c = queue.shift();
      if (c === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const value = { kind: KINDS[c.kind], alert: listed(notifier, c.alert) };
      yield { event: { case: "change", value } };
    }
  } finally {
    stop();
    signal.removeEventListener("abort", woken);
  }
}

/** An alert as ListAlerts gives it: its receivers and status now. */
function listed(notifier: Notifier, alert: StoredAlert) {
  const receivers = matchRoutes(notifier.root, alert.labels).map((r) => r.opts.receiver);
  const status = statusReader(notifier, notifier.clock.now())(alert);
  return alertOut({ alert, receivers, status });
}
