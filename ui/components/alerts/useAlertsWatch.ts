/**
 * Live refresh of the Alerts tab: WatchAlerts streams the notifier's changes, and each burst of
 * them (coalesced to one per second) refetches the alert groups, which carry the grouping the
 * stream does not. A broken stream is reopened after 5 s; the tab's 15 s refetch covers the gap.
 * Above LIVE_MAX alerts the stream is closed and asked again a minute later: the rules re-send
 * every alert each evaluation, so 10,000 alerts are 10,000 changes every few seconds, and
 * decoding those and refetching the whole list each second kept the page too busy to answer
 * typing (bench/ui_alerts_filter.ts); the 15 s refetch keeps the list current meanwhile.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { alertsClient } from "../../api/client.ts";

/** The most alerts followed live. */
export const LIVE_MAX = 2000;

/** How the tab is kept current: followed live, refetched (stream down), or too many to follow. */
export type Liveness = "live" | "polling" | "too-many";

/** Watches while mounted; says how the list is kept current. */
export function useAlertsWatch(): Liveness {
  const cache = useQueryClient();
  const [state, setState] = useState<Liveness>("polling");
  useEffect(() => {
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
        let wait = 5000;
        const once = new AbortController();
        const abort = () => once.abort();
        stop.signal.addEventListener("abort", abort);
        try {
          for await (const msg of alertsClient.watchAlerts({}, { signal: once.signal })) {
            if (msg.event.case === "snapshot" && msg.event.value.alerts.length > LIVE_MAX) {
              setState("too-many");
              wait = 60_000;
              once.abort();
              break;
            }
            setState("live");
            if (msg.event.case === "change") refetch();
          }
        } catch {
          // Refused, unreachable or cut: the periodic refetch goes on; try again shortly.
        }
        stop.signal.removeEventListener("abort", abort);
        if (wait === 5000) setState("polling");
        await new Promise((r) => setTimeout(r, wait));
      }
    };
    run();
    return () => {
      stop.abort();
      clearTimeout(pending);
    };
  }, [cache]);
  return state;
}
