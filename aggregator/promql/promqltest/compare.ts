/**
 * Judges an eval's outcome as Prometheus's promqltest does: floats equal within a relative
 * 1e-6 (NaN equals NaN), exact label sets, order only when asked, annotations only when an
 * `expect` line (or a deprecated `eval_warn`/`eval_info`) asks. Each check returns null when
 * it passes, or a one-line reason.
 */
import { compareLabels, formatSeries, type Labels } from "../../../shared/model/labels.ts";
import type { QueryResult, Sample, SeriesPoints } from "../value.ts";
import { describeExpect, type Expect, type ExpectKind, expectMatches } from "./expect.ts";
import type { EvalCommand, ExpectedSeries } from "./script.ts";
import type { SequenceValue } from "./series.ts";

/** promqltest's `defaultEpsilon`: the relative error allowed between sample values. */
export const EPSILON = 0.000001;
/** The smallest positive normal float64. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus's `almost.Equal`: true when a and b differ by less than epsilon relative to their size. */
export function almostEqual(a: number, b: number, epsilon = EPSILON): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

function expectsOf(cmd: EvalCommand, kind: ExpectKind): Expect[] {
  return cmd.expects.filter((e) => e.kind === kind);
}

/** True when the eval expects the query to fail. */
export function expectsFailure(cmd: EvalCommand): boolean {
  return cmd.legacy.fail || cmd.expects.some((e) => e.kind === "fail");
}

/** True when the eval checks the order of an instant vector. */
export function expectsOrder(cmd: EvalCommand): boolean {
  return cmd.legacy.ordered || cmd.expects.some((e) => e.kind === "ordered");
}

/** Checks a query error against `expected_fail_*` and `expect fail msg|regex`. */
export function checkFailure(cmd: EvalCommand, message: string): string | null {
  if (cmd.failMessage !== null && cmd.failMessage !== message) {
    return `expected error ${JSON.stringify(cmd.failMessage)}, but got: ${message}`;
  }
  if (cmd.failRegexp !== null && !cmd.failRegexp.test(message)) {
    return `expected error matching pattern ${JSON.stringify(cmd.failRegexp.source)}, but got: ${message}`;
  }
  const fail = expectsOf(cmd, "fail")[0];
  if (fail !== undefined && !expectMatches(fail, message)) {
    return `expected error matching ${describeExpect(fail)}, but got: ${message}`;
  }
  return null;
}

/** Checks warn and info annotations against the eval's expectations. */
export function checkAnnotations(
  cmd: EvalCommand,
  warnings: readonly string[],
  infos: readonly string[],
): string | null {
  if (cmd.legacy.warn && warnings.length === 0) return "expected warnings but got none";
  if (cmd.legacy.info && infos.length === 0) return "expected info annotations but got none";
  const problem =
    checkKind("warn", expectsOf(cmd, "warn"), warnings) ??
    checkKind("info", expectsOf(cmd, "info"), infos);
  if (problem !== null) return problem;
  if (expectsOf(cmd, "no_warn").length > 0 && warnings.length > 0) {
    return `unexpected warning annotations: ${JSON.stringify(warnings)}`;
  }
  if (expectsOf(cmd, "no_info").length > 0 && infos.length > 0) {
    return `unexpected info annotations: ${JSON.stringify(infos)}`;
  }
  return null;
}

/** Every expect line must match some annotation, and every annotation some expect line. */
function checkKind(kind: string, expects: Expect[], actual: readonly string[]): string | null {
  if (expects.length === 0) return null;
  if (actual.length === 0) return `expected ${kind} annotations but none were found`;
  for (const e of expects) {
    if (!actual.some((a) => expectMatches(e, a))) {
      return `expected ${kind} annotation matching ${describeExpect(e)} but found ${JSON.stringify(actual)}`;
    }
  }
  for (const a of actual) {
    if (!expects.some((e) => expectMatches(e, a))) {
      return `unexpected ${kind} annotation ${JSON.stringify(a)}`;
    }
  }
  return null;
}

/** Compares a query result with the eval's expected series, scalar or string. */
export function compareResult(cmd: EvalCommand, result: QueryResult): string | null {
  switch (result.type) {
    case "matrix":
      return compareMatrix(cmd, result.series);
    case "vector":
      return compareVector(cmd, result.samples);
    case "scalar":
      if (cmd.expectedScalar === null) {
        return `expected vector or matrix result, but got scalar ${result.v}`;
      }
      if (!almostEqual(cmd.expectedScalar, result.v)) {
        return `expected scalar ${cmd.expectedScalar} but got ${result.v}`;
      }
      return null;
    case "string":
      if (cmd.expectedString !== result.v) {
        return `expected string ${JSON.stringify(cmd.expectedString)} but got ${JSON.stringify(result.v)}`;
      }
      return null;
  }
}

/** A key for exact label-set equality. */
function keyOf(labels: Labels): string {
  return JSON.stringify(labels);
}

function expectedByKey(cmd: EvalCommand): Map<string, ExpectedSeries> {
  return new Map(cmd.expected.map((e) => [keyOf(e.labels), e]));
}

/** The float an expected point stands for: `_` reads as 0 and `stale` as NaN, as in Go. */
function floatOf(v: SequenceValue): number {
  if (typeof v === "number") return v;
  return v === "stale" ? Number.NaN : 0;
}

