/**
 * Live refresh of the Alerts tab: WatchAlerts streams the notifier's changes, and each burst of
 * them (coalesced to one per second) refetches the alert groups, which carry the grouping the
 * stream does not. A broken stream is reopened after 5 s; the tab's 15 s refetch covers the gap.
 * While the list holds more than LIVE_MAX alerts no stream is opened (and an open one is
 * closed): the rules re-send every alert each evaluation, so 10,000 alerts are a 10,000-alert
 * snapshot and 10,000 changes every few seconds, and decoding those and refetching the whole
 * list each second kept the page too busy to answer typing (bench/ui_alerts_filter.ts); the
 * 15 s refetch keeps the list current meanwhile.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { alertsClient } from "../../api/client.ts";

/** The most alerts followed live. */
export const LIVE_MAX = 2000;

/** How the tab is kept current: followed live, refetched (stream down), or too many to follow. */
export type Liveness = "live" | "polling" | "too-many";

/** Watches while mounted and `alerts` (the list's size) is at most LIVE_MAX. */
export function useAlertsWatch(alerts: number): Liveness {
  const cache = useQueryClient();
  const [state, setState] = useState<Liveness>("polling");
  const tooMany = alerts > LIVE_MAX;
  useEffect(() => {
    if (tooMany) return;
    const stop = new AbortController();
    let pending: ReturnType<typeof setTimeout> | undefined;
    const refetch = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        cache.invalidateQueries({ queryKey: ["alertGroups"] });
      }, 1000);
    };
    const run = async () => {
      while (!stop.signal.aborted) {
        try {
          for await (const msg of alertsClient.watchAlerts({}, { signal: stop.signal })) {
            setState("live");
            if (msg.event.case === "change") refetch();
          }
        } catch {
          // Refused, unreachable or cut: the periodic refetch goes on; try again shortly.
        }
        setState("polling");
        await new Promise((r) => setTimeout(r, 5000));
      }
    };
    run();
    return () => {
      stop.abort();
      clearTimeout(pending);
    };
  }, [cache, tooMany]);
  return tooMany ? "too-many" : state;
}
