/**
 * Where the LogQL editor's cursor is for completion: naming a label or typing a label's value
 * inside the stream selector. Pure text scanning, so it works on half-typed queries that no
 * grammar accepts yet.
 */

/** What to complete at the cursor, and from where the typed prefix starts. */
export type SelectorSpot =
  | { kind: "name"; from: number; prefix: string; selector: string }
  | { kind: "value"; from: number; prefix: string; name: string; selector: string };

/**
 * The completion spot at the end of `before` (the text before the cursor), or null when the
 * cursor is not in a selector's label name or quoted value. `selector` holds the matchers
 * already complete before it (`{a="b"}`), to narrow the lookups; `{}` when none.
 */
export function selectorSpot(before: string): SelectorSpot | null {
  let open = -1;
  let quote = false;
  let matcherStart = -1;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "{") open = matcherStart = i + 1;
    else if (c === "}") open = -1;
    else if (c === "," && open >= 0) matcherStart = i + 1;
  }
  if (open < 0) return null;
  const selector = `{${before.slice(open, Math.max(open, matcherStart - 1)).trim()}}`;
  const seg = before.slice(matcherStart);
  const value = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)$/.exec(seg);
  if (value) {
    const prefix = value[2];
    return { kind: "value", from: before.length - prefix.length, prefix, name: value[1], selector };
  }
  const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)?$/.exec(seg);
  if (name) {
    const prefix = name[1] ?? "";
    return { kind: "name", from: before.length - prefix.length, prefix, selector };
  }
  return null;
}
