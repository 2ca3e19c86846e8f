/**
 * Grafana's import and "export for sharing externally": an export declares its data sources
 * in `__inputs` and refers to them as `${DS_…}` placeholders; import maps each input to a
 * value (Outpost's own data sources by default) and replaces the placeholders everywhere.
 */
import { badInput, type DashboardJson } from "./model.ts";

/** The uid of Outpost's built-in Prometheus data source (the PromQL API). */
export const PROMETHEUS_UID = "outpost-prometheus";
/** The uid of Outpost's built-in Loki data source (the LogQL API). */
export const LOKI_UID = "outpost-loki";

/** Outpost's data source for each Grafana plugin id it serves. */
const BUILT_IN: Readonly<Record<string, string>> = { prometheus: PROMETHEUS_UID, loki: LOKI_UID };

interface Input {
  name: string;
  type?: string;
  pluginId?: string;
  value?: string;
}

/**
 * The dashboard of an export: `given` values first, else Outpost's data source for a
 * `prometheus` or `loki` input, else a constant's own value; any other input is refused
 * naming it. `__inputs` and `__requires` are dropped.
 */
export function importDashboard(
  doc: DashboardJson,
  given: ReadonlyMap<string, string>,
): DashboardJson {
  const inputs = readInputs(doc.__inputs);
  const values = new Map<string, string>();
  for (const input of inputs) {
    const value = given.get(input.name) ?? defaultValue(input);
    if (value === undefined)
      throw badInput(
        `inputs`,
        `input "${input.name}" (${input.type ?? "?"} ${input.pluginId ?? ""}) needs a value: Outpost serves only prometheus and loki data sources`.replace(
          " )",
          ")",
        ),
      );
    values.set(input.name, value);
  }
  for (const name of given.keys())
    if (!values.has(name)) throw badInput("inputs", `the dashboard declares no input "${name}"`);
  const { __inputs: _i, __requires: _r, ...rest } = doc;
  if (values.size === 0) return rest;
  const replace = (s: string) =>
    s.includes("${")
      ? s.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, n: string) => values.get(n) ?? m)
      : s;
  return mapStrings(rest, replace) as DashboardJson;
}

/**
 * The dashboard for sharing: Outpost's data source uids become `${DS_PROMETHEUS}` and
 * `${DS_LOKI}`, declared in `__inputs` (and `__requires`), as Grafana's export does.
 */
export function shareDashboard(doc: DashboardJson): DashboardJson {
  const used = new Set<string>();
  const placeholders: Record<string, string> = {
    [PROMETHEUS_UID]: placeholder("DS_PROMETHEUS"),
    [LOKI_UID]: placeholder("DS_LOKI"),
  };
  const shared = mapStrings(doc, (s) => {
    const p = placeholders[s];
    if (p === undefined) return s;
    used.add(s);
    return p;
  }) as DashboardJson;
  const inputs = [];
  const requires = [];
  for (const [plugin, uid] of Object.entries(BUILT_IN)) {
    if (!used.has(uid)) continue;
    const label = plugin === "loki" ? "Loki" : "Prometheus";
    inputs.push({
      name: `DS_${plugin.toUpperCase()}`,
      label,
      description: "",
      type: "datasource",
      pluginId: plugin,
      pluginName: label,
    });
    requires.push({ type: "datasource", id: plugin, name: label, version: "1.0.0" });
  }
  return { __inputs: inputs, __requires: requires, ...shared };
}

/** `${name}`, as an export refers to an input. */
export function placeholder(name: string): string {
  return `\${${name}}`;
}

function defaultValue(input: Input): string | undefined {
  if (input.type === "datasource") return BUILT_IN[input.pluginId ?? ""];
  if (input.type === "constant") return input.value;
  return undefined;
}

function readInputs(raw: unknown): Input[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badInput("json.__inputs", "it is not a list");
  return raw.map((x, i) => {
    const o = x as Partial<Record<keyof Input, unknown>> | null;
    if (typeof o !== "object" || o === null || typeof o.name !== "string" || o.name === "")
      throw badInput(`json.__inputs[${i}]`, "an input needs a name");
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    return { name: o.name, type: str(o.type), pluginId: str(o.pluginId), value: str(o.value) };
  });
}

/** A copy of a JSON value with `f` applied to every string, keys left alone. */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f);
    return out;
  }
  return v;
}
