/**
 * Live refresh of the Alerts tab: WatchAlerts streams the notifier's changes, and each burst of
 * them (coalesced to one per second) refetches the alert groups, which carry the grouping the
 * stream does not. A broken stream is reopened after 5 s; the tab's 15 s refetch covers the gap.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { alertsClient } from "../../api/client.ts";

/** Watches while mounted; true while the stream is open. */
export function useAlertsWatch(): boolean {
  const cache = useQueryClient();
  const [live, setLive] = useState(false);
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
        try {
          for await (const msg of alertsClient.watchAlerts({}, { signal: stop.signal })) {
            setLive(true);
            if (msg.event.case === "change") refetch();
          }
        } catch {
          // Refused, unreachable or cut: the periodic refetch goes on; try again shortly.
        }
        setLive(false);
        await new Promise((r) => setTimeout(r, 5000));
      }
    };
    run();
    return () => {
      stop.abort();
      clearTimeout(pending);
    };
  }, [cache]);
  return live;
}
