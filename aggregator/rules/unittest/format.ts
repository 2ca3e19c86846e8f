/**
 * The failure messages of `promtool test rules`, worded and laid out as promtool prints them,
 * so that a user reading either tool's output (or a script grepping it) sees the same text:
 * alert lists as `Labels:{…}` / `Annotations:{…}` blocks, samples as `{labels} 1.5E+00`.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { formatDuration } from "../../../shared/time/duration.ts";
import { formatLabelsGo, quoteGo } from "../../promql/engine/format.ts";

/** An alert as a test expects or finds it. */
export interface TestAlert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A sample as a test expects or finds it. */
export interface TestSample {
  readonly labels: Labels;
  readonly value: number;
}

/** Go's `strconv.FormatFloat(v, 'E', -1, 64)`: shortest digits, `1.5E+00`. */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  const [mantissa, exp] = v.toExponential().split("e");
  const n = Number(exp);
  const sign = Object.is(v, -0) ? "-" : "";
  return `${sign}${mantissa}E${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
}

/** A record printed as Go prints a label set: `{a="1", b="2"}`, names sorted. */
function formatRecord(record: Readonly<Record<string, string>>): string {
  const names = Object.keys(record).sort();
  return `{${names.map((n) => `${n}=${quoteGo(record[n])}`).join(", ")}}`;
}

/** An alert list as promtool prints it: `[]`, or numbered blocks indented under `exp:`/`got:`. */
export function formatAlerts(alerts: readonly TestAlert[]): string {
  if (alerts.length === 0) return "[]";
  const pad = " ".repeat(12);
  const blocks = alerts.map(
    (a, i) =>
      `${pad}${i}:\n${pad}  Labels:${formatLabelsGo(a.labels)}\n${pad}  Annotations:${formatRecord(a.annotations)}`,
  );
  return `[\n${blocks.join(",\n")}\n${pad}]`;
}

/** The failure of an `alert_rule_test` case. */
export function alertFailure(
  testName: string,
  alertname: string,
  evalTime: number,
  exp: readonly TestAlert[],
  got: readonly TestAlert[],
): string {
  const name = testName === "" ? "" : `    name: ${testName},\n`;
  return (
    `${name}    alertname: ${alertname}, time: ${formatDuration(evalTime)}, \n` +
    `        exp:${formatAlerts(exp)}, \n        got:${formatAlerts(got)}`
  );
}

/** Samples as promtool prints them: `{labels} value, …`, or `nil` for none. */
export function formatSamples(samples: readonly TestSample[]): string {
  if (samples.length === 0) return "nil";
  return samples.map((s) => `${formatLabelsGo(s.labels)} ${formatFloatE(s.value)}`).join(", ");
}

/** The failure of a `promql_expr_test` case whose result differs. */
export function exprFailure(
  expr: string,
  evalTime: number,
  exp: readonly TestSample[],
  got: readonly TestSample[],
): string {
  return (
    `    expr: ${quoteGo(expr)}, time: ${formatDuration(evalTime)},\n` +
    `        exp: ${formatSamples(exp)}\n        got: ${formatSamples(got)}`
  );
}

/** The failure of a `promql_expr_test` case that could not run (a bad query or expectation). */
export function exprError(expr: string, evalTime: number, reason: string): string {
  return `    expr: ${quoteGo(expr)}, time: ${formatDuration(evalTime)}, err: ${reason}`;
}
