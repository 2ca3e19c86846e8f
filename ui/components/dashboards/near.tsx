/**
 * The dashboard's fast paths and the hook that tells a panel it is near the screen. The page
 * turns both fast paths off with `?fast=off` in its URL (the simple reference the e2e test holds
 * them to): every panel then queries as it mounts, and a time series makes a new chart for each
 * answer instead of giving its chart the new data.
 */
import { createContext, type RefObject, useContext, useLayoutEffect, useState } from "react";
import { NearTracker, nearViewport } from "../../lib/dashboards/near.ts";

/** What a dashboard's panels may skip or reuse. */
export interface FastPaths {
  /** A panel queries and draws only once it is near the screen. */
  lazyPanels: boolean;
  /** A time series gives its uPlot new data with `setData` while its series stay the same. */
  chartSetData: boolean;
}

/** Every fast path on, near the viewport: what a panel outside a dashboard page gets too. */
export const FAST: FastPaths = { lazyPanels: true, chartSetData: true };

/** The simple reference: every panel at once, a new chart per answer. */
export const SIMPLE: FastPaths = { lazyPanels: false, chartSetData: false };

/** The fast paths of the panels below. */
export const FastPathsContext = createContext<FastPaths>(FAST);

/** The fast paths in force here. */
export function useFastPaths(): FastPaths {
  return useContext(FastPathsContext);
}

/** One tracker for the page: it keeps one observer per scroll root. */
const tracker = new NearTracker();

/** True once the element has come near the viewport (at once with lazy panels off). */
export function useNear(ref: RefObject<HTMLElement | null>): boolean {
  const { lazyPanels } = useFastPaths();
  const [near, setNear] = useState(!lazyPanels);
  // Before the first paint: a panel already on (or near) the screen is near at once, so its
  // query leaves in this commit instead of after a frame and the observer's first report.
  useLayoutEffect(() => {
    const el = ref.current;
    if (near || el === null) return;
    if (nearViewport(el.getBoundingClientRect(), innerWidth, innerHeight)) {
      setNear(true);
      return;
    }
    // The dashboard page scrolls the window: the viewport is the one root its panels have.
    return tracker.watch(el, null, () => setNear(true));
  }, [ref, near]);
  return near;
}
