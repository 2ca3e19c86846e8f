/** Explore's state in the URL, so that a link reproduces the view. */
import { parseDuration } from "./time.ts";

/** What Explore shows. */
export interface ExploreState {
  query: string;
  /** The range's length, as a duration (`1h`). */
  range: string;
  /** The range's end in Unix ms; null follows the clock. */
  end: number | null;
  tab: "graph" | "table";
}

/** Explore's state when the URL says nothing. */
export const DEFAULT_EXPLORE: ExploreState = { query: "", range: "1h", end: null, tab: "graph" };

/** Reads Explore's state from a query string; what is missing or malformed takes its default. */
export function readExplore(search: string): ExploreState {
  const p = new URLSearchParams(search);
  const range = p.get("range") ?? "";
  const end = Number(p.get("end"));
  return {
    query: p.get("q") ?? DEFAULT_EXPLORE.query,
    range: parseDuration(range) === undefined ? DEFAULT_EXPLORE.range : range,
    end: p.has("end") && Number.isFinite(end) && end > 0 ? Math.round(end) : null,
    tab: p.get("tab") === "table" ? "table" : "graph",
  };
}

/** The query string of Explore's state (defaults left out). */
export function writeExplore(s: ExploreState): string {
  const p = new URLSearchParams();
  if (s.query !== "") p.set("q", s.query);
  p.set("range", s.range);
  if (s.end !== null) p.set("end", String(s.end));
  if (s.tab !== "graph") p.set("tab", s.tab);
  return `?${p.toString()}`;
}
