/**
 * Metric results in the shapes of Loki's API: a matrix for range queries and a vector for
 * instant ones, series sorted by labels (Prometheus's `labels.Compare`, as Loki sorts) unless
 * the query sorts by value, timestamps in Unix seconds, values printed as Go prints them
 * (`strconv.FormatFloat(v, 'f', -1, 64)`: "12", "0.2", "NaN", "+Inf").
 */
import { compareLabels, type Labels } from "../../../shared/model/labels.ts";
import { formatGoFloat } from "../../promql/parser/go_format.ts";
import type { MatrixResult, VectorResult } from "../result.ts";
import type { EvalContext, MetricValue, StepSeries } from "./context.ts";

function metric(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < labels.length; i += 2) out[labels[i]] = labels[i + 1];
  return out;
}

function stepSeconds(ctx: EvalContext, step: number): number {
  const ns = ctx.startNs + BigInt(step) * ctx.stepNs;
  return Number(ns / 1_000_000n) / 1000;
}

function asSeries(ctx: EvalContext, v: MetricValue): readonly StepSeries[] {
  if (v.kind === "series") return v.series;
  const values = new Float64Array(ctx.steps).fill(v.value);
  return [{ labels: [], values, present: new Uint8Array(ctx.steps).fill(1) }];
}

/** A range query's matrix. */
export function toMatrix(ctx: EvalContext, v: MetricValue): MatrixResult[] {
  return [...asSeries(ctx, v)]
    .filter((s) => s.present.includes(1))
    .sort((a, b) => compareLabels(a.labels, b.labels))
    .map((s) => {
      const values: [number, string][] = [];
      for (let i = 0; i < ctx.steps; i++) {
        if (s.present[i] === 1) values.push([stepSeconds(ctx, i), formatGoFloat(s.values[i])]);
      }
      return { metric: metric(s.labels), values };
    });
}

/** An instant query's vector; `order` sorts by value (`sort`, `sort_desc`) instead of labels. */
export function toVector(ctx: EvalContext, v: MetricValue, order?: "asc" | "desc"): VectorResult[] {
  const t = stepSeconds(ctx, 0);
  const present = asSeries(ctx, v).filter((s) => s.present[0] === 1);
  if (order === undefined) present.sort((a, b) => compareLabels(a.labels, b.labels));
  else {
    const sign = order === "asc" ? 1 : -1;
    // NaN sorts last either way, as in Prometheus.
    present.sort((a, b) => {
      const x = a.values[0];
      const y = b.values[0];
      if (Number.isNaN(x) || Number.isNaN(y))
        return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return x < y ? -sign : x > y ? sign : 0;
    });
  }
  return present.map((s) => ({ metric: metric(s.labels), value: [t, formatGoFloat(s.values[0])] }));
}
