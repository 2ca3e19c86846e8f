/**
 * Global keyboard shortcuts: `g` then a letter goes to a page, `/` focuses the page's search,
 * filter or editor, `?` opens the help. Keys typed into a field are the field's, never ours.
 */

/** `g` + key → path. */
export const GO_KEYS: Record<string, { path: string; label: string }> = {
  h: { path: "/", label: "Home" },
  e: { path: "/explore", label: "Explore" },
  l: { path: "/logs", label: "Logs" },
  d: { path: "/dashboards", label: "Dashboards" },
  a: { path: "/alerts", label: "Alerts" },
  u: { path: "/uptime", label: "Uptime" },
};

/** The help's other rows: the keys pressed together or in turn. */
export const OTHER_KEYS = [
  { keys: ["/"], what: "Focus the page's search, filter or query editor" },
  { keys: ["?"], what: "Show this help" },
  { keys: ["Ctrl+Enter"], what: "Run the query (Explore, Logs)" },
  { keys: ["Tab"], what: "Next control; the first Tab offers “Skip to content”" },
  { keys: ["Shift+Tab"], what: "Previous control" },
  { keys: ["Esc"], what: "Close a dialog" },
];

/** How long after `g` the second key counts. */
const CHORD_MS = 1500;

/** True when the key belongs to what has focus: a text field, an editor, a select. */
export function typingIn(el: Element | null): boolean {
  if (el === null) return false;
  const h = el as HTMLElement;
  return (
    h.isContentEditable ||
    el.tagName === "TEXTAREA" ||
    el.tagName === "SELECT" ||
    (el.tagName === "INPUT" &&
      !["checkbox", "radio", "button", "submit"].includes((el as HTMLInputElement).type))
  );
}

/** What a keydown asks for, given the previous `g` press time; a pure function for tests. */
export function shortcutFor(
  e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  gAt: number,
  now: number,
): { go: string } | { focus: true } | { help: true } | { chord: true } | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (now - gAt <= CHORD_MS && GO_KEYS[e.key] !== undefined) return { go: GO_KEYS[e.key].path };
  if (e.key === "g") return { chord: true };
  if (e.key === "/") return { focus: true };
  if (e.key === "?") return { help: true };
  return null;
}

/** Focuses the page's search: a `[data-search]` element, else the first field or editor in main. */
export function focusSearch(root: ParentNode = document): boolean {
  const main = root.querySelector("#main") ?? root;
  const el =
    main.querySelector<HTMLElement>("[data-search]") ??
    main.querySelector<HTMLElement>(
      ".cm-content, input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([disabled]):not([readonly]), textarea",
    );
  if (el === null) return false;
  el.focus();
  return true;
}

/** Listens on `target` for the shortcuts; returns the function that stops listening. */
export function listenShortcuts(
  target: Document,
  on: { go(path: string): void; help(): void },
): () => void {
  let gAt = Number.NEGATIVE_INFINITY;
  const handler = (e: KeyboardEvent) => {
    if (e.defaultPrevented || typingIn(target.activeElement)) return;
    // A modal open (the help itself, a confirmation) keeps its keys.
    if (target.querySelector("[role=dialog]")) return;
    const s = shortcutFor(e, gAt, Date.now());
    gAt = s !== null && "chord" in s ? Date.now() : Number.NEGATIVE_INFINITY;
    if (s === null || "chord" in s) return;
    e.preventDefault();
    if ("go" in s) on.go(s.go);
    else if ("help" in s) on.help();
    else focusSearch(target);
  };
  target.addEventListener("keydown", handler);
  return () => target.removeEventListener("keydown", handler);
}
