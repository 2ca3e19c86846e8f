/**
 * The variable selections this browser last resolved for each dashboard, kept in localStorage
 * as hints for the next load's lookups (variables.ts, `prefetchChain`). A hint only decides
 * which lookups are asked early, never what is selected, so a stale or edited entry costs a
 * lookup and nothing else. The most recent 50 dashboards are kept.
 */

/** The localStorage key. */
export const HINTS_KEY = "outpost.dashboard-selections";
const KEEP = 50;

type Selections = Record<string, string[]>;

/** The store's entries, newest last; whatever does not have the shape is dropped. */
function readAll(storage: Storage): [string, Selections][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(HINTS_KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (e): e is [string, Selections] =>
      Array.isArray(e) &&
      typeof e[0] === "string" &&
      typeof e[1] === "object" &&
      e[1] !== null &&
      Object.values(e[1]).every((v) => Array.isArray(v) && v.every((x) => typeof x === "string")),
  );
}

/** The selections last resolved for dashboard `uid`, if any. */
export function readHints(storage: Storage | undefined, uid: string): Selections | undefined {
  if (storage === undefined) return undefined;
  return readAll(storage).find(([u]) => u === uid)?.[1];
}

/** Keeps `selections` as dashboard `uid`'s hints (a full or unavailable store is left as is). */
export function saveHints(storage: Storage | undefined, uid: string, selections: Selections) {
  if (storage === undefined) return;
  const kept = readAll(storage).filter(([u]) => u !== uid);
  kept.push([uid, selections]);
  try {
    storage.setItem(HINTS_KEY, JSON.stringify(kept.slice(-KEEP)));
  } catch {
    // Quota or a private window: the next load asks its chain in order, as without hints.
  }
}

/** The page's localStorage, where it can be had. */
export function pageStorage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}
