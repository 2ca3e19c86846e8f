/**
 * `/api/v1/rules` and `/api/v1/alerts` in Prometheus's JSON shapes (field by field as
 * Prometheus 2.42 answers), so Grafana lists Outpost's rules and alerts.
 */
import { Hono } from "hono";
import { OutpostError } from "../../../shared/errors/errors.ts";
import { goJsonTime } from "../../../shared/time/go_json.ts";
import { tenantsOf } from "../../auth/tenants.ts";
import { exprToString } from "../../promql/parser/format.ts";
import type { Alert } from "../../rules/eval/alert.ts";
import type { GroupEvaluator } from "../../rules/eval/group.ts";
import { labelsRecord } from "../../rules/eval/output.ts";
import type { RuleState } from "../../rules/eval/rule_state.ts";
import { Form } from "./form.ts";
import { failure, success } from "./respond.ts";

/** What the routes answer from: a tenant's groups as they are now. */
export interface RulesApiDeps {
  readonly groups: (tenant: string) => readonly GroupEvaluator[];
}

/** The filters of `/api/v1/rules`. */
export interface RuleFilter {
  readonly type: "" | "alert" | "record";
  readonly names: Set<string>;
  readonly groups: Set<string>;
  readonly files: Set<string>;
  readonly excludeAlerts: boolean;
}

/** Builds the two routes; mount the result on the server's app. */
export function rulesApi(deps: RulesApiDeps): Hono {
  const app = new Hono();
  app.get("/api/v1/rules", async (c) => {
    try {
      const filter = readFilter(await Form.read(c.req.raw));
      return success(JSON.stringify({ groups: rulesData(deps.groups(tenantsOf(c)[0]), filter) }));
    } catch (err) {
      return failure(err as OutpostError);
    }
  });
  // The request's one tenant: the guard refuses joins here, as Mimir's ruler does.
  app.get("/api/v1/alerts", (c) =>
    success(JSON.stringify({ alerts: alertsData(deps.groups(tenantsOf(c)[0])) })),
  );
  return app;
}

function readFilter(form: Form): RuleFilter {
  const excluded = form.get("exclude_alerts");
  if (excluded !== "" && !/^(true|false|1|0|t|f|TRUE|FALSE|True|False|T|F)$/.test(excluded))
    throw new OutpostError("bad_data", `parsing exclude_alerts: invalid syntax "${excluded}"`);
  return ruleFilter({
    type: form.get("type"),
    names: form.all("rule_name[]"),
    groups: form.all("rule_group[]"),
    files: form.all("file[]"),
    excludeAlerts: /^(true|1|t)$/i.test(excluded),
  });
}

/** The filter from its parts; an unknown `type` is a `bad_data` error, as Prometheus's. */
export function ruleFilter(p: {
  type: string;
  names: readonly string[];
  groups: readonly string[];
  files: readonly string[];
  excludeAlerts: boolean;
}): RuleFilter {
  const type = p.type.toLowerCase();
  if (type !== "" && type !== "alert" && type !== "record")
    throw new OutpostError("bad_data", `invalid parameter "type": not supported value "${type}"`);
  const [names, groups, files] = [new Set(p.names), new Set(p.groups), new Set(p.files)];
  return { type, names, groups, files, excludeAlerts: p.excludeAlerts };
}

/** A group and the rules of it that pass a filter. */
export interface SelectedGroup {
  readonly group: GroupEvaluator;
  readonly rules: readonly RuleState[];
}

/** The groups and rules `/api/v1/rules` lists: a group left out when a filter empties it. */
export function selectRules(groups: readonly GroupEvaluator[], f: RuleFilter): SelectedGroup[] {
  const filtering = f.type !== "" || f.names.size + f.groups.size + f.files.size > 0;
  const out: SelectedGroup[] = [];
  for (const g of groups) {
    if (f.groups.size > 0 && !f.groups.has(g.group.name)) continue;
    if (f.files.size > 0 && !f.files.has(g.group.file)) continue;
    const rules = g.rules.filter(
      (r) => (f.names.size === 0 || f.names.has(r.rule.name)) && typeMatches(r, f.type),
    );
    if (filtering && rules.length === 0) continue;
    out.push({ group: g, rules });
  }
  return out;
}

/** The `groups` of `/api/v1/rules`. */
export function rulesData(groups: readonly GroupEvaluator[], f: RuleFilter): unknown[] {
  return selectRules(groups, f).map(({ group: g, rules }) => ({
    name: g.group.name,
    file: g.group.file,
    rules: rules.map((r) => ruleData(r, f.excludeAlerts)),
    interval: g.interval / 1000,
    limit: g.group.limit,
    evaluationTime: g.evaluationTime,
    lastEvaluation: goJsonTime(g.lastEvaluation),
  }));
}

function typeMatches(r: RuleState, type: RuleFilter["type"]): boolean {
  return type === "" || (type === "alert") === (r.rule.type === "alerting");
}

function ruleData(r: RuleState, excludeAlerts: boolean): unknown {
  const rule = r.rule;
  const health = {
    health: r.health,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationTime,
    lastEvaluation: goJsonTime(r.lastEvaluation),
  };
  const query = exprToString(rule.query);
  if (rule.type === "recording" || !r.alerting) {
    const labels = Object.keys(rule.labels).length > 0 ? { labels: rule.labels } : {};
    return { name: rule.name, query, ...labels, ...health, type: "recording" };
  }
  return {
    state: r.alerting.state,
    name: rule.name,
    query,
    duration: rule.for / 1000,
    keepFiringFor: rule.keepFiringFor / 1000,
    labels: rule.labels,
    annotations: rule.annotations,
    ...(excludeAlerts ? {} : { alerts: activeAlerts(r).map(alertData) }),
    ...health,
    type: "alerting",
  };
}

/** The `alerts` of `/api/v1/alerts`: every pending and firing alert. */
export function alertsData(groups: readonly GroupEvaluator[]): unknown[] {
  return groups.flatMap((g) => g.rules.flatMap((r) => activeAlerts(r).map(alertData)));
}

/** An alerting rule's pending and firing alerts, sorted by labels. */
export function activeAlerts(r: RuleState): Alert[] {
  const all = [...(r.alerting?.active.values() ?? [])].filter((a) => a.state !== "inactive");
  return all.sort((a, b) => (a.labels.join("\xff") < b.labels.join("\xff") ? -1 : 1));
}

function alertData(a: Alert): unknown {
  return {
    labels: labelsRecord(a.labels),
    annotations: a.annotations,
    state: a.state,
    activeAt: goJsonTime(a.activeAt),
    ...(a.keepFiringSince > 0 ? { keepFiringSince: goJsonTime(a.keepFiringSince) } : {}),
    value: goExponent(a.value),
  };
}

/** Go's `strconv.FormatFloat(v, 'e', -1, 64)`: `5e+00`, `1.5e-07`. */
export function goExponent(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  const [mantissa, exp] = v.toExponential().split("e");
  const sign = exp.startsWith("-") ? "-" : "+";
  const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
  return `${mantissa}e${sign}${digits}`;
}
