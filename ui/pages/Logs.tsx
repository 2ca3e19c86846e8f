/**
 * The Logs page's entry: the page itself (LogsView.tsx, with its editor, volume bars, lines,
 * context and downloads) loads on the first visit, so the first page's bundle does not carry it.
 */
import { Loader } from "@mantine/core";
import { lazy, Suspense } from "react";

const LogsView = lazy(() => import("./LogsView.tsx").then((m) => ({ default: m.LogsView })));

/** The Logs page. */
export function Logs() {
  return (
    <Suspense fallback={<Loader size="sm" />}>
      <LogsView />
    </Suspense>
  );
}
