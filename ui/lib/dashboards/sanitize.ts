/**
 * HTML from a dashboard's text panel made safe to insert: only a known set of tags and
 * attributes survives; script-like elements go with their content; event handlers are dropped;
 * links and images keep only http(s), mailto and relative URLs (after decoding the entities a
 * browser would decode, so "javascript&#58;" is caught); stray `<` is escaped. Dashboards come
 * from anyone who can import one, so their HTML is untrusted.
 */

const ALLOWED_TAGS = new Set(
  "a b i em strong u s del ins p br hr ul ol li h1 h2 h3 h4 h5 h6 code pre kbd span div small sub sup blockquote table thead tbody tfoot tr th td caption img center font dl dt dd abbr mark".split(
    " ",
  ),
);

/**
 * Elements whose content must go too (a script's text is not text to show). Void elements
 * (meta, link, base) have no content: as tags not allowed, they are simply dropped.
 */
const DROP_WITH_CONTENT = new Set(
  "script style iframe object embed noscript template textarea select svg math frameset applet title".split(
    " ",
  ),
);

/**
 * No `class`: the page's classes are Outpost's own (Mantine's overlays and fixed bars among
 * them), so a class could lay a panel over the page as the styles left out below would, and
 * Grafana's classes mean nothing here.
 */
const ALLOWED_ATTRS = new Set(
  "href src alt title width height colspan rowspan align valign target style color size start".split(
    " ",
  ),
);

const VOID = new Set(["br", "hr", "img"]);

/** Escapes text for HTML content or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const NAMED: Record<string, string> = {
  colon: ":",
  tab: "\t",
  newline: "\n",
  sol: "/",
  amp: "&",
  lpar: "(",
  rpar: ")",
};

/** Decodes the entities that could hide a URL's scheme. */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (all, e: string) => {
    if (e[0] === "#") {
      const code =
        e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}

/** True for http(s), mailto, and scheme-less (relative, #fragment) URLs. */
export function isSafeUrl(raw: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const url = decodeEntities(raw)
    .replace(/[\u0000-\u0020\u007f-\u009f]/g, "")
    .toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url);
  return !scheme || ["http", "https", "mailto"].includes(scheme[1]);
}

/**
 * Properties a text panel's inline style may set: looks, sizes and spacing. Not `position`,
 * `transform`, `z-index` or offsets: those could lay the panel's HTML over the rest of the page
 * (a fake login), where the panel's own scroll box clips everything else.
 */
const STYLE_PROPERTIES = new Set([
  "color",
  "background",
  "background-color",
  "opacity",
  "display",
  "float",
  "clear",
  "vertical-align",
  "line-height",
  "letter-spacing",
  "word-spacing",
  "white-space",
  "word-break",
  "overflow-wrap",
  "list-style-type",
  "width",
  "height",
  "min-width",
  "min-height",
  "max-width",
  "max-height",
  "overflow",
  "overflow-x",
  "overflow-y",
  "border-collapse",
  "border-spacing",
  "gap",
]);
const STYLE_PREFIXES = ["font", "text-", "margin", "padding", "border"];

function safeStyle(style: string): boolean {
  const s = decodeEntities(style).toLowerCase();
  // CSS escapes and comments could spell a name the checks below do not see (`fi\78 ed`).
  if (s.includes("\\") || s.includes("/*")) return false;
  // No fetching and no script.
  if (/url\(|image-set|expression\(|javascript:|@import/.test(s.replace(/\s/g, ""))) return false;
  return s.split(";").every((declaration) => {
    if (declaration.trim() === "") return true;
    const colon = declaration.indexOf(":");
    const property = declaration.slice(0, colon).trim();
    return (
      colon > 0 &&
      (STYLE_PROPERTIES.has(property) || STYLE_PREFIXES.some((p) => property.startsWith(p)))
    );
  });
}

const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function attributes(tag: string, source: string): string {
  let out = "";
  for (const m of source.matchAll(ATTR)) {
    const name = m[1].toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? "";
    if (!ALLOWED_ATTRS.has(name)) continue;
    if ((name === "href" || name === "src") && !isSafeUrl(value)) continue;
    if (name === "style" && !safeStyle(value)) continue;
    out += ` ${name}="${escapeHtml(decodeEntities(value))}"`;
  }
  // A link opening a new tab must not hand the dashboard's window to the page it opens.
  if (tag === "a") out += ' rel="noopener noreferrer"';
  return out;
}

const TOKEN =
  /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;

/** The safe subset of `html`. */
export function sanitizeHtml(html: string): string {
  let out = "";
  let last = 0;
  const open: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(html); m !== null; m = TOKEN.exec(html)) {
    out += escapeText(html.slice(last, m.index));
    last = TOKEN.lastIndex;
    if (m[0].startsWith("<!--")) continue;
    const closing = m[1] === "/";
    const tag = m[2].toLowerCase();
    if (DROP_WITH_CONTENT.has(tag)) {
      if (!closing) {
        const end = new RegExp(`</${tag}\\s*>`, "ig");
        end.lastIndex = last;
        const e = end.exec(html);
        last = e ? end.lastIndex : html.length;
        TOKEN.lastIndex = last;
      }
      continue;
    }
    if (!ALLOWED_TAGS.has(tag)) continue;
    if (closing) {
      const at = open.lastIndexOf(tag);
      if (at < 0) continue;
      // Close what was left open inside it, so the output nests.
      while (open.length > at) out += `</${open.pop()}>`;
      continue;
    }
    out += `<${tag}${attributes(tag, m[3])}>`;
    if (!VOID.has(tag) && m[4] !== "/") open.push(tag);
  }
  out += escapeText(html.slice(last));
  while (open.length) out += `</${open.pop()}>`;
  return out;
}

/** Text between tags: keeps entities, escapes what could start markup. */
function escapeText(s: string): string {
  return s
    .replace(/&(?!(#x[0-9a-f]+|#\d+|[a-z]+);)/gi, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}
