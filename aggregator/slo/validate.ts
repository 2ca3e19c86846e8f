/**
 * Sloth's checks of a decoded spec: the version, names Sloth accepts, objectives in (0, 100],
 * label names and values Prometheus accepts, alert names where alerts are on, and SLI queries
 * that use `{{.window}}` and parse as PromQL once it is filled in.
 */
import { parseExpr } from "../promql/parser/parse.ts";
import type { SourcePos } from "../rules/model.ts";
import {
  type Located,
  type LocatedMap,
  type ServiceSpec,
  SPEC_VERSION,
  type SpecFinding,
} from "./model.ts";
import { hasWindow, renderWindow } from "./query_template.ts";

/** Sloth's name format for services and SLOs: alphanumerics at both ends, `-_.` inside. */
const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a spec as Sloth does; every problem goes to `out`. */
export function validateSpec(spec: ServiceSpec, out: SpecFinding[]): void {
  const fail = (pos: SourcePos, path: string, reason: string) => out.push({ pos, path, reason });
  if (spec.version.value !== SPEC_VERSION)
    fail(
      at(spec.version, spec.pos),
      "version",
      `Cannot load SLO spec: version must be "${SPEC_VERSION}"`,
    );
  checkName(spec.service, spec.pos, "service", fail);
  checkLabels(spec.labels, "labels", fail);
  if (spec.slos.length === 0 && !out.some((f) => f.path.startsWith("slos")))
    fail(spec.pos, "slos", "Cannot generate SLOs: at least one SLO is required");
  const ids = new Set<string>();
  spec.slos.forEach((slo, i) => {
    const path = `slos[${i}]`;
    checkName(slo.name, slo.pos, `${path}.name`, fail);
    const id = `${spec.service.value}-${slo.name.value}`;
    if (ids.has(id)) fail(slo.pos, path, `Cannot generate SLO: the SLO ID "${id}" is repeated`);
    ids.add(id);
    const objective = slo.objective.value;
    const written =
      slo.objective.pos.line !== slo.pos.line || slo.objective.pos.column !== slo.pos.column;
    // A value that is not a number was reported by the decoder already.
    if (Number.isNaN(objective)) {
      if (!written)
        fail(slo.pos, `${path}.objective`, "Cannot generate SLO: objective is required");
    } else if (!(objective > 0 && objective <= 100))
      fail(
        slo.objective.pos,
        `${path}.objective`,
        "Cannot generate SLO: objective must be in (0, 100]",
      );
    checkLabels(slo.labels, `${path}.labels`, fail);
    checkLabels(slo.infoLabels, `${path}.infoLabels`, fail);
    const a = slo.alerting;
    if (a.name.value === "" && !(a.page.disable && a.ticket.disable))
      fail(
        at(a.name, slo.pos),
        `${path}.alerting.name`,
        "Cannot generate alerts: alerting.name is required unless page_alert and ticket_alert are disabled",
      );
    for (const [map, where] of [
      [a.labels, "alerting.labels"],
      [a.page.labels, "alerting.page_alert.labels"],
      [a.ticket.labels, "alerting.ticket_alert.labels"],
    ] as const)
      checkLabels(map, `${path}.${where}`, fail);
    for (const [map, where] of [
      [a.annotations, "alerting.annotations"],
      [a.page.annotations, "alerting.page_alert.annotations"],
      [a.ticket.annotations, "alerting.ticket_alert.annotations"],
    ] as const)
      checkAnnotations(map, `${path}.${where}`, fail);
    checkSli(slo.sli, `${path}.sli`, fail);
  });
}

type Fail = (pos: SourcePos, path: string, reason: string) => void;

function at(value: Located<unknown>, fallback: SourcePos): SourcePos {
  return value.pos.line === 0 ? fallback : value.pos;
}

function checkName(name: Located<string>, fallback: SourcePos, path: string, fail: Fail): void {
  if (name.value === "") fail(at(name, fallback), path, `Cannot generate SLO: ${path} is required`);
  else if (!NAME.test(name.value))
    fail(
      name.pos,
      path,
      `Cannot generate SLO: ${path} "${name.value}" must start and end with a letter or digit and hold only letters, digits, "-", "_" and "."`,
    );
}

function checkLabels(labels: LocatedMap, path: string, fail: Fail): void {
  for (const [key, value] of labels) {
    if (!LABEL_NAME.test(key) || key === "__name__")
      fail(
        value.pos,
        `${path}.${key}`,
        `Cannot use label name "${key}": it is not a valid Prometheus label name`,
      );
    else if (value.value === "")
      fail(value.pos, `${path}.${key}`, `Cannot use label "${key}": its value is empty`);
  }
}

function checkAnnotations(annotations: LocatedMap, path: string, fail: Fail): void {
  for (const [key, value] of annotations) {
    if (!LABEL_NAME.test(key))
      fail(
        value.pos,
        `${path}.${key}`,
        `Cannot use annotation name "${key}": it is not a valid Prometheus label name`,
      );
    else if (value.value === "")
      fail(value.pos, `${path}.${key}`, `Cannot use annotation "${key}": its value is empty`);
  }
}

function checkSli(sli: ServiceSpec["slos"][number]["sli"], path: string, fail: Fail): void {
  if (sli === undefined) return;
  const queries: [Located<string>, string][] =
    sli.kind === "events"
      ? [
          [sli.errorQuery, `${path}.events.error_query`],
          [sli.totalQuery, `${path}.events.total_query`],
        ]
      : [[sli.errorRatioQuery, `${path}.raw.error_ratio_query`]];
  for (const [query, where] of queries) checkQuery(query, where, fail);
  if (
    sli.kind === "events" &&
    sli.errorQuery.value !== "" &&
    sli.errorQuery.value === sli.totalQuery.value
  )
    fail(
      sli.totalQuery.pos,
      `${path}.events`,
      "Cannot generate SLO: error_query and total_query must differ",
    );
}

function checkQuery(query: Located<string>, path: string, fail: Fail): void {
  const reason = queryProblem(query.value);
  if (reason !== undefined) fail(query.pos, path, reason);
}

function queryProblem(query: string): string | undefined {
  if (query.trim() === "") return "Cannot generate SLO: the query is required";
  if (!hasWindow(query))
    return "Cannot generate SLO: the query must use the {{.window}} template variable";
  try {
    parseExpr(renderWindow(query, "1m"));
  } catch (error) {
    return `Cannot parse query: ${(error as Error).message}`;
  }
  return undefined;
}
