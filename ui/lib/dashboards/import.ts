/**
 * The import dialog's reading of a dashboard file: parse it (a bad one is named with its line
 * and column), show what it is (title, uid, panels) and the `__inputs` it needs, then build the
 * ImportDashboard request. The server decides everything else (docs/api.md, Import).
 */
import { findJsonError } from "./json_error.ts";
import type { DashboardModel } from "./types.ts";

/** Outpost's data source for each Grafana plugin id it serves (the server maps them). */
export const BUILT_IN_SOURCES: Readonly<Record<string, string>> = {
  prometheus: "outpost-prometheus",
  loki: "outpost-loki",
};

/** One of an export's `__inputs`, as the dialog shows it. */
export interface InputView {
  name: string;
  label: string;
  type: string;
  pluginId: string;
  /** A constant's default value. */
  value: string;
  /** The Outpost data source a Prometheus or Loki input maps to, else "". */
  mappedTo: string;
}

/** A dashboard file read for import. */
export interface ImportPreview {
  model: DashboardModel;
  /** The text to send: the file as given, or the inner `dashboard` of Grafana's API answer. */
  text: string;
  title: string;
  uid: string;
  panels: number;
  inputs: InputView[];
  /** Said to the user when the file needed reading in a particular way. */
  note?: string;
}

/** A file that cannot be imported, and why. */
export interface ImportRefusal {
  error: string;
}

/** Reads `text` for import; a refusal names what is wrong and, for bad JSON, where. */
export function readImport(text: string): ImportPreview | ImportRefusal {
  if (text.trim() === "") return { error: "Cannot import: the text is empty" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const at = findJsonError(text);
    return {
      error: at
        ? `Cannot import: the JSON is invalid at line ${at.line}, column ${at.column}: ${at.message}`
        : "Cannot import: the JSON is invalid",
    };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { error: "Cannot import: the JSON is not an object (a dashboard is one)" };
  let model = raw as DashboardModel;
  let note: string | undefined;
  // Grafana's HTTP API answers {dashboard, meta}: people save that too.
  const inner = (raw as { dashboard?: unknown }).dashboard;
  if (model.title === undefined && typeof inner === "object" && inner !== null) {
    model = inner as DashboardModel;
    text = JSON.stringify(model, null, 2);
    note = "This is Grafana's API answer: its dashboard field is imported.";
  }
  if (typeof model.title !== "string" || model.title.trim() === "")
    return { error: "Cannot import: the dashboard has no title (its title field)" };
  const inputs = readInputs(model.__inputs);
  if (typeof inputs === "string") return { error: inputs };
  const uid = typeof model.uid === "string" ? model.uid : "";
  return { model, text, title: model.title, uid, panels: countPanels(model), inputs, note };
}

/** Panels a dashboard shows (rows not counted; a collapsed row's and a legacy row's counted). */
export function countPanels(model: DashboardModel): number {
  const count = (list: unknown): number => {
    if (!Array.isArray(list)) return 0;
    let n = 0;
    for (const p of list as { type?: unknown; panels?: unknown }[]) {
      if (p?.type === "row") n += count(p.panels);
      else n++;
    }
    return n;
  };
  let n = count(model.panels);
  if (Array.isArray(model.rows))
    for (const r of model.rows as { panels?: unknown }[]) n += count(r?.panels);
  return n;
}

function readInputs(raw: unknown): InputView[] | string {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return "Cannot import: __inputs is not a list";
  const out: InputView[] = [];
  for (const [i, x] of raw.entries()) {
    const o = x as Record<string, unknown> | null;
    if (typeof o !== "object" || o === null || typeof o.name !== "string" || o.name === "")
      return `Cannot import: __inputs[${i}] has no name`;
    const s = (v: unknown) => (typeof v === "string" ? v : "");
    const type = s(o.type);
    const pluginId = s(o.pluginId);
    out.push({
      name: o.name,
      label: s(o.label) || o.name,
      type,
      pluginId,
      value: s(o.value),
      mappedTo: type === "datasource" ? (BUILT_IN_SOURCES[pluginId] ?? "") : "",
    });
  }
  return out;
}

/** What the user chose in the dialog. */
export interface ImportChoices {
  title: string;
  uid: string;
  /** Constant inputs' values by name. */
  constants: Record<string, string>;
  folderUid: string;
  overwrite: boolean;
}

/** The ImportDashboard request for a preview and the choices made. */
export function importRequest(p: ImportPreview, c: ImportChoices) {
  // The text goes as given unless the user changed title or uid: the server keeps the text
  // byte for byte, and re-serialising would rewrite numbers such as 1.0.
  const changed = c.title !== p.title || c.uid !== p.uid;
  let json = p.text;
  if (changed) {
    const copy: DashboardModel = { ...p.model, title: c.title };
    if (c.uid === "") delete copy.uid;
    else copy.uid = c.uid;
    json = JSON.stringify(copy, null, 2);
  }
  const inputs = p.inputs
    .filter((i) => i.type === "constant")
    .map((i) => ({ name: i.name, value: c.constants[i.name] ?? i.value }));
  return { json, inputs, folderUid: c.folderUid, overwrite: c.overwrite, message: "Imported" };
}
