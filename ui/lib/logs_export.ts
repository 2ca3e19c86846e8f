/** The Logs page's downloads: raw lines (`.log`) or NDJSON with time, labels and line (`.json`). */
import type { LogLine } from "./logs.ts";

/** The lines as text, one a line, in the order given. */
export function toLogText(lines: readonly LogLine[]): string {
  return lines.map((l) => `${l.line}\n`).join("");
}

/** An RFC 3339 UTC time with nanoseconds, as Loki writes it. */
export function rfc3339Nano(timeNs: bigint): string {
  const ms = timeNs / 1_000_000n;
  const ns = ((timeNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${base}.${String(ns).padStart(9, "0")}Z`;
}

/** The lines as NDJSON: `time` (RFC 3339), `time_ns`, `labels`, `metadata` when any, `line`. */
export function toNdjson(lines: readonly LogLine[]): string {
  return lines
    .map((l) => {
      const rec: Record<string, unknown> = {
        time: rfc3339Nano(l.timeNs),
        time_ns: String(l.timeNs),
        labels: Object.fromEntries(l.labels.map((p) => [p.name, p.value])),
      };
      if (l.metadata.length > 0)
        rec.metadata = Object.fromEntries(l.metadata.map((p) => [p.name, p.value]));
      rec.line = l.line;
      return `${JSON.stringify(rec)}\n`;
    })
    .join("");
}

/** A file name for a download: `outpost-logs-<UTC time>.<ext>`. */
export function downloadName(ext: "log" | "json", now = new Date()): string {
  return `outpost-logs-${now.toISOString().slice(0, 19).replace(/:/g, "")}Z.${ext}`;
}
