/**
 * Binary operations between metric values, step by step, with Prometheus's matching rules
 * that Loki follows: one-to-one (on/ignoring), many-to-one and one-to-many (group_left/right,
 * copying `include` labels from the "one" side), the set operators, comparisons that filter
 * (or give 0/1 with `bool`), and vector/scalar operations.
 */
import type { Labels } from "../../../shared/model/labels.ts";
import { labelValue } from "../../../shared/model/labels.ts";
import { deleteLabels, keepLabels, matchSignature } from "../../promql/engine/labelset.ts";
import { LogQLError } from "../result.ts";
import type { BinaryExpr, BinaryOp } from "./ast.ts";
import { applyScalar } from "./binary_parse.ts";
import { emptySeries, type MetricValue, type StepSeries } from "./context.ts";

const COMPARISONS: ReadonlySet<BinaryOp> = new Set(["==", "!=", ">", ">=", "<", "<="]);

/** Evaluates `lhs op rhs` over `steps` steps. */
export function evalBinary(
  e: BinaryExpr,
  lhs: MetricValue,
  rhs: MetricValue,
  steps: number,
): MetricValue {
  if (lhs.kind === "scalar" && rhs.kind === "scalar") {
    return { kind: "scalar", value: applyScalar(e.op, lhs.value, rhs.value) };
  }
  if (lhs.kind === "scalar" || rhs.kind === "scalar") {
    const scalarLeft = lhs.kind === "scalar";
    const scalar = (scalarLeft ? lhs : rhs) as { value: number };
    const vector = (scalarLeft ? rhs : lhs) as { series: readonly StepSeries[] };
    return {
      kind: "series",
      series: vectorScalar(e, vector.series, scalar.value, scalarLeft, steps),
    };
  }
  if (e.op === "and" || e.op === "or" || e.op === "unless") {
    return { kind: "series", series: setOp(e, lhs.series, rhs.series, steps) };
  }
  return { kind: "series", series: vectorVector(e, lhs.series, rhs.series, steps) };
}

function vectorScalar(
  e: BinaryExpr,
  series: readonly StepSeries[],
  scalar: number,
  scalarLeft: boolean,
  steps: number,
): StepSeries[] {
  const comparison = COMPARISONS.has(e.op);
  return series.map((s) => {
    const out = emptySeries(s.labels, steps);
    for (let i = 0; i < steps; i++) {
      if (s.present[i] !== 1) continue;
      const v = s.values[i];
      const r = scalarLeft ? applyScalar(e.op, scalar, v) : applyScalar(e.op, v, scalar);
      if (comparison && !e.returnBool && r === 0) continue;
      out.present[i] = 1;
      out.values[i] = comparison && !e.returnBool ? v : r;
    }
    return out;
  });
}

function setOp(
  e: BinaryExpr,
  lhs: readonly StepSeries[],
  rhs: readonly StepSeries[],
  steps: number,
): StepSeries[] {
  const sig = matchSignature(e.matching.on, e.matching.labels);
  const lsig = lhs.map((s) => sig(s.labels));
  const rsig = rhs.map((s) => sig(s.labels));
  const out = lhs.map((s) => emptySeries(s.labels, steps));
  const extra = e.op === "or" ? rhs.map((s) => emptySeries(s.labels, steps)) : [];
  for (let i = 0; i < steps; i++) {
    const right = new Set(rhs.flatMap((s, j) => (s.present[i] === 1 ? [rsig[j]] : [])));
    const left = new Set(lhs.flatMap((s, j) => (s.present[i] === 1 ? [lsig[j]] : [])));
    lhs.forEach((s, j) => {
      if (s.present[i] !== 1) return;
      const keep = e.op === "or" || (e.op === "and" ? right.has(lsig[j]) : !right.has(lsig[j]));
      if (keep) copy(s, out[j], i);
    });
    if (e.op !== "or") continue;
    for (let j = 0; j < rhs.length; j++) {
      if (rhs[j].present[i] === 1 && !left.has(rsig[j])) copy(rhs[j], extra[j], i);
    }
  }
  return [...out, ...extra];
}

function copy(from: StepSeries, to: StepSeries, i: number): void {
  to.present[i] = 1;
  to.values[i] = from.values[i];
}

/** The labels of a result sample, from the "many" side (Prometheus's `resultMetric`). */
function resultLabels(e: BinaryExpr, many: Labels, one: Labels): Labels {
  const m = e.matching;
  let labels = many;
  if (m.card === "one-to-one")
    labels = m.on ? keepLabels(many, m.labels) : deleteLabels(many, m.labels);
  for (const name of m.include) {
    const value = labelValue(one, name);
    const rest = deleteLabels(labels, [name]);
    labels = value === "" ? rest : insertLabel(rest, name, value);
  }
  return labels;
}

function insertLabel(labels: Labels, name: string, value: string): Labels {
  const out: string[] = [];
  let done = false;
  for (let i = 0; i < labels.length; i += 2) {
    if (!done && labels[i] > name) {
      out.push(name, value);
      done = true;
    }
    out.push(labels[i], labels[i + 1]);
  }
  if (!done) out.push(name, value);
  return out;
}

function vectorVector(
  e: BinaryExpr,
  lhs: readonly StepSeries[],
  rhs: readonly StepSeries[],
  steps: number,
): StepSeries[] {
  const sig = matchSignature(e.matching.on, e.matching.labels);
  const swap = e.matching.card === "one-to-many";
  const many = swap ? rhs : lhs;
  const one = swap ? lhs : rhs;
  const manySig = many.map((s) => sig(s.labels));
  const oneSig = one.map((s) => sig(s.labels));
  const comparison = COMPARISONS.has(e.op);
  const out = new Map<string, StepSeries>();
  for (let i = 0; i < steps; i++) {
    const ones = new Map<string, StepSeries>();
    one.forEach((s, j) => {
      if (s.present[i] !== 1) return;
      if (ones.has(oneSig[j])) duplicate(swap ? "left" : "right");
      ones.set(oneSig[j], s);
    });
    const seen = new Set<string>();
    many.forEach((s, j) => {
      const match = s.present[i] === 1 ? ones.get(manySig[j]) : undefined;
      if (match === undefined) return;
      if (e.matching.card === "one-to-one") {
        if (seen.has(manySig[j]))
          throw new LogQLError(
            "execution",
            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
          );
        seen.add(manySig[j]);
      }
      const [l, r] = swap ? [match.values[i], s.values[i]] : [s.values[i], match.values[i]];
      const value = applyScalar(e.op, l, r);
      if (comparison && !e.returnBool && value === 0) return;
      const labels = resultLabels(e, s.labels, match.labels);
      const key = labels.join("\u0000");
      let res = out.get(key);
      if (res === undefined) {
        res = emptySeries(labels, steps);
        out.set(key, res);
      }
      res.present[i] = 1;
      res.values[i] = comparison && !e.returnBool ? l : value;
    });
  }
  return [...out.values()];
}

function duplicate(side: string): never {
  throw new LogQLError(
    "execution",
    `found duplicate series for the match group on the ${side} hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side`,
  );
}
