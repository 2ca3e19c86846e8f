/**
 * Which language a target speaks. Every Prometheus or Loki data source of an imported dashboard
 * maps to Outpost, whatever its uid, name, `${DS_…}` input or `$datasource` variable; a target is
 * LogQL when its data source (or its panel's) is Loki, PromQL otherwise.
 */
import type { DashboardModel, Panel, Target } from "./types.ts";

type Obj = Record<string, unknown>;

/** The query language of a target. */
export type TargetLanguage = "promql" | "logql";

/** Names by which a dashboard refers to Loki: `${DS_X}` inputs of plugin loki, datasource variables of query loki. */
export function lokiNames(model: DashboardModel): Set<string> {
  const out = new Set<string>(["loki"]);
  for (const i of Array.isArray(model.__inputs) ? (model.__inputs as Obj[]) : []) {
    if (i?.pluginId === "loki" && typeof i.name === "string") out.add(`\${${i.name}}`);
  }
  for (const v of model.templating?.list ?? []) {
    if (v.type === "datasource" && v.query === "loki") {
      out.add(`$${v.name}`);
      out.add(`\${${v.name}}`);
    }
  }
  return out;
}

/** True when a data source reference (string or `{type, uid}`) names Loki. */
function isLoki(ds: unknown, loki: Set<string>): boolean | undefined {
  if (ds === null || ds === undefined || ds === "") return undefined;
  if (typeof ds === "string") return loki.has(ds) || loki.has(ds.toLowerCase());
  const o = ds as Obj;
  if (typeof o.type === "string" && o.type !== "" && o.type !== "datasource")
    return o.type === "loki";
  return typeof o.uid === "string" ? loki.has(o.uid) || loki.has(o.uid.toLowerCase()) : undefined;
}

/** The language of a target: its own data source decides, else its panel's. */
export function targetLanguage(target: Target, panel: Panel, loki: Set<string>): TargetLanguage {
  const own = isLoki(target.datasource, loki);
  if (own !== undefined) return own ? "logql" : "promql";
  return isLoki(panel.datasource, loki) ? "logql" : "promql";
}
