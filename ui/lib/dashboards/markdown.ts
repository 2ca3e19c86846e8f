/**
 * A small Markdown renderer for text panels: headings, paragraphs, emphasis (`**`, `*`, `_`),
 * inline and fenced code, links, images, unordered and ordered lists (one level), block quotes
 * and rules. Raw HTML in the source is escaped, never passed through, and link targets keep only
 * safe schemes, so the output can be inserted as it is.
 */
import { escapeHtml, isSafeUrl } from "./sanitize.ts";

function inline(text: string): string {
  // Code spans, images and links' opening tags are set aside behind NUL-delimited places, so
  // nothing inside them (a URL's `_` or `*`) is read as emphasis.
  const codes: string[] = [];
  const aside = (html: string) => {
    codes.push(html);
    return `\u0000${codes.length - 1}\u0000`;
  };
  let s = text.replace(/`([^`]+)`/g, (_, c: string) => aside(`<code>${escapeHtml(c)}</code>`));
  s = escapeHtml(s);
  s = s.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (all, alt: string, url: string) =>
    isSafeUrl(url) ? aside(`<img src="${url}" alt="${alt}">`) : alt || all,
  );
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, url: string) =>
    isSafeUrl(url)
      ? `${aside(`<a href="${url}" target="_blank" rel="noopener noreferrer">`)}${label}</a>`
      : label,
  );
  s = s.replace(
    /\*\*([^*]+)\*\*|__([^_]+)__/g,
    (_, a?: string, b?: string) => `<strong>${a ?? b}</strong>`,
  );
  s = s.replace(
    /\*([^*]+)\*|(?<![\w])_([^_]+)_(?![\w])/g,
    (_, a?: string, b?: string) => `<em>${a ?? b}</em>`,
  );
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]);
}

/** Renders Markdown to safe HTML. */
export function renderMarkdown(source: string): string {
  // NUL marks the code spans' places (inline()): a NUL of the source's own could forge one.
  const lines = source
    .replace(/\u0000/g, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  const out: string[] = [];
  let para: string[] = [];
  let list: { tag: "ul" | "ol"; items: string[] } | null = null;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(" "))}</p>`);
    para = [];
    if (list)
      out.push(
        `<${list.tag}>${list.items.map((i) => `<li>${inline(i)}</li>`).join("")}</${list.tag}>`,
      );
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++)
        body.push(lines[i]);
      out.push(`<pre><code>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = atxHeading(line);
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      out.push(`<h${heading.level}>${inline(heading.text)}</h${heading.level}>`);
    } else if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push("<hr>");
    } else if (item) {
      const tag = /\d/.test(item[1]) ? "ol" : "ul";
      if (para.length || (list && list.tag !== tag)) flush();
      list ??= { tag, items: [] };
      list.items.push(item[2]);
    } else if (/^\s*>/.test(line)) {
      flush();
      out.push(`<blockquote>${inline(line.replace(/^\s*>\s?/, ""))}</blockquote>`);
    } else if (line.trim() === "") {
      flush();
    } else if (list && /^\s+/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  flush();
  return out.join("\n");
}

/**
 * An ATX heading (`## Title ##`): its level and text without the closing hashes. Trimmed in
 * code: one regex with a lazy text beside optional spaces and hashes backtracks cubically on a
 * long line of spaces, which froze the page of a dashboard holding one.
 */
function atxHeading(line: string): { level: number; text: string } | null {
  const m = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/.exec(line);
  if (m === null) return null;
  let text = (m[2] ?? "").trimEnd();
  const hashes = /(^|[ \t])#+$/.exec(text);
  if (hashes !== null) text = text.slice(0, hashes.index).trimEnd();
  return { level: m[1].length, text };
}
