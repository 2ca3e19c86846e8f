/**
 * Runs one eval against an engine the way promqltest does: a range eval once; an instant eval
 * at its time, then (given a parser) with `@` pinned at other times, and each of those again
 * as a range query around its time whose middle step must give the same answer.
 */
import {
  PromQLError,
  type QueryOutcome,
  type QueryResult,
  type Sample,
  type SeriesPoints,
} from "../value.ts";
import { atModifierVariants, type InstantCase, type QueryParser } from "./atmodifier.ts";
import {
  checkAnnotations,
  checkFailure,
  checkSorted,
  compareResult,
  expectsFailure,
  expectsOrder,
  formatResult,
} from "./compare.ts";
import type { EvalCommand } from "./script.ts";

/**
 * The engine surface the runner needs; the real `Engine` (aggregator/promql/engine) satisfies
 * it. Errors are PromQLError; anything else thrown counts as a crash, never as an expected failure.
 */
export interface QueryEngine {
  instantQuery(query: string, timeMs: number): Promise<QueryOutcome>;
  rangeQuery(query: string, startMs: number, endMs: number, stepMs: number): Promise<QueryOutcome>;
}

/** Why an eval failed: a one-line reason and, when there was a result, the result itself. */
export interface Failure {
  readonly reason: string;
  readonly detail?: string;
  /** The eval needs a feature the engine has switched off, so it could not be judged. */
  readonly skipped?: boolean;
}

/** Queries whose answer depends on the query's own range are not re-checked in range mode. */
const QUERY_CONTEXT_FUNCTIONS = /(start|end|range|step)\(\)/;
/** How the parser and engine refuse an experimental feature that is off. */
const NOT_ENABLED = /\b(?:is|are) (?:experimental and )?not enabled\b/;

/** Runs one eval; null when it passes. */
export async function evaluate(
  cmd: EvalCommand,
  engine: QueryEngine,
  parser?: QueryParser,
): Promise<Failure | null> {
  if (cmd.range) {
    const run = () => engine.rangeQuery(cmd.query, cmd.startMs, cmd.endMs, cmd.stepMs);
    const verdict = await attempt(cmd, run);
    return verdict !== null && "outcome" in verdict ? null : verdict;
  }
  const first = await instantCase(cmd, { query: cmd.query, timeMs: cmd.evalMs }, engine);
  if (first !== null || parser === undefined) return first;
  let variants: InstantCase[];
  try {
    variants = atModifierVariants(cmd.query, cmd.evalMs, parser);
  } catch (error) {
    return refusal(error) ?? { reason: `cannot build the @ variants: ${messageOf(error)}` };
  }
  for (const c of variants) {
    const failure = await instantCase(cmd, c, engine);
    if (failure !== null) {
      return { ...failure, reason: `${failure.reason} (as ${c.query} at ${c.timeMs}ms)` };
    }
  }
  return null;
}

/** A skip when `error` says an experimental feature is off; undefined otherwise. */
function refusal(error: unknown): Failure | undefined {
  const message = messageOf(error);
  return NOT_ENABLED.test(message) ? { reason: message, skipped: true } : undefined;
}

/** Runs a query and judges its error or its annotations and result. */
async function attempt(
  cmd: EvalCommand,
  run: () => Promise<QueryOutcome>,
): Promise<Failure | { outcome: QueryOutcome } | null> {
  let outcome: QueryOutcome;
  try {
    outcome = await run();
  } catch (error) {
    if (!(error instanceof PromQLError)) {
      return { reason: `engine crashed: ${describeCrash(error)}` };
    }
    const off = refusal(error);
    if (off !== undefined) return off;
    if (!expectsFailure(cmd)) return { reason: `error evaluating query: ${error.message}` };
    const mismatch = checkFailure(cmd, error.message);
    return mismatch === null ? null : { reason: mismatch };
  }
  if (expectsFailure(cmd)) return { reason: "expected error evaluating query but got none" };
  const detail = formatResult(outcome.result);
  const annotations = checkAnnotations(cmd, outcome.warnings, outcome.infos);
  if (annotations !== null) return { reason: annotations, detail };
  const mismatch = compareResult(cmd, outcome.result);
  if (mismatch !== null) return { reason: mismatch, detail };
  return { outcome };
}

async function instantCase(
  cmd: EvalCommand,
  c: InstantCase,
  engine: QueryEngine,
): Promise<Failure | null> {
  const verdict = await attempt(cmd, () => engine.instantQuery(c.query, c.timeMs));
  if (verdict === null || !("outcome" in verdict)) return verdict;
  if (cmd.excludeFromRangeQuery || QUERY_CONTEXT_FUNCTIONS.test(c.query)) return null;
  let ranged: QueryOutcome;
  try {
    ranged = await engine.rangeQuery(c.query, c.timeMs - 60_000, c.timeMs + 60_000, 60_000);
  } catch (error) {
    return (
      refusal(error) ?? { reason: `error evaluating query in range mode: ${messageOf(error)}` }
    );
  }
  // Range results are sorted by labels, so an expected order cannot be checked on them.
  if (expectsOrder(cmd)) return null;
  const detail = formatResult(ranged.result);
  if (ranged.result.type !== "matrix") {
    return { reason: `in range mode: expected a matrix, got a ${ranged.result.type}`, detail };
  }
  const unsorted = checkSorted(ranged.result.series);
  if (unsorted !== null) return { reason: `in range mode: ${unsorted}`, detail };
  const samples = middleStep(ranged.result.series, c.timeMs);
  let middle: QueryResult = { type: "vector", samples };
  if (verdict.outcome.result.type === "scalar") {
    if (samples.length === 0) return { reason: "in range mode: no point at the eval time", detail };
    middle = { type: "scalar", t: c.timeMs, v: samples[0].v };
  }
  const mismatch = compareResult(cmd, middle);
  return mismatch === null ? null : { reason: `in range mode: ${mismatch}`, detail };
}

/** The samples a range query's series have at `t`. */
function middleStep(series: readonly SeriesPoints[], t: number): Sample[] {
  const samples: Sample[] = [];
  for (const s of series) {
    const i = s.timestamps.indexOf(t);
    if (i >= 0) samples.push({ labels: s.labels, t, v: s.values[i] });
  }
  return samples;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeCrash(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frame = error.stack?.split("\n").find((l) => l.trim().startsWith("at ")) ?? "";
  return `${error.name}: ${error.message} ${frame.trim()}`.trim();
}
