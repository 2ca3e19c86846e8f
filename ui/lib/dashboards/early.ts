/**
 * A dashboard link's first calls started before the app renders: `main.tsx` asks GetDashboard
 * at once, while the rest of the app boots and WhoAmI is asked, then the variables (load.ts).
 * The page's own queries of the same keys find the answers in the cache or join the calls on
 * their way. Kept small and apart from load.ts: the entry chunk of every page imports it.
 */
import type { QueryClient } from "@tanstack/react-query";
import { dashboardsClient } from "../../api/client.ts";
import { parseDashboardUrl } from "./url.ts";

/** GetDashboard as a query: asked once, kept until the page reloads it. */
export function dashboardQuery(uid: string) {
  return {
    queryKey: ["dashboard", uid],
    queryFn: () => dashboardsClient.getDashboard({ uid }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  } as const;
}

/**
 * Asks a dashboard page's first calls into `client`: GetDashboard, then its variables. Nothing
 * for another path, nor with `?fast=off` (the reference: the page asks them as it renders).
 */
export async function startDashboardLoad(client: QueryClient, path: string, search: string) {
  const url = parseDashboardUrl(path, search);
  if (url === undefined || url.fast === false) return;
  const answer = client.fetchQuery(dashboardQuery(url.uid));
  const [load, got] = await Promise.all([import("./load.ts"), answer.catch(() => undefined)]);
  if (got) await load.startVariables(client, url, got);
}
