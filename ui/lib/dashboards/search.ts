/** The dashboards list's state in the URL, and its dashboards grouped by folder. */

/** What the list shows: a part of the title, tags (all of them), a folder ("" all folders). */
export interface ListState {
  query: string;
  tags: string[];
  /** A folder's uid; "general" is the General folder (uid ""), "" means every folder. */
  folder: string;
}

/** The URL's name of the General folder, whose uid is "". */
export const GENERAL = "general";

/** Reads the state from a query string (`?q=&tag=&tag=&folder=`). */
export function readList(search: string): ListState {
  const p = new URLSearchParams(search);
  return {
    query: p.get("q") ?? "",
    tags: [...new Set(p.getAll("tag").filter((t) => t !== ""))],
    folder: p.get("folder") ?? "",
  };
}

/** The query string of the state ("" when it is the default). */
export function writeList(s: ListState): string {
  const p = new URLSearchParams();
  if (s.query !== "") p.set("q", s.query);
  for (const t of s.tags) p.append("tag", t);
  if (s.folder !== "") p.set("folder", s.folder);
  const q = p.toString();
  return q === "" ? "" : `?${q}`;
}

/** The state with `tag` added, or removed when it was there (a click on a tag). */
export function toggleTag(s: ListState, tag: string): ListState {
  const tags = s.tags.includes(tag) ? s.tags.filter((t) => t !== tag) : [...s.tags, tag];
  return { ...s, tags };
}

/** The SearchDashboards request of the state. */
export function searchRequest(s: ListState) {
  const folderUids = s.folder === "" ? [] : [s.folder === GENERAL ? "" : s.folder];
  return { query: s.query, tags: s.tags, folderUids };
}

interface FolderLike {
  uid: string;
  title: string;
}

interface DashLike {
  title: string;
  folderUid: string;
}

/** One folder's part of the list. */
export interface FolderGroup<D> {
  uid: string;
  title: string;
  dashboards: D[];
}

/**
 * Dashboards grouped by folder: General first, then folders by title; dashboards by title
 * within each. Folders without a dashboard are kept only when `keepEmpty` (no filter is on,
 * so the user sees the folder they just made). A dashboard in a folder the list does not know
 * (deleted meanwhile by someone else) is shown under its uid.
 */
export function groupByFolder<D extends DashLike>(
  dashboards: readonly D[],
  folders: readonly FolderLike[],
  keepEmpty: boolean,
): FolderGroup<D>[] {
  const byTitle = (a: { title: string }, b: { title: string }) =>
    a.title.localeCompare(b.title, undefined, { sensitivity: "base" });
  const groups = new Map<string, FolderGroup<D>>();
  groups.set("", { uid: "", title: "General", dashboards: [] });
  for (const f of [...folders].sort(byTitle))
    groups.set(f.uid, { uid: f.uid, title: f.title, dashboards: [] });
  for (const d of dashboards) {
    let g = groups.get(d.folderUid);
    if (g === undefined) {
      g = { uid: d.folderUid, title: d.folderUid, dashboards: [] };
      groups.set(d.folderUid, g);
    }
    g.dashboards.push(d);
  }
  const out = [...groups.values()].filter((g) => keepEmpty || g.dashboards.length > 0);
  for (const g of out) g.dashboards.sort(byTitle);
  return out;
}

/** The file name an export is saved as: the title made safe, then `.json`. */
export function exportFileName(title: string, uid: string): string {
  const safe = title
    .replace(/[^\p{L}\p{N}._ -]+/gu, "")
    .trim()
    .replace(/\s+/g, "-");
  return `${safe === "" ? uid : safe}.json`;
}
