/**
 * `/runbooks` and `/runbooks/integrations`: docs/runbooks.md and docs/runbooks-integrations.md
 * as pages, so that the rule packs' `runbook_url` (`{{ $externalURL }}/runbooks#<alert>`)
 * opens from Slack, PagerDuty or an e-mail. The file's
 * Markdown is of a few kinds (headings, paragraphs, tables, `code`, **bold**, links), rendered
 * here with every character escaped first; a heading's anchor is GitHub's (`#targetdown`).
 * Served without credentials, as the UI's pages: it holds no data.
 */
import { join } from "node:path";
import { Hono } from "hono";
import { RUNBOOKS } from "../../auth/access.ts";

/** Where the runbooks' Markdown files are. */
export const DOCS_DIR = join(import.meta.dir, "..", "..", "..", "docs");

/** The runbook pages, from the files of {@link RUNBOOKS} under `dir`. */
export function runbooksApp(dir = DOCS_DIR): Hono {
  const app = new Hono();
  for (const [route, name] of Object.entries(RUNBOOKS))
    app.get(route, async () => {
      const source = Bun.file(join(dir, name));
      if (!(await source.exists()))
        return new Response(`Cannot serve the runbooks: docs/${name} is missing\n`, {
          status: 404,
          headers: { "Content-Type": "text/plain; charset=utf-8" },
        });
      return new Response(runbooksPage(await source.text()), {
        headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" },
      });
    });
  return app;
}

/** The whole HTML page of a runbooks Markdown text. */
export function runbooksPage(markdown: string): string {
  const style =
    "body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}" +
    "code{background:#8882;padding:0 .2em;border-radius:3px}table{border-collapse:collapse}" +
    "td,th{border:1px solid #8886;padding:.2em .5em;text-align:left}" +
    "@media(prefers-color-scheme:dark){body{background:#1a1b1e;color:#ddd}a{color:#8ab4f8}}";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outpost runbooks</title><meta name="viewport" content="width=device-width"><style>${style}</style></head><body>\n${markdownHtml(markdown)}</body></html>\n`;
}

/** The body's HTML: blocks separated by blank lines, tables and headings by their first line. */
export function markdownHtml(markdown: string): string {
  const out: string[] = [];
  for (const block of markdown.split(/\n\s*\n/)) {
    const text = block.trim();
    if (text === "") continue;
    const heading = /^(#{1,6}) (.*)$/.exec(text);
    if (heading && !text.includes("\n")) {
      const level = heading[1]!.length;
      out.push(`<h${level} id="${anchor(heading[2]!)}">${inline(heading[2]!)}</h${level}>`);
    } else if (text.startsWith("|")) out.push(table(text.split("\n")));
    else out.push(`<p>${inline(text)}</p>`);
  }
  return `${out.join("\n")}\n`;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

function table(lines: string[]): string {
  const cells = (line: string) =>
    line
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((c) => inline(c.trim()));
  const [head, , ...rows] = lines;
  const th = cells(head ?? "").map((c) => `<th>${c}</th>`);
  const trs = rows.map(
    (r) =>
      `<tr>${cells(r)
        .map((c) => `<td>${c}</td>`)
        .join("")}</tr>`,
  );
  return `<table><tr>${th.join("")}</tr>${trs.join("")}</table>`;
}

/** Escapes `text`, then marks up its code spans, bold runs and links. */
function inline(text: string): string {
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) => {
          // Only links into the page or out to http(s): no javascript: from a Markdown file.
          const safe = /^(https?:\/\/|#)/.test(href) ? href : "#";
          return `<a href="${safe}">${label}</a>`;
        });
    })
    .join("");
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
