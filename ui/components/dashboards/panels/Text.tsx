/**
 * Grafana's `text` panel: `options.content` as Markdown (raw HTML escaped), as HTML (sanitized
 * to a safe subset: no scripts, event handlers or javascript: URLs), or as code; the body
 * scrolls when the text is longer than the panel, as Grafana's does.
 */
import { Typography } from "@mantine/core";
import { useMemo } from "react";
import { option } from "../../../lib/dashboards/fields.ts";
import { renderMarkdown } from "../../../lib/dashboards/markdown.ts";
import { escapeHtml, sanitizeHtml } from "../../../lib/dashboards/sanitize.ts";
import type { PanelProps } from "../../../lib/dashboards/types.ts";

/** The text panel. */
export function TextPanel({ panel, width, height }: PanelProps) {
  const mode = option(panel, "mode", "markdown");
  // Pre-7 text panels kept `content` and `mode` at the top level of the panel.
  const content = option(panel, "content", (panel.content as string | undefined) ?? "");
  const html = useMemo(() => {
    if (mode === "html") return sanitizeHtml(content);
    if (mode === "code") return `<pre><code>${escapeHtml(content)}</code></pre>`;
    return renderMarkdown(content);
  }, [mode, content]);
  return (
    <Typography
      data-testid="text-panel"
      style={{
        width,
        height,
        overflow: "auto",
        padding: "4px 8px",
        boxSizing: "border-box",
        fontSize: 14,
      }}
    >
      <div
        // The HTML is built above from escaped Markdown or sanitized HTML only.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by sanitizeHtml/renderMarkdown.
        dangerouslySetInnerHTML={{ __html: html }}
      />
    </Typography>
  );
}
