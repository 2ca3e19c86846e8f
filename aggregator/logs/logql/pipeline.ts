/**
 * A log query's pipeline, compiled: its stages, the line filters storage may apply for it,
 * and whether it is nothing but line filters (then a line keeps its stream's labels and
 * counting can be pushed down to storage).
 */
import { LogQLError } from "../result.ts";
import type { LineFilter } from "../source.ts";
import type { Stage } from "./ast.ts";
import type { LabelsBuilder } from "./labels_builder.ts";
import { compileLineFilter, type LineTest, pushableFilters } from "./line_filter.ts";
import { compileStage, type StageFn } from "./stage.ts";

/** A compiled pipeline. */
export interface Pipeline {
  readonly stages: readonly StageFn[];
  /** Filters for `LogSelectParams.lineFilters`: those before any stage that rewrites lines. */
  readonly pushdown: readonly LineFilter[];
  /** Set when every stage is a line filter: the whole pipeline as one test. */
  readonly lineTest: LineTest | undefined;
  /** True when every stage is a line filter that storage can apply exactly. */
  readonly fullyPushed: boolean;
}

const REWRITES_LINE: ReadonlySet<Stage["kind"]> = new Set(["line_format", "unpack", "decolorize"]);

/** Compiles stages; a stage Loki would refuse fails with a `bad_data` LogQLError. */
export function compilePipeline(stages: readonly Stage[]): Pipeline {
  let compiled: StageFn[];
  try {
    compiled = stages.map(compileStage);
  } catch (error) {
    if (error instanceof SyntaxError) throw new LogQLError("bad_data", error.message);
    throw error;
  }
  const pushdown: LineFilter[] = [];
  let fullyPushed = true;
  let rewritten = false;
  for (const s of stages) {
    if (REWRITES_LINE.has(s.kind)) rewritten = true;
    if (s.kind !== "line_filter") {
      fullyPushed = false;
      continue;
    }
    const pushable = rewritten ? undefined : pushableFilters(s);
    if (pushable === undefined) fullyPushed = false;
    else pushdown.push(...pushable);
  }
  const linesOnly = stages.every((s) => s.kind === "line_filter");
  let lineTest: LineTest | undefined;
  if (linesOnly) {
    const tests = stages.map((s) =>
      s.kind === "line_filter" ? compileLineFilter(s.op, s.values) : () => true,
    );
    lineTest = tests.length === 1 ? tests[0] : (line) => tests.every((t) => t(line));
  }
  return { stages: compiled, pushdown, lineTest, fullyPushed };
}

/** Runs a line through the stages; null when a stage drops it. */
export function runPipeline(
  p: Pipeline,
  line: string,
  b: LabelsBuilder,
  timeNs: bigint,
): string | null {
  let out: string | null = line;
  for (const stage of p.stages) {
    out = stage(out, b, timeNs);
    if (out === null) return null;
    b.endStage();
  }
  return out;
}
