/**
 * The one Go template variable Sloth's SLI queries use: `{{.window}}`, replaced by each
 * window (`5m`, `1h`, …). Sloth runs the query through text/template with only that key, so
 * any other action fails there; here it fails with the action named.
 */

/** Sloth's test for the variable: `{{.window}}` with optional spaces inside the braces. */
const WINDOW = /\{\{ *\.window *\}\}/;
const ACTION = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;

/** True when `query` uses `{{.window}}`, as Sloth requires of every SLI query. */
export function hasWindow(query: string): boolean {
  return WINDOW.test(query);
}

/**
 * Fills in `{{.window}}` (and `{{- .window -}}`, trimming spaces as Go does). Throws a
 * SyntaxError naming any other action, which Sloth's template would reject too.
 */
export function renderWindow(query: string, window: string): string {
  let out = "";
  let last = 0;
  for (const m of query.matchAll(ACTION)) {
    const [whole, trimLeft, body, trimRight] = m;
    if (body !== ".window")
      throw new SyntaxError(
        `Cannot render query: unknown template action "${whole}", only {{.window}} is set`,
      );
    let before = query.slice(last, m.index);
    if (trimLeft === "-") before = before.trimEnd();
    out += before + window;
    last = m.index + whole.length;
    if (trimRight === "-") while (/\s/.test(query[last] ?? "")) last++;
  }
  return out + query.slice(last);
}
