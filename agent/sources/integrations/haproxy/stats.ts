/**
 * HAProxy's `show stat` CSV (the stats socket's, or the stats page's `;csv`) and `show info`,
 * written as haproxy_exporter 0.14's families. Pure, so captured output tests it.
 */
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import {
  BACKEND,
  CODES,
  type Column,
  FRONTEND,
  MS_COLUMNS,
  SERVER,
  STATUS_COLUMN,
  statusValue,
} from "./families.ts";

/** The exporter's `up` family. */
export const HAPROXY_UP = {
  name: "haproxy_up",
  help: "Was the last scrape of HAProxy successful.",
};

/** HAProxy 1.5's CSV has this many columns; the exporter refuses shorter rows, and so does this. */
const MIN_COLUMNS = 33;

/** Rows of the CSV's proxies by type (column 32): 0 frontend, 1 backend, 2 server. */
const KINDS: Record<string, { prefix: string; columns: readonly Column[]; labels: string[] }> = {
  "0": { prefix: "haproxy_frontend_", columns: FRONTEND, labels: ["frontend"] },
  "1": { prefix: "haproxy_backend_", columns: BACKEND, labels: ["backend"] },
  "2": { prefix: "haproxy_server_", columns: SERVER, labels: ["backend", "server"] },
};

/** What one CSV gave: the rows written and the cells that were not numbers (the exporter's parse failures). */
export interface StatResult {
  rows: number;
  badCells: number;
}

/**
 * Writes the families of a `show stat` CSV. A page that is not that CSV throws a SyntaxError
 * naming `source`; a short row or a cell that is not a number is skipped and counted, as the
 * exporter does.
 */
export function writeStats(w: MetricWriter, csv: string, source: string): StatResult {
  if (!csv.startsWith("# pxname,"))
    throw new SyntaxError(`Cannot parse ${source}: not HAProxy's stats CSV: ${csv.slice(0, 60)}`);
  const declared = new Set<string>();
  const result: StatResult = { rows: 0, badCells: 0 };
  let start = csv.indexOf("\n") + 1;
  while (start > 0 && start < csv.length) {
    const end = csv.indexOf("\n", start);
    const line = csv.slice(start, end < 0 ? csv.length : end);
    start = end < 0 ? csv.length : end + 1;
    if (line === "") continue;
    const cells = line.split(",");
    const kind = KINDS[cells[32]];
    if (cells.length < MIN_COLUMNS) {
      result.badCells++;
      continue;
    }
    if (!kind) continue; // listeners (3) are not exported
    const labels =
      kind.labels.length === 1
        ? [kind.labels[0], cells[0]]
        : ["backend", cells[0], "server", cells[1]];
    result.badCells += writeRow(w, cells, kind, labels, declared);
    result.rows++;
  }
  return result;
}

function writeRow(
  w: MetricWriter,
  cells: string[],
  kind: (typeof KINDS)[string],
  labels: string[],
  declared: Set<string>,
): number {
  let bad = 0;
  for (const [col, suffix, type, help] of kind.columns) {
    const cell = cells[col];
    if (cell === undefined || cell === "") continue;
    const value = cellValue(col, cell);
    if (Number.isNaN(value)) {
      bad++;
      continue;
    }
    const name = kind.prefix + suffix;
    if (!declared.has(name)) {
      w.family(name, type, help);
      declared.add(name);
    }
    w.sample(name, labels, value);
  }
  // HTTP responses by class: frontends, backends and (HTTP) servers alike.
  const name = `${kind.prefix}http_responses_total`;
  for (let i = 0; i < CODES.length; i++) {
    const cell = cells[39 + i];
    if (cell === undefined || cell === "") continue;
    const value = cellValue(39 + i, cell);
    if (Number.isNaN(value)) {
      bad++;
      continue;
    }
    if (!declared.has(name)) {
      w.family(name, "counter", "Total of HTTP responses.");
      declared.add(name);
    }
    w.sample(name, [...labels, "code", CODES[i]], value);
  }
  return bad;
}

/** A cell as the exporter reads it: status as 0/1, timers from ms to s, the rest as integers. */
function cellValue(col: number, cell: string): number {
  if (col === STATUS_COLUMN) return statusValue(cell);
  if (MS_COLUMNS.has(col)) return /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) / 1000 : Number.NaN;
  return /^-?\d+$/.test(cell) ? Number(cell) : Number.NaN;
}

/** `show info`'s `Name: value` lines. */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(": ");
    if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 2).trim());
  }
  return out;
}

/** `haproxy_version_info`, which the exporter writes only when it reads a stats socket. */
export function writeVersionInfo(w: MetricWriter, info: Map<string, string>): void {
  const version = info.get("Version");
  if (version === undefined) return;
  w.family("haproxy_version_info", "gauge", "HAProxy version info.");
  w.sample(
    "haproxy_version_info",
    ["release_date", info.get("Release_date") ?? "", "version", version],
    1,
  );
}