function compareVector(cmd: EvalCommand, samples: readonly Sample[]): string | null {
  if (cmd.expectedScalar !== null)
    return `expected scalar result, but got vector ${formatVector(samples)}`;
  const expected = expectedByKey(cmd);
  const seen = new Set<string>();
  for (let pos = 0; pos < samples.length; pos++) {
    const s = samples[pos];
    const key = keyOf(s.labels);
    const exp = expected.get(key);
    if (exp === undefined)
      return `unexpected metric ${formatSeries(s.labels)} in result, has value ${s.v}`;
    if (expectsOrder(cmd) && exp.pos !== pos + 1) {
      return `expected metric ${formatSeries(s.labels)} at position ${exp.pos} but was at ${pos + 1}`;
    }
    if (exp.values.length === 0) return `expected series ${formatSeries(exp.labels)} has no value`;
    if (exp.values[0] === "histogram")
      return `expected a histogram for ${formatSeries(s.labels)} but got float ${s.v}`;
    const want = floatOf(exp.values[0]);
    if (!almostEqual(want, s.v))
      return `expected ${want} for ${formatSeries(s.labels)} but got ${s.v}`;
    seen.add(key);
  }
  for (const [key, exp] of expected) {
    if (!seen.has(key))
      return `expected metric ${formatSeries(exp.labels)} with ${formatValues(exp.values)} not found`;
  }
  return null;
}

/** Matrix results must be sorted by labels. */
export function checkSorted(series: readonly SeriesPoints[]): string | null {
  for (let i = 0; i + 1 < series.length; i++) {
    if (compareLabels(series[i].labels, series[i + 1].labels) > 0) {
      return `matrix results should always be sorted by labels, but ${formatSeries(series[i + 1].labels)} comes after ${formatSeries(series[i].labels)}`;
    }
  }
  return null;
}

function compareMatrix(cmd: EvalCommand, series: readonly SeriesPoints[]): string | null {
  if (expectsOrder(cmd)) return "expected ordered result, but query returned a matrix";
  if (cmd.expectedScalar !== null) return "expected scalar result, but got matrix";
  const unsorted = checkSorted(series);
  if (unsorted !== null) return unsorted;
  const expected = expectedByKey(cmd);
  const seen = new Set<string>();
  for (const s of series) {
    const key = keyOf(s.labels);
    const exp = expected.get(key);
    if (exp === undefined)
      return `unexpected metric ${formatSeries(s.labels)} in result, has ${formatPoints(s)}`;
    const problem = comparePoints(cmd, exp, s);
    if (problem !== null) return problem;
    seen.add(key);
  }
  for (const [key, exp] of expected) {
    if (!seen.has(key)) return `expected metric ${formatSeries(exp.labels)} not found`;
  }
  return null;
}

/** Compares one series' points with the expected values laid out from the eval's start by step. */
function comparePoints(cmd: EvalCommand, exp: ExpectedSeries, s: SeriesPoints): string | null {
  const name = formatSeries(exp.labels);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < exp.values.length; i++) {
    const t = cmd.startMs + i * cmd.stepMs;
    if (t > cmd.endMs) {
      return `expected ${exp.values.length} points for ${name}, but query time range cannot return this many points`;
    }
    const v = exp.values[i];
    if (v === "_") continue;
    if (v === "histogram")
      return `expected a histogram at t=${t} for ${name}, which this runner cannot compare`;
    ts.push(t);
    vs.push(floatOf(v));
  }
  if (ts.length !== s.timestamps.length) {
    return `expected ${ts.length} float points for ${name}, but got ${formatPoints(s)}`;
  }
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] !== s.timestamps[i]) {
      return `expected float value at index ${i} for ${name} to have timestamp ${ts[i]}, but it had timestamp ${s.timestamps[i]} (result has ${formatPoints(s)})`;
    }
    if (!almostEqual(vs[i], s.values[i])) {
      return `expected float value at index ${i} (t=${ts[i]}) for ${name} to be ${vs[i]}, but got ${s.values[i]} (result has ${formatPoints(s)})`;
    }
  }
  return null;
}

/** `n float points [v @[t] …]`, as promqltest prints a series. */
export function formatPoints(s: SeriesPoints): string {
  const n = s.timestamps.length;
  const points = Array.from({ length: n }, (_, i) => `${s.values[i]} @[${s.timestamps[i]}]`);
  return `${n} float point${n === 1 ? "" : "s"} [${points.join(" ")}]`;
}

function formatValues(values: readonly SequenceValue[]): string {
  return `[${values.join(" ")}]`;
}

/** Renders an instant vector, one `labels => value` per sample. */
export function formatVector(samples: readonly Sample[]): string {
  return `[${samples.map((s) => `${formatSeries(s.labels)} => ${s.v}`).join(", ")}]`;
}

/** Renders any result for a failure report. */
export function formatResult(result: QueryResult): string {
  switch (result.type) {
    case "scalar":
      return `scalar ${result.v}`;
    case "string":
      return `string ${JSON.stringify(result.v)}`;
    case "vector":
      return `vector ${formatVector(result.samples)}`;
    case "matrix":
      return `matrix [${result.series.map((s) => `${formatSeries(s.labels)} => ${formatPoints(s)}`).join(", ")}]`;
  }
}
