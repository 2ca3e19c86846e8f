/**
 * The part of html/template's contextual escaping that keeps a link safe: where an action's
 * output lands in a URL attribute (`href`, `src`, …), Go filters a value that starts the URL
 * with a scheme other than http, https or mailto to `#ZgotmplZ`, and percent-encodes what a
 * URL may not hold, before the attribute's own escaping. Without it an alert posted with
 * `generatorURL: "javascript:…"` became a live `javascript:` link in the e-mail Alertmanager's
 * default template sends. The literal text written so far is scanned as far as telling tags,
 * attribute names and quoted values apart needs; scripts, styles and comments are not told
 * apart (their text is escaped as HTML text, as before).
 */

/** Attributes whose value html/template treats as a URL (its attrType table, the common ones). */
const URL_ATTRS = new Set([
  "action",
  "archive",
  "background",
  "cite",
  "classid",
  "codebase",
  "data",
  "formaction",
  "href",
  "icon",
  "longdesc",
  "manifest",
  "poster",
  "profile",
  "src",
  "usemap",
]);

type State = "text" | "tag" | "name" | "afterName" | "beforeValue" | "value";
/** Where in a URL the next output lands, read from the literal text only, as Go reads it. */
type UrlPart = "start" | "path" | "query";

/** Tracks where output lands as literal text is written (one per execution in HTML mode). */
export class HtmlContext {
  private state: State = "text";
  private attr = "";
  /** The quote of the value being written; "" for an unquoted value. */
  private quote = "";
  private urlPart: UrlPart = "start";

  /** Moves past literal text the template wrote. */
  literal(text: string): void {
    for (let i = 0; i < text.length; i++) this.step(text[i]!, text[i + 1]);
  }

  /**
   * Escapes an action's output for where it lands; `escapeText` is the HTML text escaper.
   * `urlquery` says the action's pipeline ended in `urlquery`, which html/template takes for
   * its own URL escaper (so it is not escaped twice).
   */
  escape(value: string, escapeText: (s: string) => string, urlquery: boolean): string {
    if (this.state !== "value" || !isUrlAttr(this.attr)) return escapeText(value);
    if (this.urlPart === "query") return escapeText(urlquery ? value : escapeUrl(value));
    if (urlquery) return escapeText(value);
    const filtered = this.urlPart === "start" && !isSafeUrl(value) ? "#ZgotmplZ" : value;
    return escapeText(normalizeUrl(filtered));
  }

  private step(c: string, next: string | undefined): void {
    switch (this.state) {
      case "text":
        if (c === "<" && next !== undefined && /[A-Za-z]/.test(next)) this.state = "tag";
        return;
      case "tag":
        if (c === ">") this.state = "text";
        else if (/\s|\//.test(c)) this.state = "afterName";
        return;
      case "afterName":
        if (c === ">") this.state = "text";
        else if (c === "=") this.state = "beforeValue";
        else if (!/\s|\//.test(c)) {
          this.state = "name";
          this.attr = c.toLowerCase();
        }
        return;
      case "name":
        if (c === ">") this.state = "text";
        else if (c === "=") this.state = "beforeValue";
        else if (/\s/.test(c)) this.state = "afterName";
        else this.attr += c.toLowerCase();
        return;
      case "beforeValue":
        if (/\s/.test(c)) return;
        this.state = "value";
        this.quote = c === '"' || c === "'" ? c : "";
        this.urlPart = this.quote !== "" ? "start" : "path";
        if (this.quote === "" && c === ">") this.state = "text";
        return;
      case "value":
        if (this.quote !== "" ? c === this.quote : /\s/.test(c)) this.state = "afterName";
        else if (this.quote === "" && c === ">") this.state = "text";
        else if (c === "?" || c === "#") this.urlPart = "query";
        else if (this.urlPart === "start" && !/\s/.test(c)) this.urlPart = "path";
        return;
    }
  }
}

function isUrlAttr(name: string): boolean {
  const local = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
  return (
    URL_ATTRS.has(local) || local.includes("src") || local.includes("uri") || local.includes("url")
  );
}

/** Go's isSafeURL: no scheme, or http, https or mailto. */
function isSafeUrl(s: string): boolean {
  const colon = s.indexOf(":");
  if (colon < 0 || s.slice(0, colon).includes("/")) return true;
  const scheme = s.slice(0, colon).toLowerCase();
  return scheme === "http" || scheme === "https" || scheme === "mailto";
}

/** Go's URL normalizer: what a URL may hold kept (`%` too), every other byte as `%xx`. */
export function normalizeUrl(s: string): string {
  return percentEncode(s, /[A-Za-z0-9\-._~!#$&*+,/:;=?@[\]%]/);
}

/** Go's URL escaper, for a query or fragment: only unreserved characters kept. */
function escapeUrl(s: string): string {
  return percentEncode(s, /[A-Za-z0-9\-._~]/);
}

/** Each UTF-8 byte of `s` not matching `keep` as `%xx`, lower case as Go writes it. */
function percentEncode(s: string, keep: RegExp): string {
  let out = "";
  for (const byte of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && keep.test(c) ? c : `%${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}
