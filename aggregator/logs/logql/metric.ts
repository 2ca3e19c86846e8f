/**
 * Metric queries: evaluates a metric expression tree into series on the step grid (or a
 * scalar for a literal), bottom-up.
 */

import { labelValue } from "../../../shared/model/labels.ts";
import { expandTemplate } from "../../../shared/regex/expand.ts";
import { compileRegex } from "../../../shared/regex/regex.ts";
import { deleteLabels } from "../../promql/engine/labelset.ts";
import type { LabelReplaceExpr, MetricExpr } from "./ast.ts";
import { evalBinary } from "./binop.ts";
import { checkAbort, type EvalContext, type MetricValue, type StepSeries } from "./context.ts";
import { evalRange } from "./range.ts";
import { aggregate } from "./vector_agg.ts";

/** Evaluates a metric expression. */
export async function evalMetric(ctx: EvalContext, e: MetricExpr): Promise<MetricValue> {
  checkAbort(ctx);
  switch (e.kind) {
    case "literal":
      return { kind: "scalar", value: e.value };
    case "vector": {
      const values = new Float64Array(ctx.steps).fill(e.value);
      const present = new Uint8Array(ctx.steps).fill(1);
      return { kind: "series", series: [{ labels: [], values, present }] };
    }
    case "range":
      return { kind: "series", series: await evalRange(ctx, e) };
    case "vector_agg":
      return { kind: "series", series: aggregate(e, await seriesOf(ctx, e.expr), ctx.steps) };
    case "label_replace":
      return { kind: "series", series: labelReplace(e, await seriesOf(ctx, e.expr)) };
    case "binary": {
      const lhs = await evalMetric(ctx, e.lhs);
      const rhs = await evalMetric(ctx, e.rhs);
      return evalBinary(e, lhs, rhs, ctx.steps);
    }
  }
}

/** The series of an expression; a scalar becomes one series without labels. */
async function seriesOf(ctx: EvalContext, e: MetricExpr): Promise<readonly StepSeries[]> {
  const v = await evalMetric(ctx, e);
  if (v.kind === "series") return v.series;
  const values = new Float64Array(ctx.steps).fill(v.value);
  return [{ labels: [], values, present: new Uint8Array(ctx.steps).fill(1) }];
}

/** `label_replace`: an anchored match on `src` sets `dst` to the expanded replacement. */
function labelReplace(e: LabelReplaceExpr, input: readonly StepSeries[]): StepSeries[] {
  const re = compileRegex(e.regex);
  return input.map((s) => {
    const m = re.exec(labelValue(s.labels, e.src));
    if (m === null) return s;
    const value = expandTemplate(e.replacement, m, re.groupNames);
    const rest = deleteLabels(s.labels, [e.dst]);
    if (value === "") return { ...s, labels: rest };
    const pairs: [string, string][] = [];
    for (let i = 0; i < rest.length; i += 2) pairs.push([rest[i], rest[i + 1]]);
    pairs.push([e.dst, value]);
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return { ...s, labels: pairs.flat() };
  });
}
