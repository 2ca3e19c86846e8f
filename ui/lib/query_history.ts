/**
 * Explore's query history (the last 50 expressions run, newest first, each once) and saved
 * queries (named), kept in this browser's localStorage: nothing is sent to the server.
 */

/** Where the history is kept. */
export const HISTORY_KEY = "outpost-explore-history";
/** Where the saved queries are kept. */
export const SAVED_KEY = "outpost-explore-saved";
/** How many expressions the history keeps. */
export const HISTORY_LIMIT = 50;

/** A named query. */
export interface SavedQuery {
  name: string;
  query: string;
}

/** The history with `query` on top (moved there when it was already in it), at most 50 long. */
export function remember(history: readonly string[], query: string): string[] {
  const q = query.trim();
  if (q === "") return [...history];
  return [q, ...history.filter((h) => h !== q)].slice(0, HISTORY_LIMIT);
}

/** The saved queries with `name` set to `query` (replacing one of that name), sorted by name. */
export function saveQuery(saved: readonly SavedQuery[], name: string, query: string): SavedQuery[] {
  const n = name.trim();
  if (n === "") throw new TypeError("Cannot save the query: give it a name");
  if (query.trim() === "") throw new TypeError("Cannot save the query: the expression is empty");
  return [...saved.filter((s) => s.name !== n), { name: n, query }].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
}

/** The saved queries without the one named `name`. */
export function forget(saved: readonly SavedQuery[], name: string): SavedQuery[] {
  return saved.filter((s) => s.name !== name);
}

/** The history kept in `storage`; what is missing or not a list of strings reads as empty. */
export function loadHistory(storage: Pick<Storage, "getItem">): string[] {
  const list = parse(storage.getItem(HISTORY_KEY));
  return list.filter((h): h is string => typeof h === "string").slice(0, HISTORY_LIMIT);
}

/** The saved queries kept in `storage`; malformed entries are left out. */
export function loadSaved(storage: Pick<Storage, "getItem">): SavedQuery[] {
  return parse(storage.getItem(SAVED_KEY)).filter(
    (s): s is SavedQuery =>
      typeof s === "object" &&
      s !== null &&
      typeof (s as SavedQuery).name === "string" &&
      typeof (s as SavedQuery).query === "string",
  );
}

// Another tab or an older version may have written anything there.
function parse(text: string | null): unknown[] {
  try {
    const v: unknown = JSON.parse(text ?? "[]");
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
