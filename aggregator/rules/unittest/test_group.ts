/**
 * One test group of a rule test file run as promtool runs it: the input series loaded, the
 * groups evaluated at every `evaluation_interval` from 0 up to the last check's time (a rule
 * that fails to evaluate ends the group with its error), each
 * `alert_rule_test` checked against the firing alerts of the last evaluation at or before its
 * time, then each `promql_expr_test` queried over everything written.
 */
import { compareLabels, type Labels, labelsFromRecord } from "../../../shared/model/labels.ts";
import { quoteGo } from "../../promql/engine/format.ts";
import { parseSeriesDesc } from "../../promql/promqltest/series.ts";
import type { RuleEngine } from "../eval/deps.ts";
import { resultSamples } from "../eval/recording.ts";
import type { RuleGroup } from "../model.ts";
import { alertFailure, exprError, exprFailure, type TestAlert, type TestSample } from "./format.ts";
import { GroupRun } from "./group_run.ts";
import { loadInputSeries } from "./input.ts";
import type { AlertCase, ExprCase, TestGroup } from "./schema.ts";

/** How a test group is run: the file's settings and the groups in evaluation order. */
export interface TestSettings {
  readonly groups: readonly RuleGroup[];
  readonly evaluationInterval: number;
  readonly fuzzyCompare: boolean;
  readonly engine: RuleEngine;
}

/** Runs one test group; returns its failures in promtool's wording (none: it passed). */
export async function runTestGroup(test: TestGroup, settings: TestSettings): Promise<string[]> {
  const step = settings.evaluationInterval;
  let storage: ReturnType<typeof loadInputSeries>;
  try {
    storage = loadInputSeries(test.input_series, test.interval ?? step);
  } catch (error) {
    return [`    ${(error as Error).message}`];
  }
  const run = new GroupRun(settings.groups, storage, settings.engine, {
    externalLabels: test.external_labels,
    externalURL: test.external_url,
  });
  const failures: string[] = [];
  const cases = [...test.alert_rule_test].sort((a, b) => a.eval_time - b.eval_time);
  // Up to the latest time any check asks about, alert or expression, as promtool runs.
  const last = Math.max(
    0,
    ...cases.map((c) => c.eval_time),
    ...test.promql_expr_test.map((c) => c.eval_time),
  );
  let next = 0;
  for (let ts = 0; ts <= last; ts += step) {
    const failed = await run.evaluate(ts);
    // A rule that fails ends the test group there, with what failed before it.
    if (failed.length > 0) return [...failures, ...failed];
    // Checks due before the next tick see this tick's alerts.
    while (next < cases.length && cases[next].eval_time < ts + step) {
      const failure = checkAlerts(cases[next], run.firing(cases[next].alertname), test.name);
      if (failure !== null) failures.push(failure);
      next++;
    }
  }
  for (const c of test.promql_expr_test) {
    const failure = await checkExpr(c, storage, settings);
    if (failure !== null) failures.push(failure);
  }
  return failures;
}

function checkAlerts(c: AlertCase, found: TestAlert[], testName: string): string | null {
  const exp = c.exp_alerts.map((a) => ({
    labels: labelsFromRecord({ ...a.exp_labels, alertname: c.alertname }),
    annotations: a.exp_annotations,
  }));
  const got = byLabels(found);
  const want = byLabels(exp);
  const same =
    got.length === want.length &&
    got.every(
      (g, i) =>
        compareLabels(g.labels, want[i].labels) === 0 &&
        sameRecord(g.annotations, want[i].annotations),
    );
  return same ? null : alertFailure(testName, c.alertname, c.eval_time, want, got);
}

async function checkExpr(
  c: ExprCase,
  storage: Parameters<RuleEngine["instantQuery"]>[0],
  settings: TestSettings,
): Promise<string | null> {
  let got: TestSample[];
  try {
    const { result } = await settings.engine.instantQuery(storage, c.expr, c.eval_time, {
      origin: "rule",
    });
    got = byLabels(resultSamples(result));
  } catch (error) {
    return exprError(c.expr, c.eval_time, (error as Error).message);
  }
  let exp: TestSample[];
  try {
    exp = byLabels(c.exp_samples.map((s) => ({ labels: seriesLabels(s.labels), value: s.value })));
  } catch (error) {
    return exprError(c.expr, c.eval_time, (error as Error).message);
  }
  const equal = settings.fuzzyCompare ? nearlyEqual : (a: number, b: number) => a === b;
  const same =
    got.length === exp.length &&
    got.every(
      (g, i) => compareLabels(g.labels, exp[i].labels) === 0 && equal(g.value, exp[i].value),
    );
  return same ? null : exprFailure(c.expr, c.eval_time, exp, got);
}

/** The labels of an expected sample's series, written in PromQL notation. */
function seriesLabels(text: string): Labels {
  let desc: ReturnType<typeof parseSeriesDesc>;
  try {
    desc = parseSeriesDesc(text);
  } catch (error) {
    const reason = (error as Error).message.replace(
      /^Cannot parse series description "[\s\S]*?": /,
      "",
    );
    throw new SyntaxError(`labels ${quoteGo(text)}: ${reason}`);
  }
  if (desc.values.length > 0) throw new SyntaxError(`Cannot parse series "${text}": it has values`);
  return desc.labels;
}

function byLabels<T extends { labels: Labels }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareLabels(a.labels, b.labels));
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

const bits = new Float64Array(2);
const words = new BigInt64Array(bits.buffer);

/** `fuzzy_compare`: equal, or apart by one step of the last mantissa bit. */
function nearlyEqual(a: number, b: number): boolean {
  if (a === b) return true;
  bits[0] = a;
  bits[1] = b;
  const d = words[0] - words[1];
  return d === 1n || d === -1n;
}
