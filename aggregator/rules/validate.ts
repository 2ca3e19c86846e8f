/**
 * The second pass over a rule file: each rule's fields checked against each other and
 * against PromQL, as Prometheus's rulefmt does (wording included), once the file's shape is
 * known to be right. Prometheus 3's rules apply: names are any UTF-8 text, except that a
 * record name may not hold braces and no rule may set `__name__`.
 */
import { isValidLabelName } from "../../shared/model/labels.ts";
import type { Expr } from "../promql/parser/ast.ts";
import { parseExpr } from "../promql/parser/parse.ts";
import { checkAlertTemplate } from "../template/alert.ts";
import type { DraftGroup, DraftRule, Finding, Pair } from "./decode.ts";
import type { Rule, RuleFileOptions, RuleGroup, SourcePos, TemplateCheck } from "./model.ts";

/** Checks draft groups; returns the groups with no problem, recording the others' in `out`. */
export function validateGroups(
  drafts: readonly DraftGroup[],
  file: string,
  options: RuleFileOptions,
  out: Finding[],
): RuleGroup[] {
  const seen = new Set<string>();
  const groups: RuleGroup[] = [];
  for (const draft of drafts) {
    const name = draft.name?.value ?? "";
    const before = out.length;
    const fail = (pos: SourcePos, context: string, reason: string) =>
      out.push({ pos, context, group: draft.index, reason });
    if (name === "") fail(draft.pos, "", "Groupname must not be empty");
    else if (seen.has(name)) {
      fail(draft.name!.pos, "", `groupname: ${JSON.stringify(name)} is repeated in the same file`);
    }
    seen.add(name);
    const where = `group ${JSON.stringify(name)}`;
    checkLabels(draft.labels, (pos, reason) => fail(pos, where, reason));
    const rules: Rule[] = [];
    for (const written of draft.rules) {
      const rule = checkRule(written, draft, options, fail);
      if (rule !== null) rules.push(rule);
    }
    if (out.length > before) continue;
    groups.push({
      file,
      name,
      interval: draft.interval,
      queryOffset: draft.queryOffset,
      limit: draft.limit,
      labels: toRecord(draft.labels),
      rules,
      pos: draft.pos,
      fields: draft.fields,
    });
  }
  return groups;
}

type Fail = (pos: SourcePos, context: string, reason: string) => void;

function checkRule(r: DraftRule, g: DraftGroup, options: RuleFileOptions, fail: Fail): Rule | null {
  const name = r.alert?.value || r.record?.value || "";
  const where = `group ${JSON.stringify(g.name?.value ?? "")}, rule ${r.index}, ${JSON.stringify(name)}`;
  let ok = true;
  const bad = (pos: SourcePos, reason: string) => {
    ok = false;
    fail(pos, where, reason);
  };
  const record = r.record?.value ?? "";
  const alert = r.alert?.value ?? "";
  if (record !== "" && alert !== "")
    bad(r.record!.pos, "only one of 'record' and 'alert' must be set");
  if (record === "" && alert === "") bad(r.pos, "one of 'record' or 'alert' must be set");
  const query = checkExpr(r, bad);
  if (record !== "") checkRecording(r, record, bad);
  checkLabels(r.labels, bad);
  for (const [key, a] of r.annotations) {
    if (!isValidLabelName(key)) bad(a.keyPos, `invalid annotation name: ${key}`);
  }
  // Only alerting rules are templated (recording rules' labels are taken as they are).
  if (r.alert) checkTemplates(r, options.checkTemplate ?? checkAlertTemplate, bad);
  if (!ok || query === null) return null;
  const labels = { ...toRecord(g.labels), ...toRecord(r.labels) };
  const common = {
    name,
    expr: r.expr!.value,
    query,
    labels,
    index: r.index,
    pos: r.pos,
    fields: r.fields,
  };
  if (alert === "") return { type: "recording", ...common };
  return {
    type: "alerting",
    ...common,
    for: r.for,
    keepFiringFor: r.keepFiringFor,
    annotations: toRecord(r.annotations),
  };
}

function checkExpr(r: DraftRule, bad: (pos: SourcePos, reason: string) => void): Expr | null {
  if (r.expr === undefined || r.expr.value === "") {
    bad(r.fields.expr ?? r.pos, "field 'expr' must be set in rule");
    return null;
  }
  try {
    return parseExpr(r.expr.value);
  } catch (error) {
    bad(r.expr.pos, `could not parse expression: ${(error as Error).message}`);
    return null;
  }
}

function checkRecording(
  r: DraftRule,
  record: string,
  bad: (pos: SourcePos, reason: string) => void,
) {
  const at = r.record!.pos;
  if (r.annotations.size > 0) bad(at, "invalid field 'annotations' in recording rule");
  if (r.for !== 0) bad(at, "invalid field 'for' in recording rule");
  if (r.keepFiringFor !== 0) bad(at, "invalid field 'keep_firing_for' in recording rule");
  if (!isValidLabelName(record)) bad(at, `invalid recording rule name: ${record}`);
  // Valid UTF-8 since Prometheus 3, but braces mean a selector was written where a name goes.
  if (record.includes("{") || record.includes("}")) {
    bad(at, `braces present in the recording rule name; should it be in expr?: ${record}`);
  }
}

function checkLabels(
  labels: ReadonlyMap<string, Pair>,
  bad: (pos: SourcePos, reason: string) => void,
) {
  for (const [key, label] of labels) {
    if (!isValidLabelName(key) || key === "__name__")
      bad(label.keyPos, `invalid label name: ${key === "" ? '""' : key}`);
    if (!label.value.isWellFormed()) bad(label.pos, `invalid label value: ${label.value}`);
  }
}

function checkTemplates(
  r: DraftRule,
  check: TemplateCheck,
  bad: (pos: SourcePos, reason: string) => void,
) {
  for (const [kind, map] of [
    ["label", r.labels],
    ["annotation", r.annotations],
  ] as const) {
    for (const [key, pair] of map) {
      const problem = check(pair.value, r.alert?.value ?? "");
      if (problem !== null) bad(pair.pos, `${kind} ${JSON.stringify(key)}: ${problem}`);
    }
  }
}

function toRecord(map: ReadonlyMap<string, Pair>): Record<string, string> {
  return Object.fromEntries([...map].map(([k, v]) => [k, v.value]));
}
